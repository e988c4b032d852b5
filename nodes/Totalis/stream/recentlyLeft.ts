import type { TrackedTrade } from './trackedTrade';
import { TradeOrder } from './tradeOrder';

/**
 * The trades left lately, each for `keepMs` after it was left, at most `max` of them, the oldest
 * forgotten first. Trades are left in time order, so the oldest is always at the front of the
 * leaving order: the expired and the surplus are forgotten in O(1) each.
 */
export class RecentlyLeft {
	private readonly trades: TradeOrder;

	constructor(
		private readonly max: number,
		private readonly keepMs: number,
	) {
		this.trades = new TradeOrder(max + 1, 'leftPlace');
	}

	get size(): number {
		return this.trades.size;
	}

	/** A trade left lately (it is also what was seen of it), or undefined. */
	seenOf(rfqId: string): TrackedTrade | undefined {
		return this.trades.get(rfqId);
	}

	/** Takes a trade out (it is followed again): what was seen of it comes back with it. */
	take(rfqId: string): TrackedTrade | undefined {
		const trade = this.trades.get(rfqId);
		if (trade) this.trades.remove(trade);
		return trade;
	}

	/** Remembers a trade left at `now`, then forgets the expired and the oldest beyond the bound. */
	add(trade: TrackedTrade, now: number) {
		trade.until = now + this.keepMs;
		this.trades.push(trade);
		for (let oldest = this.trades.oldest(); oldest !== undefined; oldest = this.trades.oldest()) {
			if (oldest.until > now && this.trades.size <= this.max) break;
			this.trades.remove(oldest);
		}
	}
}
