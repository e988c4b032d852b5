/** What Helio WebSocket clients send (docs/venues/helio.md#subscribe): the envelope and each payload, as zod schemas. */
import { z } from 'zod';
import { EVENT_KINDS } from './types';

export const MAX_DEPTH = 20;
export const DEFAULT_DEPTH = 5;

/** Error codes of `error {code, message}` [inferred]. */
export const WS_ERROR = {
	invalidMessage: 'INVALID_MESSAGE',
	unknownSymbol: 'UNKNOWN_SYMBOL',
	unknownAccount: 'UNKNOWN_ACCOUNT',
} as const;

export const envelopeSchema = z.object({ type: z.string().min(1), payload: z.unknown() });

const symbolList = z.array(z.string().min(1)).min(1, 'give at least one symbol');
const eventList = z.array(z.enum(EVENT_KINDS)).min(1, 'give at least one event');
const accountId = z.union([z.string().min(1), z.number()]).transform(String);

export const clientPayloadSchemas = {
	subscribe: z.object({ symbols: symbolList, events: eventList }),
	unsubscribe: z.object({ symbols: symbolList, events: eventList }),
	depthSubscribe: z.object({ symbol: z.string().min(1), depth: z.number().int().min(1).max(MAX_DEPTH).optional() }),
	depthUnsubscribe: z.object({ symbol: z.string().min(1) }),
	metricsSubscribe: z.object({ accountId }),
	// Not in the docs: the symmetric stop of metricsSubscribe [inferred].
	metricsUnsubscribe: z.object({ accountId }),
} as const;

export type ClientMessageType = keyof typeof clientPayloadSchemas;
export type ClientPayload<K extends ClientMessageType> = z.infer<(typeof clientPayloadSchemas)[K]>;

/** Trading over the socket (docs/venues/helio.md#trading-messages-on-the-socket) is not simulated: the nodes trade over REST. */
export const TRADING_MESSAGE_TYPES: ReadonlySet<string> = new Set([
	'createOrder',
	'cancelOrder',
	'amendOrder',
	'closePosition',
	'amendPosition',
	'orderHistory',
	'positionHistory',
	'dealHistory',
]);
