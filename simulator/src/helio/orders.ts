/**
 * The order desk: placement, amendment, cancellation, and matching of resting orders as quotes
 * move. Liquidity at the top of book is unlimited; an order over `splitAboveLots` fills in two
 * parts `partialFillDelayMs` apart, as the venue's "one event per fill" suggests.
 */
import type { Clock, TimerGroup, TimerHandle } from '../clock';
import type { TypedEvents } from '../typedEvents';
import { HelioError, validationError } from './errors';
import { pointSize, roundLots, roundPrice, type InstrumentTable } from './instruments';
import type { Ledger } from './ledger';
import type { HelioMarketEvents } from './marketEvents';
import type { QuoteBoard } from './quotes';
import type { AmendOrderInput, CreateOrderInput } from './schemas';
import { advanceTriggers, fillPrice, isExecutable } from './triggers';
import { isBuy, iso, type ExecutionStatus, type OrderState, type PositionState } from './types';
import { dealView, orderView, positionView } from './views';

export interface OrderDeskDeps {
	instruments: InstrumentTable;
	quotes: QuoteBoard;
	ledger: Ledger;
	clock: Clock;
	timers: TimerGroup;
	events: TypedEvents<HelioMarketEvents>;
	/** The account's equity changed (the market batches these during a quote move). */
	touchEquity(accountId: string): void;
	splitAboveLots: number;
	partialFillDelayMs: number;
}

const DAY_MS = 86_400_000;

export class OrderDesk {
	private readonly orders = new Map<string, OrderState>();
	/** Orders that can still fill, in placement order (matching walks these). */
	private readonly open = new Set<OrderState>();
	private readonly secondParts = new Map<string, TimerHandle>();
	private readonly expiries = new Map<string, TimerHandle>();
	private nextId = 1;

	constructor(private readonly deps: OrderDeskDeps) {}

	/** One of the account's orders; 404 otherwise. */
	get(accountId: string, orderId: string): OrderState {
		const order = this.orders.get(orderId);
		if (!order || order.accountId !== accountId) throw new HelioError('not_found', `Order ${orderId} not found`);
		return order;
	}

	ofAccount(accountId: string): OrderState[] {
		return [...this.orders.values()].filter((order) => order.accountId === accountId);
	}

	place(accountId: string, input: CreateOrderInput): OrderState {
		const { clock, quotes, instruments, events } = this.deps;
		const now = clock.now();
		if (input.time_in_force === 'TIF_GTD' && input.good_till_date != null && input.good_till_date <= now) {
			throw validationError('good_till_date', 'good_till_date must be in the future');
		}
		const instrument = instruments.get(input.symbol_id);
		const trailing = input.type === 'ORDER_TYPE_TRAILING_STOP';
		const withLimit = input.type === 'ORDER_TYPE_LIMIT' || input.type === 'ORDER_TYPE_STOP_LIMIT';
		const price = (value: number | null | undefined): number | null => (value == null ? null : roundPrice(instrument, value));
		const order: OrderState = {
			id: `ord-${this.nextId++}`,
			accountId,
			clientOrderId: input.client_order_id ?? null,
			symbol: input.symbol_id,
			side: input.side,
			type: input.type,
			timeInForce: input.time_in_force,
			volume: roundLots(input.volume),
			filledVolume: 0,
			averagePrice: null,
			limitPrice: price(withLimit ? (input.limit_price ?? input.price) : input.limit_price),
			stopPrice: trailing ? null : price(input.stop_price),
			stopLossPrice: price(input.stop_loss_price),
			takeProfitPrice: price(input.take_profit_price),
			// On a trailing stop, stop_loss_points is the trailing distance, not the position's stop loss.
			stopLossPoints: trailing ? null : (input.stop_loss_points ?? null),
			takeProfitPoints: input.take_profit_points ?? null,
			trailDistance: trailing && input.stop_loss_points != null ? input.stop_loss_points * pointSize(instrument) : null,
			goodTillDate: input.good_till_date ?? null,
			expireTime: input.expire_time ?? null,
			status: 'ORDER_STATUS_NEW',
			triggered: false,
			positionId: null,
			createdAt: now,
			updatedAt: now,
		};
		this.orders.set(order.id, order);
		events.emit('order:created', { accountId, order: orderView(order) });

		const quote = quotes.get(order.symbol);
		advanceTriggers(order, quote, instrument);
		const executable = isExecutable(order, quote);
		if (!executable && order.timeInForce === 'TIF_FOK') {
			this.end(order, 'REJECTED');
			return order;
		}
		this.open.add(order);
		this.report(order, 'ACCEPTED', this.requestedPrice(order));
		if (executable) this.execute(order);
		else if (order.timeInForce === 'TIF_IOC') this.end(order, 'CANCELLED');
		else this.scheduleExpiry(order);
		return order;
	}

