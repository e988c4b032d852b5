export { AggSimulator, AGG_PREFIX, type AggEndpoints } from './simulator';
export { DEFAULT_APP_ID as AGG_DEFAULT_APP_ID, DEFAULT_USER_ID as AGG_DEFAULT_USER_ID, type AggSimOptions } from './options';
export type { AggSimEvents, AggSimEventName } from './simEvents';
export type { AggFaults, MalformedKind as AggMalformedKind } from './faults';
export type {
	PlaceOrderInput as AggPlaceOrderInput,
	PlacedOrder as AggPlacedOrder,
	OrderOutcome as AggOrderOutcome,
	UserMessage as AggUserMessage,
} from './orders';
export type {
	DeltaFrame as AggDeltaFrame,
	SnapshotFrame as AggSnapshotFrame,
	Level as AggLevel,
	LevelChange as AggLevelChange,
} from './books';
export type { TokenPair as AggTokenPair } from './sessions';
export { VENUES as AGG_VENUES, type Outcome as AggOutcome, type Venue as AggVenue } from './catalog';
export { logAggEvents } from './eventLog';
// The venue's books and catalog without a server, to build real frames (the bench).
export { OrderBooks as AggOrderBooks } from './books';
export { buildCatalog as buildAggCatalog } from './catalog';
