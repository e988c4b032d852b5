import type { SeenEvents } from './seenEvents';

/** A trade left lately: until when it still counts as on its channel, and what the copy check saw of it. */
interface LeftTrade {
	rfqId: string;
	until: number;
	seen: SeenEvents;
	/** False once followed again or left again (a newer entry): its place in the order is then skipped. */
	current: boolean;
}

/**
 * The trades left lately, each for `keepMs` after it was left, at most `max` of them, the oldest
 * forgotten first. Trades are left in time order, so the oldest is always at the front: a list in
 * leaving order beside the lookup forgets the expired and the surplus in O(1) each, where walking
 * a `Map` from its start after many deletes skips their tombstones and makes an entry per step.
 * The order list holds at most `2 × max` places (a buffer bound): entries followed or left again
 * leave a skipped place behind until it reaches the front.
 */
export class RecentlyLeft {
	private readonly byId = new Map<string, LeftTrade>();
	private order: Array<LeftTrade | undefined> = [];
	private head = 0;

	constructor(
		private readonly max: number,
		private readonly keepMs: number,
	) {}

	get size(): number {
		return this.byId.size;
	}

	/** What was seen of a trade left lately, or undefined. */
	seenOf(rfqId: string): SeenEvents | undefined {
		return this.byId.get(rfqId)?.seen;
	}

	/** Takes a trade out (it is followed again) and gives back what was seen of it. */
	take(rfqId: string): SeenEvents | undefined {
		const left = this.byId.get(rfqId);
		if (!left) return undefined;
		left.current = false;
		this.byId.delete(rfqId);
		return left.seen;
	}

	/** Remembers a trade left at `now`, then forgets the expired and the oldest beyond the bound. */
	add(rfqId: string, seen: SeenEvents, now: number) {
		const before = this.byId.get(rfqId);
		if (before) before.current = false;
		const left: LeftTrade = { rfqId, until: now + this.keepMs, seen, current: true };
		this.byId.set(rfqId, left);
		this.order.push(left);
		this.forget(now);
	}

	private forget(now: number) {
		const { order, byId, max } = this;
		while (this.head < order.length) {
			const oldest = order[this.head]!;
			if (oldest.current && oldest.until > now && byId.size <= max && order.length - this.head <= 2 * max) break;
			if (oldest.current) byId.delete(oldest.rfqId);
			order[this.head++] = undefined;
		}
		// Once the skipped front is half the list, drop it: amortized O(1) per trade.
		if (this.head > 64 && this.head * 2 >= order.length) {
			this.order = order.slice(this.head);
			this.head = 0;
		}
	}
}