	amend(accountId: string, orderId: string, input: AmendOrderInput): OrderState {
		const order = this.get(accountId, orderId);
		if (!this.open.has(order)) throw new HelioError('conflict', `Order ${orderId} is no longer open (${order.status})`);
		const now = this.deps.clock.now();
		const instrument = this.deps.instruments.get(order.symbol);
		if (input.volume !== undefined && input.volume <= order.filledVolume) {
			throw validationError('volume', `volume must exceed the ${order.filledVolume} lots already filled`);
		}
		const withLimit = order.type === 'ORDER_TYPE_LIMIT' || order.type === 'ORDER_TYPE_STOP_LIMIT';
		if (input.limit_price !== undefined && !withLimit) throw validationError('limit_price', `a ${order.type} order has no limit price`);
		const withStop = order.type === 'ORDER_TYPE_STOP' || order.type === 'ORDER_TYPE_STOP_LIMIT';
		if (input.stop_price !== undefined && !withStop) throw validationError('stop_price', `a ${order.type} order has no fixed stop price`);
		const timeInForce = input.time_in_force ?? order.timeInForce;
		if (input.time_in_force === 'TIF_IOC' || input.time_in_force === 'TIF_FOK') {
			throw validationError('time_in_force', `a resting order cannot become ${input.time_in_force}`);
		}
		const goodTillDate = input.good_till_date === undefined ? order.goodTillDate : input.good_till_date;
		if (timeInForce === 'TIF_GTD' && goodTillDate === null) throw validationError('good_till_date', 'TIF_GTD needs good_till_date');
		if (timeInForce === 'TIF_GTD' && goodTillDate !== null && goodTillDate <= now) {
			throw validationError('good_till_date', 'good_till_date must be in the future');
		}

		if (input.volume !== undefined) order.volume = roundLots(input.volume);
		if (input.limit_price !== undefined) order.limitPrice = roundPrice(instrument, input.limit_price);
		if (input.stop_price !== undefined) {
			order.stopPrice = roundPrice(instrument, input.stop_price);
			order.triggered = false;
		}
		order.timeInForce = timeInForce;
		order.goodTillDate = goodTillDate;
		if (input.expire_time !== undefined) order.expireTime = input.expire_time;
		// The first level of each list becomes the position's take profit / stop loss [inferred].
		if (input.tp_levels !== undefined) order.takeProfitPrice = firstLevel(input.tp_levels);
		if (input.sl_levels !== undefined) order.stopLossPrice = firstLevel(input.sl_levels);
		if (input.tp_levels !== undefined) order.takeProfitPoints = null;
		if (input.sl_levels !== undefined) order.stopLossPoints = null;
		order.updatedAt = now;

		this.scheduleExpiry(order);
		if (!this.secondParts.has(order.id)) this.match(order);
		return order;
	}

	cancel(accountId: string, orderId: string): OrderState {
		const order = this.get(accountId, orderId);
		if (!this.open.has(order)) throw new HelioError('conflict', `Order ${orderId} is no longer open (${order.status})`);
		this.end(order, 'CANCELLED');
		return order;
	}

	/** A quote moved: resting orders of the symbol that now cross fill. */
	onQuote(symbol: string): void {
		for (const order of [...this.open]) {
			if (order.symbol === symbol && !this.secondParts.has(order.id)) this.match(order);
		}
	}

	/** Gives a new position the order's stop loss and take profit (absolute prices win over points). */
	private protect(order: OrderState, position: PositionState): void {
		const instrument = this.deps.instruments.get(order.symbol);
		const point = pointSize(instrument);
		const sign = isBuy(order.side) ? 1 : -1;
		if (order.stopLossPrice !== null) position.stopLossPrice = order.stopLossPrice;
		else if (order.stopLossPoints !== null)
			position.stopLossPrice = roundPrice(instrument, position.openPrice - sign * order.stopLossPoints * point);
		if (order.takeProfitPrice !== null) position.takeProfitPrice = order.takeProfitPrice;
		else if (order.takeProfitPoints !== null) {
			position.takeProfitPrice = roundPrice(instrument, position.openPrice + sign * order.takeProfitPoints * point);
		}
	}

	dispose(): void {
		this.open.clear();
		this.secondParts.clear();
		this.expiries.clear();
	}

