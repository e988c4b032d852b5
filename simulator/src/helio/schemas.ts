/**
 * What clients send over REST, as zod schemas (docs/venues/helio.md#order-fields). A 400 names the first offending
 * field; dates are ISO strings or unix seconds, turned into epoch ms.
 */
import { z } from 'zod';
import { ORDER_TYPES, SIDES, TIMES_IN_FORCE } from './types';

const LOT = 0.01;

export const loginBodySchema = z.object({
	email: z.string().min(1, 'email is required'),
	password: z.string().min(1, 'password is required'),
});

const volumeSchema = z
	.number()
	.finite()
	.min(LOT, 'volume must be at least 0.01 lots')
	.refine((volume) => Math.abs(Math.round(volume / LOT) * LOT - volume) < 1e-9, 'volume must be a multiple of 0.01 lots');

const priceSchema = z.number().finite().positive();
const pointsSchema = z.number().int().positive();

/** ISO date-time, or unix seconds (milliseconds when above 1e12). */
const dateSchema = z.union([z.string(), z.number()]).transform((value, ctx) => {
	const ms = typeof value === 'number' ? (value > 1e12 ? value : value * 1000) : Date.parse(value);
	if (!Number.isFinite(ms)) {
		ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'expected an ISO date-time or unix seconds' });
		return z.NEVER;
	}
	return ms;
});

/** `symbols`: the known symbol names (symbol_id is the symbol's name). */
export function createOrderSchema(symbols: ReadonlySet<string>) {
	return z
		.object({
			symbol_id: z
				.string()
				.min(1)
				.refine((symbol) => symbols.has(symbol), 'unknown symbol'),
			side: z.enum(SIDES),
			type: z.enum(ORDER_TYPES),
			time_in_force: z.enum(TIMES_IN_FORCE),
			volume: volumeSchema,
			client_order_id: z.string().max(64).nullish(),
			price: priceSchema.nullish(),
			limit_price: priceSchema.nullish(),
			stop_price: priceSchema.nullish(),
			stop_loss_price: priceSchema.nullish(),
			take_profit_price: priceSchema.nullish(),
			stop_loss_points: pointsSchema.nullish(),
			take_profit_points: pointsSchema.nullish(),
			expire_time: dateSchema.nullish(),
			good_till_date: dateSchema.nullish(),
		})
		.superRefine((body, ctx) => {
			const missing = (field: string, message: string): void => {
				ctx.addIssue({ code: z.ZodIssueCode.custom, path: [field], message });
			};
			const limit = body.limit_price ?? body.price;
			if (body.type === 'ORDER_TYPE_LIMIT' && limit == null) missing('limit_price', 'a LIMIT order needs limit_price (or price)');
			if (body.type === 'ORDER_TYPE_STOP' && body.stop_price == null) missing('stop_price', 'a STOP order needs stop_price');
			if (body.type === 'ORDER_TYPE_STOP_LIMIT') {
				if (body.stop_price == null) missing('stop_price', 'a STOP_LIMIT order needs stop_price');
				if (limit == null) missing('limit_price', 'a STOP_LIMIT order needs limit_price (or price)');
			}
			if (body.type === 'ORDER_TYPE_TRAILING_STOP' && body.stop_loss_points == null) {
				missing('stop_loss_points', 'a TRAILING_STOP order needs stop_loss_points (the trailing distance)');
			}
			if (body.time_in_force === 'TIF_GTD' && body.good_till_date == null) missing('good_till_date', 'TIF_GTD needs good_till_date');
		});
}

export type CreateOrderInput = z.infer<ReturnType<typeof createOrderSchema>>;

/** A take-profit or stop-loss level: a price, or `{price, volume?}` [inferred]. */
const levelSchema = z.union([priceSchema, z.object({ price: priceSchema, volume: volumeSchema.optional() })]);

export const amendOrderSchema = z.object({
	volume: volumeSchema.optional(),
	limit_price: priceSchema.optional(),
	stop_price: priceSchema.optional(),
	time_in_force: z.enum(TIMES_IN_FORCE).optional(),
	expire_time: dateSchema.nullish(),
	good_till_date: dateSchema.nullish(),
	tp_levels: z.array(levelSchema).optional(),
	sl_levels: z.array(levelSchema).optional(),
});

export type AmendOrderInput = z.infer<typeof amendOrderSchema>;

export const closePositionSchema = z.object({ volume: volumeSchema.optional() });

export const amendPositionSchema = z.object({
	stop_loss_price: priceSchema.nullable().optional(),
	take_profit_price: priceSchema.nullable().optional(),
});

export type AmendPositionInput = z.infer<typeof amendPositionSchema>;

const queryDate = z
	.string()
	.refine((text) => Number.isFinite(Date.parse(text)), 'expected an ISO date-time')
	.transform((text) => Date.parse(text));

/** History queries: `from`, `to` (ISO), `limit` (default 100, at most 1000). */
export const historyQuerySchema = z.object({
	from: queryDate.optional(),
	to: queryDate.optional(),
	limit: z.string().regex(/^\d+$/, 'expected a whole number').transform(Number).pipe(z.number().int().min(1).max(1000)).optional(),
});

export type HistoryQuery = z.infer<typeof historyQuerySchema>;
