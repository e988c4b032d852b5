export { TotalisSimulator, TOTALIS_PREFIX, type VenueEndpoints } from './simulator';
export { DEFAULT_API_KEY, DEFAULT_MM_ID, DEFAULT_USER_ID, type TotalisSimOptions } from './options';
export type { TotalisSimEvents, TotalisSimEventName } from './simEvents';
export type {
	AcceptOptions,
	AcceptOrder,
	Acceptance,
	ConfirmStamps,
	QuoteAtCurrentVersion,
	QuoteRequestInit,
	SettlementPlan,
	MarketTiming,
} from './market';
export type { LiveMarketOptions } from './liveMarket';
export type { MalformedKind, FaultTarget, TotalisFaults } from './faults';
export type { TotalisKeyIdentity } from './identities';
export * from './protocol';
export { logTotalisEvents } from './eventLog';
