export { OpenMarketsSimulator, OPENMARKETS_PREFIX } from './simulator';
export { DEFAULT_API_KEY as OPENMARKETS_DEFAULT_API_KEY, type OpenMarketsSimOptions } from './options';
export type { OpenMarketsSimEvents, OpenMarketsSimEventName, LiquidityUpdateMessage, ContestStateMessage } from './simEvents';
export type { OpenMarketsFaults, MalformedKind as OpenMarketsMalformedKind } from './faults';
export type { SocketSubscriptions as OpenMarketsSocketSubscriptions } from './websocket';
export {
	CONTEST_STATUSES as OPENMARKETS_CONTEST_STATUSES,
	type Contest as OpenMarketsContest,
	type ContestState as OpenMarketsContestState,
	type ContestStateChange as OpenMarketsContestStateChange,
	type ContestStatus as OpenMarketsContestStatus,
	type League as OpenMarketsLeague,
	type Participant as OpenMarketsParticipant,
} from './catalog';
export {
	PARTNERS as OPENMARKETS_PARTNERS,
	type ChangedEntry as OpenMarketsChangedEntry,
	type ContestLiquidity as OpenMarketsContestLiquidity,
	type LiquidityChange as OpenMarketsLiquidityChange,
	type Position as OpenMarketsPosition,
	type PositionDepth as OpenMarketsPositionDepth,
} from './liquidity';
export { CHANNELS as OPENMARKETS_CHANNELS, WS_ERROR as OPENMARKETS_WS_ERROR, type Channel as OpenMarketsChannel } from './wsProtocol';
export { logOpenMarketsEvents } from './eventLog';
export type {
	VariantContest as OpenMarketsVariantContest,
	VariantContestState as OpenMarketsVariantContestState,
	WireContestState as OpenMarketsWireContestState,
} from './dialect';
