/** The agg.market order-book keeper: what the trigger imports. */
export { bookChecksum, CHECKSUM_FORMS, type ChecksumForm } from './checksum';
export { immediateEmission, BookThrottle, TimedBookThrottle, type BookEmission, type BookUpdate } from './emission';
export { parseBookMessage, type BookMessage, type Level, type ParsedBookMessage } from './messages';
export {
	DEFAULT_MAX_RESNAPSHOTS,
	DEFAULT_RESNAPSHOT_WINDOW_MS,
	OrderBooks,
	resnapshotMessage,
	type BookResult,
	type ChecksumUnverifiable,
	type DropReason,
	type OrderBooksOptions,
	type ResnapshotStorm,
} from './OrderBooks';
export { topOfBook, type BookSnapshot, type ResyncCause, type ResyncReason, type TopOfBook } from './snapshot';
