import { z } from 'zod';

import { compileValidator, type Validator } from '../../shared/engine/validation';

/**
 * What the Totalis Trigger relies on in each frame. Only the ids and fields a workflow acts on
 * are checked; unknown fields pass through (`passthrough`) and unknown event types pass as they are.
 */
const id = z.string().min(1);
const timestamp = z.union([z.string(), z.number()]);

const quoteRef = z.object({ quote_id: id, rfq_id: id }).passthrough();

export const websocketEventSchemas: Record<string, z.ZodTypeAny> = {
	'quote:accepted': quoteRef.extend({ confirmation_deadline: timestamp }),
	'mm_quote:accepted': quoteRef.extend({
		confirmation_deadline: timestamp,
		quote: z.object({ payout_odds: z.number() }).passthrough().optional(),
		exposure_legs: z.array(z.object({}).passthrough()).optional(),
	}),
	'quote:confirmed': quoteRef.extend({ execution_id: id }),
	'quote:executed': quoteRef,
	'quote:expired': quoteRef,
	'quote:rejected': quoteRef.extend({ reason: z.string().optional() }),
	'quote:withdrawn': quoteRef,
	'position:created': z.object({ rfq_id: id, position_pda: id, timestamp: timestamp.optional() }).passthrough(),
	'position:settled': z.object({ rfq_id: id, position_pda: id, outcome: z.string(), timestamp: timestamp.optional() }).passthrough(),
	'position:cancelled': z.object({ rfq_id: id, reason: z.string().optional() }).passthrough(),
	'position:error': z.object({ rfq_id: id, error: z.unknown() }).passthrough(),
};

export const WEBSOCKET_EVENTS = Object.keys(websocketEventSchemas);

/** The payload check of each documented event, compiled once for the per-frame path (protocol.ts finds one by the event's name). */
export const websocketEventValidators: ReadonlyMap<string, Validator> = new Map(
	Object.entries(websocketEventSchemas).map(([type, schema]) => [type, compileValidator(schema)]),
);

/** The quote request object of the market maker's SSE stream (`quote_request`, `quote_request:updated`). */
const quoteRequestSchema = z
	.object({
		id,
		version: z.number().int(),
		request_hash: z.string().min(1),
		legs: z.array(z.object({}).passthrough()).optional(),
	})
	.passthrough();

export const validateQuoteRequest = compileValidator(quoteRequestSchema);
