import { z } from 'zod';

import { compileValidator, type Validator } from '../../shared/engine/validation';

/**
 * What the Helio Trigger relies on in each server message (docs/venues/helio.md#events). Only the fields a
 * workflow keys on are checked; unknown fields and unknown message types pass through.
 */
const symbol = z.string().min(1);
const price = z.number();
const level = z.array(z.number()).min(2);
const accountId = z.union([z.string().min(1), z.number()]);

const payloadSchemas: Record<string, z.ZodTypeAny> = {
	quoteEvent: z.object({ symbol, bid: price, ask: price }).passthrough(),
	depthEvent: z.object({ symbol, bids: z.array(level), asks: z.array(level) }).passthrough(),
	executionEvent: z.object({ orderId: z.union([z.string().min(1), z.number()]), status: z.string().optional() }).passthrough(),
	portfolioEvent: z.object({ accountId }).passthrough(),
	metricsEvent: z.object({ accountId }).passthrough(),
	error: z.object({ code: z.union([z.string(), z.number()]).optional(), message: z.string().optional() }).passthrough(),
};

export const helioPayloadValidators: Record<string, Validator> = Object.fromEntries(
	Object.entries(payloadSchemas).map(([type, schema]) => [type, compileValidator(schema)]),
);

export const SUBSCRIBABLE_EVENTS = ['quoteEvent', 'executionEvent', 'portfolioEvent'] as const;
export type SubscribableEvent = (typeof SUBSCRIBABLE_EVENTS)[number];
