/**
 * What the `snake` dialect changes (dialects.ts), in one place: the simulator builds every
 * answer in the `camel` reading, and these functions turn it into the other reading on the way
 * out. Each is the identity in `camel`. docs/venues/helio.md lists them.
 */
import type { HelioDialect } from '../dialects';
import type { DepthEventPayload, OrderView, PositionView } from './types';

/** `filledVolume` → `filled_volume`. */
function snakeName(name: string): string {
	return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

function snakeKeys(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(snakeKeys);
	if (value === null || typeof value !== 'object') return value;
	return Object.fromEntries(Object.entries(value).map(([name, field]) => [snakeName(name), snakeKeys(field)]));
}

/** An event payload as sent: snake_case names, depth levels as `{price, volume}`. */
export function eventPayload(dialect: HelioDialect, type: string, payload: unknown): unknown {
	if (dialect === 'camel') return payload;
	if (type === 'depthEvent') {
		const book = payload as DepthEventPayload;
		const levels = (side: Array<[number, number]>) => side.map(([price, volume]) => ({ price, volume }));
		return { ...book, bids: levels(book.bids), asks: levels(book.asks) };
	}
	return snakeKeys(payload);
}

/** In snake an order names its id `order_id`. */
export function orderRecord(dialect: HelioDialect, order: OrderView): unknown {
	if (dialect === 'camel') return order;
	const { id, ...rest } = order;
	return { order_id: id, ...rest };
}

/** In snake a position names its id `position_id`. */
export function positionRecord(dialect: HelioDialect, position: PositionView): unknown {
	if (dialect === 'camel') return position;
	const { id, ...rest } = position;
	return { position_id: id, ...rest };
}

/** An order call's answer: `{order}` in camel, the flat order in snake. */
export function orderReply(dialect: HelioDialect, order: OrderView): unknown {
	return dialect === 'camel' ? { order } : orderRecord(dialect, order);
}

/** A position amendment's answer: `{position}` in camel, the flat position in snake. */
export function positionReply(dialect: HelioDialect, position: PositionView): unknown {
	return dialect === 'camel' ? { position } : positionRecord(dialect, position);
}

/** The open positions: `{positions:[…]}` in camel, a bare array in snake. */
export function positionsReply(dialect: HelioDialect, positions: PositionView[]): unknown {
	return dialect === 'camel' ? { positions } : positions.map((position) => positionRecord(dialect, position));
}

/** Where the order history is served: `/orders/history` in camel, `/orders` in snake (the other answers 404). */
export function orderHistoryPattern(dialect: HelioDialect): RegExp {
	return dialect === 'camel' ? /^\/orders\/history\/?$/ : /^\/orders\/?$/;
}

/** In snake, depth and metrics subscriptions get no `subscribed`: the current book or metrics, sent at once, is the acknowledgement. */
export function acknowledgesWithFirstEvent(dialect: HelioDialect, channel: 'events' | 'depth' | 'metrics'): boolean {
	return dialect === 'snake' && channel !== 'events';
}
