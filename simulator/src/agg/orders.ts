/**
 * placeOrder(): one order's life as the user's sockets see it. The whole script is planned up
 * front and played one event per `orderStepMs`, so events arrive in lifecycle order; the ledger
 * changes when the fill is played, not when the order is placed.
 */
import type { Clock, TimerGroup } from '../clock';
import type { Random } from '../random';
import { VENUES, type Outcome, type Venue } from './catalog';
import { toRaw, type Ledger, type Order } from './ledger';

export type OrderOutcome = 'fill' | 'partial' | 'fail';

export interface PlaceOrderInput {
	/** Default: the simulator's default user. */
	userId?: string;
	venue: Venue;
	side: 'buy' | 'sell';
	price: number;
	size: number;
	outcomeId: string;
	outcome: OrderOutcome;
	/** Force (true) or forbid (false) a `step_retrying` on submit; default: random, about one order in three. */
	retry?: boolean;
}

export interface PlacedOrder {
	orderId: string;
	dagRunId: string;
	userId: string;
}

/** One user event as sent: fields at the top level of the message. */
export type UserMessage = Record<string, unknown> & { type: string };

export const DAG_STEPS = [
	'validate-order',
	'check-balance',
	'route-order',
	'submit-order',
	'await-fill',
	'settle',
	'update-positions',
] as const;
const SUBMIT_STEP = DAG_STEPS.indexOf('submit-order') + 1;
const WAIT_STEP = DAG_STEPS.indexOf('await-fill') + 1;

const VENUE_NAMES: Record<Venue, string> = { kalshi: 'Kalshi', polymarket: 'Polymarket', limitless: 'Limitless', opinion: 'Opinion' };

export interface OrderDeskDeps {
	ledger: Ledger;
	clock: Clock;
	timers: TimerGroup;
	random: Random;
	stepMs: number;
	defaultUserId: string;
	hasUser(userId: string): boolean;
	outcome(outcomeId: string): Outcome | undefined;
	/** Sends to the user's authenticated sockets. */
	deliver(userId: string, message: UserMessage): void;
}

export class OrderDesk {
	private placed = 0;

	constructor(private readonly deps: OrderDeskDeps) {}

	place(input: PlaceOrderInput): PlacedOrder {
		const userId = input.userId ?? this.deps.defaultUserId;
		const outcome = this.validate(userId, input);
		const { random, clock } = this.deps;
		this.placed += 1;
		const orderId = `order-${String(this.placed).padStart(5, '0')}-${random.hex(6)}`;
		const dagRunId = `dag_${random.hex(12)}`;
		const order: Order = {
			orderId,
			venue: input.venue,
			side: input.side,
			price: input.price,
			size: input.size,
			outcomeId: input.outcomeId,
			status: 'pending',
			filledAmountRaw: '0',
			createdAt: clock.now(),
		};
		this.deps.ledger.addOrder(userId, order);
		const retry = input.retry ?? random.chance(1 / 3);
		this.play(userId, this.script(userId, order, dagRunId, outcome, input.outcome, retry));
		return { orderId, dagRunId, userId };
	}

	private validate(userId: string, input: PlaceOrderInput): Outcome {
		if (!this.deps.hasUser(userId)) throw new Error(`placeOrder: no user ${userId}`);
		if (!VENUES.includes(input.venue)) throw new Error(`placeOrder: unknown venue ${input.venue}`);
		if (input.side !== 'buy' && input.side !== 'sell') throw new Error(`placeOrder: side must be buy or sell`);
		if (!(input.price > 0 && input.price < 1)) throw new Error('placeOrder: price must be in (0, 1)');
		if (!(input.size > 0)) throw new Error('placeOrder: size must be positive');
		if (!['fill', 'partial', 'fail'].includes(input.outcome)) throw new Error(`placeOrder: outcome must be fill, partial or fail`);
		if (input.outcome === 'partial' && toRaw(input.size) < 2n) throw new Error('placeOrder: too small to fill partly');
		const outcome = this.deps.outcome(input.outcomeId);
		if (!outcome) throw new Error(`placeOrder: unknown outcome ${input.outcomeId}`);
		return outcome;
	}

	/** Each entry builds its message when played (timestamps and balances of that moment). */
	private script(
		userId: string,
		order: Order,
		dagRunId: string,
		outcome: Outcome,
		result: OrderOutcome,
		retry: boolean,
	): Array<() => UserMessage> {
		const { ledger } = this.deps;
		const now = (): number => this.deps.clock.now();
		const base = { userId, orderId: order.orderId, venue: order.venue };
		const dag =
			(event: string, extra: Record<string, unknown> = {}) =>
			(): UserMessage => ({
				type: 'order_event',
				event,
				...base,
				dagRunId,
				...extra,
				timestamp: now(),
			});
		const step = (event: string, sequence: number, extra: Record<string, unknown> = {}) => {
			const stepType = DAG_STEPS[sequence - 1];
			return dag(event, { stepId: `${stepType}-${dagRunId.slice(4)}`, stepType, sequence, totalSteps: DAG_STEPS.length, ...extra });
		};
		const errorReason = `${VENUE_NAMES[order.venue]} CLOB error (400): not enough liquidity at ${order.price}`;

		const script: Array<() => UserMessage> = [
			() => ({
				type: 'order_submitted',
				venue: order.venue,
				orderId: order.orderId,
				side: order.side,
				price: order.price,
				size: order.size,
				outcomeId: order.outcomeId,
				timestamp: now(),
			}),
			dag('dag_started', { totalSteps: DAG_STEPS.length }),
		];
		for (let sequence = 1; sequence <= DAG_STEPS.length; sequence++) {
			script.push(step('step_started', sequence));
			if (sequence === SUBMIT_STEP && retry) script.push(step('step_retrying', sequence, { attempt: 2 }));
			if (sequence === SUBMIT_STEP && result === 'fail') {
				script.push(step('step_failed', sequence, { errorReason }));
				script.push(() => {
					order.status = 'failed';
					return dag('failed', { errorReason })();
				});
				script.push(dag('dag_failed', { errorReason }));
				return script;
			}
			if (sequence === WAIT_STEP) script.push(step('step_waiting', sequence));
			script.push(step('step_completed', sequence));
		}
		const totalRaw = toRaw(order.size);
		const filledRaw = result === 'partial' ? totalRaw / 2n : totalRaw;
		script.push(() => {
			order.status = result === 'partial' ? 'partially_filled' : 'filled';
			order.filledAmountRaw = filledRaw.toString();
			return {
				type: 'order_event',
				event: result === 'partial' ? 'partial_fill' : 'filled',
				...base,
				dagRunId,
				filledAmountRaw: filledRaw.toString(),
				remainingAmountRaw: (totalRaw - filledRaw).toString(),
				timestamp: now(),
			};
		});
		script.push(dag('dag_completed'));
		script.push(() => {
			const balance = ledger.applyFill(userId, order, Number(filledRaw) / 1e6, outcome);
			return {
				type: 'balance_update',
				venue: order.venue,
				tradingBalanceCents: balance.tradingCents,
				walletBalanceCents: balance.walletCents,
				timestamp: now(),
			};
		});
		return script;
	}

	private play(userId: string, script: Array<() => UserMessage>): void {
		const next = (index: number): void => {
			if (index >= script.length) return;
			this.deps.deliver(userId, script[index]());
			this.deps.timers.after(this.deps.stepMs, () => next(index + 1));
		};
		this.deps.timers.after(this.deps.stepMs, () => next(0));
	}
}
