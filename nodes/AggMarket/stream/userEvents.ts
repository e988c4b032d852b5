/**
 * agg.market's user events (docs/venues/agg-market.md#events): `order_submitted`, `balance_update` and
 * `order_event` with its inner `event`, checked against schemas.ts, then keyed for keep-latest
 * and deduplication.
 */
import type { Decoded } from '../../shared/engine/protocol';
import { compileValidator, type Validator } from '../../shared/engine/validation';
import { userEventSchemas } from './schemas';

export const USER_EVENTS = ['order_submitted', 'balance_update', 'order_event'] as const;
export type UserEventType = (typeof USER_EVENTS)[number];

/** The inner `event` of an `order_event`, as the docs list them. */
export const ORDER_EVENT_KINDS = [
	'dag_started',
	'dag_completed',
	'dag_failed',
	'dag_cancelled',
	'step_started',
	'step_completed',
	'step_waiting',
	'step_failed',
	'step_retrying',
	'filled',
	'partial_fill',
	'failed',
] as const;
export type OrderEventKind = (typeof ORDER_EVENT_KINDS)[number];

const validators: Record<UserEventType, Validator> = {
	order_submitted: compileValidator(userEventSchemas.order_submitted),
	balance_update: compileValidator(userEventSchemas.balance_update),
	order_event: compileValidator(userEventSchemas.order_event),
};

export function isUserEvent(type: string): type is UserEventType {
	return type === 'order_submitted' || type === 'balance_update' || type === 'order_event';
}

export interface UserEventOptions {
	/** Add `tradingBalance` and `walletBalance` (cents / 100) to balance updates. */
	centsToAmounts: boolean;
}

/** One user event message as an item's event, or why it is invalid. */
export function decodeUserEvent(type: UserEventType, message: Record<string, unknown>, options: UserEventOptions): Decoded {
	const problem = validators[type](message);
	if (problem) return { kind: 'invalid', reason: `${type}: ${problem}` };
	const { type: _type, ...data } = message;
	if (type === 'balance_update' && options.centsToAmounts) {
		data.tradingBalance = amountOf(data.tradingBalanceCents);
		data.walletBalance = amountOf(data.walletBalanceCents);
	}
	return { kind: 'event', event: type, data, key: keyOf(type, data), deduplicationKey: deduplicationKeyOf(type, data) };
}

/** Cents as an amount, exactly to the cent (no binary-fraction noise); null when absent. */
function amountOf(value: unknown): number | null {
	return typeof value === 'number' && Number.isFinite(value) ? Number((value / 100).toFixed(2)) : null;
}

/** Keep-latest groups order events by order and balance updates by venue. */
function keyOf(type: UserEventType, data: Record<string, unknown>): string {
	return type === 'balance_update' ? `balance:${String(data.venue ?? '')}` : `order:${String(data.orderId)}`;
}

/** Each order fact runs once even if agg.market repeats it; balances are states, not facts. */
function deduplicationKeyOf(type: UserEventType, data: Record<string, unknown>): string | undefined {
	if (type === 'order_submitted') return `agg:order_submitted:${String(data.orderId)}`;
	if (type === 'order_event') {
		const parts = [data.orderId, data.dagRunId, data.event, data.stepId, data.sequence, data.filledAmountRaw].map((part) =>
			String(part ?? ''),
		);
		return `agg:order_event:${parts.join(':')}`;
	}
	return undefined;
}
