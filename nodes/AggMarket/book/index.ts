/** The agg.market order-book keeper: what the trigger imports. */
export { bookChecksum } from './checksum';
export { immediateEmission, BookThrottle, TimedBookThrottle, type BookEmission, type BookUpdate } from './emission';
export { parseBookMessage, type BookMessage, type Level, type ParsedBookMessage } from './messages';
export { OrderBooks, resnapshotMessage, type BookResult, type DropReason, type OrderBooksOptions } from './OrderBooks';
export { topOfBook, type BookSnapshot, type ResyncCause, type ResyncReason, type TopOfBook } from './snapshot';
