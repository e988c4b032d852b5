/**
 * The simulated Helio market: quotes, the order desk and the ledger on one clock. It knows
 * nothing of sockets; it emits HelioMarketEvents and the simulator delivers them.
 */
import type { Clock, TimerGroup } from '../clock';
import type { Random } from '../random';
import { TypedEvents } from '../typedEvents';
import { HelioError, validationError } from './errors';
import type { InstrumentTable } from './instruments';
import { Ledger, type AccountInit } from './ledger';
import type { HelioMarketEvents } from './marketEvents';
import { OrderDesk } from './orders';
import { QuoteBoard, type Quote } from './quotes';
import type { AmendOrderInput, AmendPositionInput, CreateOrderInput, HistoryQuery } from './schemas';
import { protectionHit } from './triggers';
import {
	isBuy,
	iso,
	type CloseReason,
	type DealView,
	type DepthEventPayload,
	type MetricsEventPayload,
	type OrderView,
	type PortfolioEventPayload,
	type PositionState,
	type PositionView,
} from './types';
import { dealView, orderView, positionView } from './views';

export interface HelioMarketSettings {
	accounts: readonly AccountInit[];
	/** USD balance of each account at start (default 10000). */
	initialBalance: number;
	/** Margin = notional / leverage (default 100). */
	leverage: number;
	/** Orders over this many lots fill in two parts (default 5). */
	splitAboveLots: number;
	/** Between those two parts (default 5 ms). */
	partialFillDelayMs: number;
}

const DEFAULT_HISTORY_LIMIT = 100;

export class HelioMarket {
	readonly events = new TypedEvents<HelioMarketEvents>();
	readonly quotes: QuoteBoard;
	readonly ledger: Ledger;
	private readonly desk: OrderDesk;
	/** Accounts whose equity moved during the current quote move: one metrics update each at its end. */
	private equityBatch: Set<string> | undefined;

	constructor(
		readonly instruments: InstrumentTable,
		private readonly clock: Clock,
		timers: TimerGroup,
		private readonly random: Random,
		settings: HelioMarketSettings,
	) {
		this.quotes = new QuoteBoard(instruments, clock);
		this.ledger = new Ledger(instruments, this.quotes, clock, settings.accounts, settings);
		this.desk = new OrderDesk({
			instruments,
			quotes: this.quotes,
			ledger: this.ledger,
			clock,
			timers,
			events: this.events,
			touchEquity: (accountId) => this.touchEquity(accountId),
			splitAboveLots: settings.splitAboveLots,
			partialFillDelayMs: settings.partialFillDelayMs,
		});
	}

	// ---- quotes ----

	setQuote(symbol: string, bid: number, ask: number): Quote {
		return this.moved(this.quotes.set(symbol, bid, ask));
	}

	/** One random-walk step of `symbol`. */
	walk(symbol: string): Quote {
		return this.moved(this.quotes.walk(symbol, this.random));
	}

	depth(symbol: string, levels: number): DepthEventPayload {
		const book = this.quotes.depth(symbol, levels);
		return { symbol, bids: book.bids, asks: book.asks, ts: iso(book.at) };
	}

	// ---- orders ----

	placeOrder(accountId: string, input: CreateOrderInput): OrderView {
		this.ledger.requireAccount(accountId);
		return orderView(this.desk.place(accountId, input));
	}

	amendOrder(accountId: string, orderId: string, input: AmendOrderInput): OrderView {
		return orderView(this.desk.amend(accountId, orderId, input));
	}

	cancelOrder(accountId: string, orderId: string): OrderView {
		return orderView(this.desk.cancel(accountId, orderId));
	}

	// ---- positions ----

	openPositions(accountId: string): PositionView[] {
		return this.ledger.openPositions(accountId).map((position) => this.positionView(position));
	}

	/** Closes all of a position, or `volume` of it, at the current bid (buy) or ask (sell). */
	closePosition(accountId: string, positionId: string, volume?: number): { position: PositionView; deal: DealView } {
		const position = this.ledger.position(accountId, positionId);
		if (position.closedAt !== null) throw new HelioError('conflict', `Position ${positionId} is already closed`);
		if (volume !== undefined && volume > position.volume) {
			throw validationError('volume', `volume exceeds the position's ${position.volume} lots`);
		}
		return this.close(position, volume ?? position.volume, 'request');
	}