	private match(order: OrderState): void {
		const quote = this.deps.quotes.get(order.symbol);
		advanceTriggers(order, quote, this.deps.instruments.get(order.symbol));
		if (isExecutable(order, quote)) this.execute(order);
	}

	private execute(order: OrderState): void {
		const remaining = roundLots(order.volume - order.filledVolume);
		if (remaining <= this.deps.splitAboveLots) return this.fill(order, remaining);
		this.fill(order, roundLots(Math.floor((remaining / 2) * 100) / 100));
		const handle = this.deps.timers.after(this.deps.partialFillDelayMs, () => {
			this.secondParts.delete(order.id);
			if (this.open.has(order)) this.fill(order, roundLots(order.volume - order.filledVolume));
		});
		this.secondParts.set(order.id, handle);
	}

	private fill(order: OrderState, volume: number): void {
		const { ledger, quotes, events, clock } = this.deps;
		const price = fillPrice(order, quotes.get(order.symbol));
		const { deal, position, opened } = ledger.fill(order, volume, price);
		const filled = roundLots(order.filledVolume + volume);
		order.averagePrice = ((order.averagePrice ?? 0) * order.filledVolume + price * volume) / filled;
		order.filledVolume = filled;
		order.positionId = position.id;
		order.updatedAt = clock.now();
		const complete = filled >= order.volume;
		order.status = complete ? 'ORDER_STATUS_FILLED' : 'ORDER_STATUS_PARTIALLY_FILLED';
		if (opened) this.protect(order, position);
		if (complete) {
			this.open.delete(order);
			this.cancelTimers(order);
		}
		this.report(order, complete ? 'FILLED' : 'PARTIALLY_FILLED', price);
		events.emit('order:filled', {
			accountId: order.accountId,
			order: orderView(order),
			deal: dealView(deal),
			position: positionView(position, ledger.pnl(position)),
			complete,
		});
		events.emit('portfolio', { accountId: order.accountId, symbol: order.symbol });
		this.deps.touchEquity(order.accountId);
	}

	/** Cancelled, expired or rejected: the order stops, with one executionEvent saying so. */
	private end(order: OrderState, status: 'CANCELLED' | 'EXPIRED' | 'REJECTED'): void {
		order.status = `ORDER_STATUS_${status}`;
		order.updatedAt = this.deps.clock.now();
		this.open.delete(order);
		this.cancelTimers(order);
		this.report(order, status, order.averagePrice ?? this.requestedPrice(order));
		this.deps.events.emit('order:ended', { accountId: order.accountId, order: orderView(order) });
	}

	/** GTD orders expire at good_till_date, DAY orders at the next UTC midnight. */
	private scheduleExpiry(order: OrderState): void {
		const { timers, clock } = this.deps;
		timers.cancel(this.expiries.get(order.id));
		this.expiries.delete(order.id);
		const now = clock.now();
		const nextMidnight = (Math.floor(now / DAY_MS) + 1) * DAY_MS;
		const at = order.timeInForce === 'TIF_GTD' ? order.goodTillDate : order.timeInForce === 'TIF_DAY' ? nextMidnight : null;
		if (at === null) return;
		this.expiries.set(
			order.id,
			timers.after(at - now, () => {
				this.expiries.delete(order.id);
				if (this.open.has(order)) this.end(order, 'EXPIRED');
			}),
		);
	}

	private cancelTimers(order: OrderState): void {
		for (const timers of [this.expiries, this.secondParts]) {
			this.deps.timers.cancel(timers.get(order.id));
			timers.delete(order.id);
		}
	}

	private requestedPrice(order: OrderState): number | null {
		return order.limitPrice ?? order.stopPrice ?? null;
	}

	private report(order: OrderState, status: ExecutionStatus, price: number | null): void {
		this.deps.events.emit('execution', {
			accountId: order.accountId,
			symbol: order.symbol,
			payload: {
				accountId: order.accountId,
				orderId: order.id,
				clientOrderId: order.clientOrderId,
				symbol: order.symbol,
				side: order.side,
				type: order.type,
				status,
				volume: order.volume,
				filledVolume: order.filledVolume,
				remainingVolume: roundLots(order.volume - order.filledVolume),
				price,
				ts: iso(this.deps.clock.now()),
			},
		});
	}
}

function firstLevel(levels: ReadonlyArray<number | { price: number }>): number | null {
	const first = levels[0];
	if (first === undefined) return null;
	return typeof first === 'number' ? first : first.price;
}
