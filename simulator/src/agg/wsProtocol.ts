/** What clients send over the agg.market socket (docs/venues/agg-market.md#subscribe), as zod schemas. */
import { z } from 'zod';

export const MAX_SUBSCRIPTIONS = 100;

const outcomeIds = z.array(z.string().min(1)).min(1);

export const clientMessageSchema = z.discriminatedUnion('action', [
	z.object({ action: z.literal('authenticate'), token: z.string().min(1) }),
	z.object({ action: z.literal('subscribe'), channel: z.literal('orderbook'), outcomeIds }),
	z.object({ action: z.literal('unsubscribe'), channel: z.literal('orderbook'), outcomeIds }),
	z.object({ action: z.literal('resnapshot'), channel: z.literal('orderbook'), outcomeIds }),
]);

export type ClientMessage = z.infer<typeof clientMessageSchema>;
export const CLIENT_ACTIONS = new Set(['authenticate', 'subscribe', 'unsubscribe', 'resnapshot']);

/** Close code of a socket whose token expired [inferred]. */
export const TOKEN_EXPIRED_CLOSE = 4001;
