import { IdTable } from './idTable';
import type { TrackedTrade } from './trackedTrade';

/**
 * The trades left lately, each for `keepMs` after it was left, at most `max` of them, the oldest
 * forgotten first. Trades are left in time order, so the oldest is always at the front: a list in
 * leaving order beside the lookup forgets the expired and the surplus in O(1) each, where walking
 * a `Map` from its start after many deletes skips their tombstones and makes an entry per step.
 * The order list holds at most `2 × max` places (a buffer bound): entries followed or left again
 * leave a skipped place behind until it reaches the front.
 */
export class RecentlyLeft {
	/** By rfq_id: not a `Map`, whose old tables would keep the trades left long ago alive (idTable.ts). */
	private readonly byId: IdTable<TrackedTrade>;
	/** Trades in leaving order; a place counts while its trade's `place` names it (`placed + index`). */
	private order: Array<TrackedTrade | undefined> = [];
	private head = 0;
	/** The place number of `order[0]`: places keep their numbers when the list drops its front. */
	private placed = 0;

	constructor(
		private readonly max: number,
		private readonly keepMs: number,
	) {
		this.byId = new IdTable(max + 1);
	}

	get size(): number {
		return this.byId.size;
	}

	/** A trade left lately (it is also what was seen of it), or undefined. */
	seenOf(rfqId: string): TrackedTrade | undefined {
		return this.byId.get(rfqId);
	}

	/** Takes a trade out (it is followed again): what was seen of it comes back with it. */
	take(rfqId: string): TrackedTrade | undefined {
		const trade = this.byId.get(rfqId);
		if (!trade) return undefined;
		trade.place = -1;
		this.byId.delete(rfqId);
		return trade;
	}

	/** Remembers a trade left at `now`, then forgets the expired and the oldest beyond the bound. */
	add(trade: TrackedTrade, now: number) {
		trade.until = now + this.keepMs;
		trade.place = this.placed + this.order.length;
		const before = this.byId.set(trade.rfqId, trade);
		// An older record of the same trade no longer counts where it stands in the order.
		if (before !== undefined && before !== trade) before.place = -1;
		this.order.push(trade);
		this.forget(now);
	}

	private forget(now: number) {
		const { order, byId, max } = this;
		while (this.head < order.length) {
			const oldest = order[this.head]!;
			const current = oldest.place === this.placed + this.head;
			if (current && oldest.until > now && byId.size <= max && order.length - this.head <= 2 * max) break;
			if (current) {
				oldest.place = -1;
				byId.delete(oldest.rfqId);
			}
			order[this.head++] = undefined;
		}
		// Once the skipped front is half the list, drop it: amortized O(1) per trade.
		if (this.head > 64 && this.head * 2 >= order.length) {
			this.order = order.slice(this.head);
			this.placed += this.head;
			this.head = 0;
		}
	}
}
