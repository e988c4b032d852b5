export { HelioSimulator, HELIO_PREFIX, type HelioEndpoints } from './simulator';
export { DEFAULT_ACCOUNTS, DEFAULT_EMAIL, DEFAULT_PASSWORD, type HelioSimOptions } from './options';
export type { HelioSimEvents, HelioSimEventName, HelioChannel, HelioSubscription } from './simEvents';
export type { HelioFaults, MalformedKind as HelioMalformedKind } from './faults';
export type { HelioMarket } from './market';
export type { Reply as HelioReply } from './operations';
export type { LoginAnswer as HelioLoginAnswer } from './sessions';
export type { AccountInit as HelioAccountInit } from './ledger';
export { INSTRUMENTS as HELIO_INSTRUMENTS, type Instrument as HelioInstrument } from './instruments';
export {
	EVENT_KINDS as HELIO_EVENT_KINDS,
	ORDER_TYPES as HELIO_ORDER_TYPES,
	SIDES as HELIO_SIDES,
	TIMES_IN_FORCE as HELIO_TIMES_IN_FORCE,
	type CloseReason as HelioCloseReason,
	type DealView as HelioDeal,
	type DepthEventPayload as HelioDepthEvent,
	type ErrorEventPayload as HelioErrorEvent,
	type EventKind as HelioEventKind,
	type ExecutionEventPayload as HelioExecutionEvent,
	type ExecutionStatus as HelioExecutionStatus,
	type MetricsEventPayload as HelioMetricsEvent,
	type OrderStatus as HelioOrderStatus,
	type OrderType as HelioOrderType,
	type OrderView as HelioOrder,
	type PortfolioEventPayload as HelioPortfolioEvent,
	type PositionView as HelioPosition,
	type QuoteEventPayload as HelioQuoteEvent,
	type Side as HelioSide,
	type TimeInForce as HelioTimeInForce,
} from './types';
export { logHelioEvents } from './eventLog';
