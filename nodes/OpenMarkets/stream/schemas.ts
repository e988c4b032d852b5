/**
 * The zod schemas of OpenMarkets' stream frames (docs/venues/openmarkets.md#events): what the items are keyed on is
 * checked, every other field passes through. Control frames (connected, subscribed, pong, error)
 * are read as typed messages and need no schema.
 */
import { z } from 'zod';

/** One changed entry of a `liquidity.update`: becomes one item, keyed by its hash. */
const changedEntrySchema = z
	.object({
		liquidity_hash: z.string().min(1),
		partner_id: z.string().optional(),
		price: z.number().nullable().optional(),
		available: z.number().nullable().optional(),
	})
	.passthrough();

export const liquidityUpdateSchema = z
	.object({ contest_id: z.string().min(1), changed_entries: z.array(changedEntrySchema), refresh_required: z.boolean().optional() })
	.passthrough();

/** `contest_state` and `contest_state.update`. */
export const contestStateSchema = z.object({ contest_id: z.string().min(1) }).passthrough();
