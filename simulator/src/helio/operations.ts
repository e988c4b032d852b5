/**
 * The account operations of docs/venues/helio.md#rest, from JSON in to status and JSON out. The REST API
 * calls them after auth; `placeOrderAs` calls the same code, so tests and REST cannot disagree.
 */
import type { z } from 'zod';
import type { HelioDialect } from '../dialects';
import { describeZodError } from '../validation';
import { orderRecord, orderReply, positionRecord, positionReply, positionsReply } from './dialect';
import { HelioError, validationError } from './errors';
import type { HelioMarket } from './market';
import {
	amendOrderSchema,
	amendPositionSchema,
	closePositionSchema,
	createOrderSchema,
	historyQuerySchema,
	type HistoryQuery,
} from './schemas';

export interface Reply {
	status: number;
	body: unknown;
}

export type HistoryKind = 'orders' | 'positions' | 'deals';

export class HelioOperations {
	private readonly createSchema: ReturnType<typeof createOrderSchema>;

	constructor(
		private readonly market: HelioMarket,
		private readonly dialect: HelioDialect = 'camel',
	) {
		this.createSchema = createOrderSchema(new Set(market.instruments.symbols));
	}

	createOrder(accountId: string, body: unknown): Reply {
		const input = parse(this.createSchema, body);
		return { status: 201, body: orderReply(this.dialect, this.market.placeOrder(accountId, input)) };
	}

	amendOrder(accountId: string, orderId: string, body: unknown): Reply {
		return { status: 200, body: orderReply(this.dialect, this.market.amendOrder(accountId, orderId, parse(amendOrderSchema, body))) };
	}

	cancelOrder(accountId: string, orderId: string): Reply {
		return { status: 200, body: orderReply(this.dialect, this.market.cancelOrder(accountId, orderId)) };
	}

	listPositions(accountId: string): Reply {
		return { status: 200, body: positionsReply(this.dialect, this.market.openPositions(accountId)) };
	}

	closePosition(accountId: string, positionId: string, body: unknown): Reply {
		const { volume } = parse(closePositionSchema, body);
		const { position, deal } = this.market.closePosition(accountId, positionId, volume);
		return { status: 200, body: { position: positionRecord(this.dialect, position), deal } };
	}

	amendPosition(accountId: string, positionId: string, body: unknown): Reply {
		return {
			status: 200,
			body: positionReply(this.dialect, this.market.amendPosition(accountId, positionId, parse(amendPositionSchema, body))),
		};
	}

	history(kind: HistoryKind, accountId: string, query: URLSearchParams): Reply {
		const range: HistoryQuery = parse(historyQuerySchema, Object.fromEntries(query));
		switch (kind) {
			case 'orders':
				return {
					status: 200,
					body: { orders: this.market.orderHistory(accountId, range).map((order) => orderRecord(this.dialect, order)) },
				};
			case 'positions':
				return {
					status: 200,
					body: { positions: this.market.positionHistory(accountId, range).map((position) => positionRecord(this.dialect, position)) },
				};
			case 'deals':
				return { status: 200, body: { deals: this.market.dealHistory(accountId, range) } };
		}
	}

	/** Runs an operation, turning a HelioError into its status and envelope. */
	static answer(run: () => Reply): Reply {
		try {
			return run();
		} catch (error) {
			if (error instanceof HelioError) return { status: error.status, body: error.body };
			throw error;
		}
	}
}

/** A 400 validation_error naming the first offending field; a body that is not an object has no field. */
function parse<S extends z.ZodTypeAny>(schema: S, value: unknown): z.output<S> {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) throw validationError(undefined, 'Body must be a JSON object');
	const result = schema.safeParse(value);
	if (!result.success) {
		const { field, message } = describeZodError(result.error);
		throw validationError(field === '(body)' ? undefined : field, message);
	}
	return result.data;
}
