import { z } from 'zod';

import { compileValidator, type Validator } from '../../shared/engine/validation';

/**
 * What the Helio Trigger relies on in each server message (docs/venues/helio.md#events). Only the fields a
 * workflow keys on are checked; unknown fields and unknown message types pass through. Helio
 * documents only the quote's fields, so the others are accepted in camelCase or snake_case and
 * depth levels as `[price, volume]` or `{price, volume}`
 * (docs/venues/helio.md#undocumented-details-and-what-the-nodes-accept).
 */
const symbol = z.string().min(1);
const price = z.number();
const id = z.union([z.string().min(1), z.number()]);
const level = z.union([z.array(z.number()).min(2), z.object({ price: z.number() }).passthrough()]);

/** A payload that names an id under either spelling (`orderId` or `order_id`). */
function withId(camel: string, snake: string): z.ZodTypeAny {
	return z
		.object({ [camel]: id.optional(), [snake]: id.optional() })
		.passthrough()
		.refine((payload) => payload[camel] !== undefined || payload[snake] !== undefined, {
			message: `${camel} (or ${snake}) is required`,
			path: [camel],
		});
}

const payloadSchemas: Record<string, z.ZodTypeAny> = {
	quoteEvent: z.object({ symbol, bid: price, ask: price }).passthrough(),
	depthEvent: z.object({ symbol, bids: z.array(level), asks: z.array(level) }).passthrough(),
	executionEvent: withId('orderId', 'order_id'),
	portfolioEvent: withId('accountId', 'account_id'),
	metricsEvent: withId('accountId', 'account_id'),
	error: z.object({ code: z.union([z.string(), z.number()]).optional(), message: z.string().optional() }).passthrough(),
};

export const helioPayloadValidators: Record<string, Validator> = Object.fromEntries(
	Object.entries(payloadSchemas).map(([type, schema]) => [type, compileValidator(schema)]),
);

/** The first of the names that the payload carries (`orderId`, else `order_id`), for keys and routing. */
export function fieldOf(payload: Record<string, unknown>, ...names: string[]): unknown {
	for (const name of names) if (payload[name] !== undefined && payload[name] !== null) return payload[name];
	return undefined;
}

export const orderIdOf = (payload: Record<string, unknown>): unknown => fieldOf(payload, 'orderId', 'order_id');
export const accountIdOf = (payload: Record<string, unknown>): unknown => fieldOf(payload, 'accountId', 'account_id');

export const SUBSCRIBABLE_EVENTS = ['quoteEvent', 'executionEvent', 'portfolioEvent'] as const;
export type SubscribableEvent = (typeof SUBSCRIBABLE_EVENTS)[number];
