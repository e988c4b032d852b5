/** What REST clients send (zod): a failure names the first offending field. */
import { z } from 'zod';
import { VENUES } from './catalog';

export const MAX_PAGE_LIMIT = 100;
export const DEFAULT_PAGE_LIMIT = 50;

export const pageQuerySchema = z.object({
	cursor: z.string().min(1).optional(),
	limit: z.coerce.number().int().min(1).max(MAX_PAGE_LIMIT).default(DEFAULT_PAGE_LIMIT),
});

export const refreshBodySchema = z.object({ refreshToken: z.string().min(1) });

// Amounts may come as JSON numbers or decimal strings (raw-amount style APIs send strings).
const amount = z
	.union([
		z.number(),
		z
			.string()
			.regex(/^\d+(\.\d+)?$/, 'Expected a decimal string')
			.transform(Number),
	])
	.pipe(z.number().positive());

export const quoteBodySchema = z.object({
	venue: z.enum(VENUES),
	marketId: z.string().min(1),
	tokenId: z.string().min(1),
	side: z.enum(['buy', 'sell']),
	amount,
	slippageBps: z.number().int().min(0).max(10_000).default(50),
});

export type QuoteBody = z.infer<typeof quoteBodySchema>;
