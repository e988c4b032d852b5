/**
 * Accounts, positions and deals. Each order fills into its own position (hedging accounts);
 * balances move only when a position closes, by the realised P&L. P&L and margin are in USD.
 */
import type { Clock } from '../clock';
import { HelioError } from './errors';
import { roundLots, roundMoney, roundTo, type Instrument, type InstrumentTable } from './instruments';
import type { QuoteBoard } from './quotes';
import { isBuy, type DealState, type OrderState, type PositionState, type Side } from './types';

export interface AccountInit {
	id: string;
	gid: number | string;
	/** Starting balance in USD (default: the market's initialBalance). */
	balance?: number;
}

export interface AccountMetrics {
	balance: number;
	equity: number;
	margin: number;
	freeMargin: number;
	marginLevel: number | null;
	pnl: number;
}

interface AccountState {
	id: string;
	balance: number;
}

export class Ledger {
	private readonly accounts = new Map<string, AccountState>();
	private readonly positions = new Map<string, PositionState>();
	private readonly deals: DealState[] = [];
	private nextPositionId = 1;
	private nextDealId = 1;
	private readonly leverage: number;

	constructor(
		private readonly instruments: InstrumentTable,
		private readonly quotes: QuoteBoard,
		private readonly clock: Clock,
		accounts: readonly AccountInit[],
		settings: { initialBalance: number; leverage: number },
	) {
		this.leverage = settings.leverage;
		for (const account of accounts) this.accounts.set(account.id, { id: account.id, balance: account.balance ?? settings.initialBalance });
	}

	/** Throws 404 for an account the simulator does not know. */
	requireAccount(accountId: string): void {
		if (!this.accounts.has(accountId)) throw new HelioError('not_found', `Account ${accountId} not found`);
	}

	/** One of the account's positions, open or closed; 404 otherwise. */
	position(accountId: string, positionId: string): PositionState {
		const position = this.positions.get(positionId);
		if (!position || position.accountId !== accountId) throw new HelioError('not_found', `Position ${positionId} not found`);
		return position;
	}

	openPositions(accountId?: string, symbol?: string): PositionState[] {
		return [...this.positions.values()].filter(
			(p) => p.closedAt === null && (accountId === undefined || p.accountId === accountId) && (symbol === undefined || p.symbol === symbol),
		);
	}

	closedPositions(accountId: string): PositionState[] {
		return [...this.positions.values()].filter((p) => p.accountId === accountId && p.closedAt !== null);
	}

	dealsOf(accountId: string): DealState[] {
		return this.deals.filter((deal) => deal.accountId === accountId);
	}

	/** Books a fill of `order`: into the position its earlier fills opened while that is open, else a new one. */
	fill(order: OrderState, volume: number, price: number): { deal: DealState; position: PositionState; opened: boolean } {
		const now = this.clock.now();
		const current = order.positionId === null ? undefined : this.positions.get(order.positionId);
		let position: PositionState;
		let opened = false;
		if (current && current.closedAt === null) {
			position = current;
			const total = roundLots(position.volume + volume);
			position.openPrice = (position.openPrice * position.volume + price * volume) / total;
			position.volume = total;
		} else {
			opened = true;
			position = {
				id: `pos-${this.nextPositionId++}`,
				accountId: order.accountId,
				symbol: order.symbol,
				side: order.side,
				volume,
				openPrice: price,
				stopLossPrice: null,
				takeProfitPrice: null,
				realizedPnl: 0,
				openedAt: now,
				closedAt: null,
			};
			this.positions.set(position.id, position);
		}
		const deal = this.record(order.accountId, order.id, position, order.side, volume, price);
		return { deal, position, opened };
	}

	/** Closes `volume` of a position at `price`, booking the realised P&L to the balance. */
	close(position: PositionState, volume: number, price: number): DealState {
		const realized = this.pnlAt(position, volume, price);
		const account = this.accounts.get(position.accountId);
		if (account) account.balance = roundMoney(account.balance + realized);
		position.realizedPnl = roundMoney(position.realizedPnl + realized);
		position.volume = roundLots(position.volume - volume);
		if (position.volume <= 0) {
			position.volume = 0;
			position.closedAt = this.clock.now();
		}
		const side: Side = isBuy(position.side) ? 'TRADE_SIDE_SELL' : 'TRADE_SIDE_BUY';
		// The deal keeps the closed volume even when the position is now at 0.
		return this.record(position.accountId, null, position, side, volume, price);
	}

	/** The price a position closes at now: the bid for a buy, the ask for a sell. */
	closingPrice(position: PositionState): number {
		const quote = this.quotes.get(position.symbol);
		return isBuy(position.side) ? quote.bid : quote.ask;
	}

	/** Unrealised P&L of an open position at the current quote; the realised P&L once closed. */
	pnl(position: PositionState): number {
		if (position.closedAt !== null) return position.realizedPnl;
		return this.pnlAt(position, position.volume, this.closingPrice(position));
	}

	metrics(accountId: string): AccountMetrics {
		const account = this.accounts.get(accountId);
		if (!account) throw new HelioError('not_found', `Account ${accountId} not found`);
		let pnl = 0;
		let margin = 0;
		for (const position of this.openPositions(accountId)) {
			pnl += this.pnl(position);
			margin += this.margin(position);
		}
		const equity = roundMoney(account.balance + pnl);
		margin = roundMoney(margin);
		return {
			balance: account.balance,
			equity,
			margin,
			freeMargin: roundMoney(equity - margin),
			marginLevel: margin > 0 ? roundMoney((equity / margin) * 100) : null,
			pnl: roundMoney(pnl),
		};
	}

	/** Accounts holding an open position in `symbol`: their equity moves with its quote. */
	accountsExposedTo(symbol: string): Set<string> {
		return new Set(this.openPositions(undefined, symbol).map((p) => p.accountId));
	}

	private record(accountId: string, orderId: string | null, position: PositionState, side: Side, volume: number, price: number): DealState {
		const deal: DealState = {
			id: `deal-${this.nextDealId++}`,
			accountId,
			orderId,
			positionId: position.id,
			symbol: position.symbol,
			side,
			volume,
			price,
			executedAt: this.clock.now(),
		};
		this.deals.push(deal);
		return deal;
	}

	private pnlAt(position: PositionState, volume: number, price: number): number {
		const instrument = this.instruments.get(position.symbol);
		const move = isBuy(position.side) ? price - position.openPrice : position.openPrice - price;
		return roundMoney(this.toUsd(instrument, move * volume * instrument.contractSize));
	}

	private margin(position: PositionState): number {
		const instrument = this.instruments.get(position.symbol);
		return this.toUsd(instrument, position.volume * instrument.contractSize * position.openPrice) / this.leverage;
	}

	/** Amounts in JPY are converted at the USDJPY mid. */
	private toUsd(instrument: Instrument, amount: number): number {
		if (instrument.quoteCurrency === 'USD') return amount;
		const rate = this.quotes.get(`USD${instrument.quoteCurrency}`);
		return roundTo(amount / ((rate.bid + rate.ask) / 2), 6);
	}
}
