/**
 * The zod schemas of agg.market's stream frames (docs/venues/agg-market.md#events): the user events, fields at
 * the top level of the message. Only what a workflow keys on is checked; unknown fields pass.
 * Order-book frames are read by hand in book/messages.ts instead: they are the busiest frames,
 * and a bad one must become a counted reason, never an exception.
 */
import { z } from 'zod';

const id = z.union([z.string().min(1), z.number()]);
const cents = z.number().nullable().optional();

export const userEventSchemas = {
	order_submitted: z.object({ orderId: id, venue: z.string().optional() }).passthrough(),
	balance_update: z.object({ tradingBalanceCents: cents, walletBalanceCents: cents }).passthrough(),
	order_event: z.object({ event: z.string().min(1), orderId: id }).passthrough(),
};