	/** New stop loss / take profit (null clears); each must be on the losing / winning side of the closing price. */
	amendPosition(accountId: string, positionId: string, input: AmendPositionInput): PositionView {
		const position = this.ledger.position(accountId, positionId);
		if (position.closedAt !== null) throw new HelioError('conflict', `Position ${positionId} is already closed`);
		const closing = this.ledger.closingPrice(position);
		const below = (price: number): boolean => price < closing;
		const { stop_loss_price: stopLoss, take_profit_price: takeProfit } = input;
		if (stopLoss != null && below(stopLoss) !== isBuy(position.side)) {
			throw validationError('stop_loss_price', `stop_loss_price must be ${isBuy(position.side) ? 'below' : 'above'} ${closing}`);
		}
		if (takeProfit != null && below(takeProfit) === isBuy(position.side)) {
			throw validationError('take_profit_price', `take_profit_price must be ${isBuy(position.side) ? 'above' : 'below'} ${closing}`);
		}
		if (stopLoss !== undefined) position.stopLossPrice = stopLoss;
		if (takeProfit !== undefined) position.takeProfitPrice = takeProfit;
		this.events.emit('portfolio', { accountId, symbol: position.symbol });
		return this.positionView(position);
	}

	// ---- history (newest first) ----

	orderHistory(accountId: string, query: HistoryQuery): OrderView[] {
		this.ledger.requireAccount(accountId);
		return newestFirst(this.desk.ofAccount(accountId), (order) => order.createdAt, query).map(orderView);
	}

	positionHistory(accountId: string, query: HistoryQuery): PositionView[] {
		this.ledger.requireAccount(accountId);
		return newestFirst(this.ledger.closedPositions(accountId), (position) => position.closedAt ?? 0, query).map((position) =>
			this.positionView(position),
		);
	}

	dealHistory(accountId: string, query: HistoryQuery): DealView[] {
		this.ledger.requireAccount(accountId);
		return newestFirst(this.ledger.dealsOf(accountId), (deal) => deal.executedAt, query).map(dealView);
	}

	// ---- account state ----

	metrics(accountId: string): MetricsEventPayload {
		return { accountId, ...this.ledger.metrics(accountId), ts: iso(this.clock.now()) };
	}

	portfolio(accountId: string): PortfolioEventPayload {
		const positions = this.ledger.openPositions(accountId).map((position) => ({
			id: position.id,
			symbol: position.symbol,
			side: position.side,
			volume: position.volume,
			openPrice: this.positionView(position).open_price,
			pnl: this.ledger.pnl(position),
		}));
		return { accountId, balance: this.ledger.metrics(accountId).balance, positions, ts: iso(this.clock.now()) };
	}

	dispose(): void {
		this.desk.dispose();
		this.events.dispose('market closed');
	}

	/**
	 * Everything a quote move causes, in order: the quote, fills of resting orders, stops and
	 * take profits, then one metrics update per exposed account.
	 */
	private moved(quote: Quote): Quote {
		const batch = new Set<string>();
		this.equityBatch = batch;
		try {
			this.events.emit('quote', { quote });
			this.desk.onQuote(quote.symbol);
			for (const position of this.ledger.openPositions(undefined, quote.symbol)) {
				const reason = protectionHit(position, quote);
				if (reason) this.close(position, position.volume, reason);
			}
			for (const accountId of this.ledger.accountsExposedTo(quote.symbol)) batch.add(accountId);
		} finally {
			this.equityBatch = undefined;
		}
		for (const accountId of batch) this.events.emit('equity', { accountId });
		return quote;
	}

	private close(position: PositionState, volume: number, reason: CloseReason): { position: PositionView; deal: DealView } {
		const deal = dealView(this.ledger.close(position, volume, this.ledger.closingPrice(position)));
		const view = this.positionView(position);
		this.events.emit('portfolio', { accountId: position.accountId, symbol: position.symbol });
		this.touchEquity(position.accountId);
		this.events.emit('position:closed', { accountId: position.accountId, position: view, deal, reason });
		return { position: view, deal };
	}

	private touchEquity(accountId: string): void {
		if (this.equityBatch) this.equityBatch.add(accountId);
		else this.events.emit('equity', { accountId });
	}

	private positionView(position: PositionState): PositionView {
		return positionView(position, this.ledger.pnl(position));
	}
}

function newestFirst<T>(items: readonly T[], at: (item: T) => number, query: HistoryQuery): T[] {
	const from = query.from ?? -Infinity;
	const to = query.to ?? Infinity;
	// Reversed first: the stable sort then keeps the later of two same-millisecond items first.
	return [...items]
		.reverse()
		.filter((item) => at(item) >= from && at(item) <= to)
		.sort((a, b) => at(b) - at(a))
		.slice(0, query.limit ?? DEFAULT_HISTORY_LIMIT);
}
