/**
 * agg.market's user events (docs/agg-market.md): `order_submitted`, `balance_update` and
 * `order_event` with its inner `event`, fields at the top level of the message. Only what a
 * workflow keys on is checked; unknown fields pass through.
 */
import { z } from 'zod';

import type { Decoded } from '../../shared/engine/protocol';
import { compileValidator, type Validator } from '../../shared/engine/validation';

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

const id = z.union([z.string().min(1), z.number()]);
const cents = z.number().nullable().optional();

const validators: Record<UserEventType, Validator> = {
	order_submitted: compileValidator(z.object({ orderId: id, venue: z.string().optional() }).passthrough()),
	balance_update: compileValidator(z.object({ tradingBalanceCents: cents, walletBalanceCents: cents }).passthrough()),
	order_event: compileValidator(z.object({ event: z.string().min(1), orderId: id }).passthrough()),
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
	return { kind: 'event', event: { event: type, data, key: keyOf(type, data), deduplicationKey: deduplicationKeyOf(type, data) } };
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
		const parts = [data.orderId, data.dagRunId, data.event, data.stepId, data.sequence, data.filledAmountRaw].map((part) => String(part ?? ''));
		return `agg:order_event:${parts.join(':')}`;
	}
	return undefined;
}
