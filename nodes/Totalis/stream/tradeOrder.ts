import { IdTable } from './idTable';
import type { TrackedTrade } from './trackedTrade';

/** The field of a trade that holds its place in one TradeOrder: a trade can be in each list at most once. */
export type PlaceField = 'followPlace' | 'leftPlace';

/** Skipped places the list may hold beyond twice its trades before it is packed (a buffer bound). */
const SLACK = 64;

/**
 * Trades by rfq_id in the order they were put in. Not a `Map`: where trades are put in and taken
 * out within a few frames, as most are on a stream that catches up, a `Map` of followed trades
 * went from one entry to none and back for every trade. On the bench's stream that cost about a
 * sixth of the engine's CPU per frame, with 15–20 minor page faults per 1,000 frames where this
 * keeps under one (docs/performance.md). The lookup is an IdTable, which only ever grows its arrays.
 *
 * A trade taken out leaves a skipped place: its `field` no longer names that place. The front
 * drops skipped places as it reaches them, and the list is packed in place when skipped places
 * outnumber held ones or the room before the front is half the list: O(1) amortized, no new array.
 */
export class TradeOrder {
	private readonly byId: IdTable<TrackedTrade>;
	/** A trade's place is its index here; places `head` to `end - 1` are in use. */
	private readonly order: Array<TrackedTrade | undefined> = [];
	private head = 0;
	private end = 0;

	/** `expected`: the most trades usually held. */
	constructor(
		expected: number,
		private readonly field: PlaceField,
	) {
		this.byId = new IdTable(expected);
	}

	get size(): number {
		return this.byId.size;
	}

	get(rfqId: string): TrackedTrade | undefined {
		return this.byId.get(rfqId);
	}

	/** Puts a trade last (again, if it is in already). */
	push(trade: TrackedTrade) {
		if (this.head === this.end) {
			// Empty: the array's room is used again from its start.
			this.head = this.end = 0;
		} else if (this.end - this.head > 2 * this.byId.size + SLACK || (this.head > SLACK && 2 * this.head >= this.end)) {
			// Mostly skipped places, or mostly dropped room before the front.
			this.pack();
		}
		const { field } = this;
		// In already: its earlier place is skipped from now on.
		let skipped = trade[field] >= 0;
		if (!skipped) {
			// Another record under the same id loses its place (the id names one trade here).
			const before = this.byId.set(trade.rfqId, trade);
			if (before !== undefined) {
				before[field] = -1;
				skipped = true;
			}
		}
		trade[field] = this.end;
		if (this.end < this.order.length) this.order[this.end] = trade;
		else this.order.push(trade);
		this.end++;
		// The skipped place may have been the front.
		if (skipped) this.dropSkippedFront();
	}

	/** Takes a trade out; false when it was not in. */
	remove(trade: TrackedTrade): boolean {
		if (trade[this.field] < 0) return false;
		trade[this.field] = -1;
		this.byId.delete(trade.rfqId);
		this.dropSkippedFront();
		return true;
	}

	/** The trade put in longest ago, or undefined. */
	oldest(): TrackedTrade | undefined {
		return this.head < this.end ? this.order[this.head] : undefined;
	}

	/** The trades, oldest first (a copy). */
	list(): TrackedTrade[] {
		const trades: TrackedTrade[] = [];
		for (let index = this.head; index < this.end; index++) {
			const trade = this.order[index]!;
			if (this.holds(trade, index)) trades.push(trade);
		}
		return trades;
	}

	private holds(trade: TrackedTrade, index: number): boolean {
		return trade[this.field] === index;
	}

	/** Keeps the front on a held trade, so `oldest` reads one place. */
	private dropSkippedFront() {
		const { order } = this;
		while (this.head < this.end && !this.holds(order[this.head]!, this.head)) order[this.head++] = undefined;
	}

	/** Moves the held trades to the array's start, in order, each to its new place. */
	private pack() {
		const { order, field } = this;
		let kept = 0;
		for (let index = this.head; index < this.end; index++) {
			const trade = order[index]!;
			// A trade's skipped places all lie before the one it holds: none is met after it moved.
			if (!this.holds(trade, index)) continue;
			order[kept] = trade;
			trade[field] = kept++;
		}
		for (let index = kept; index < this.end; index++) order[index] = undefined;
		this.head = 0;
		this.end = kept;
	}
}
