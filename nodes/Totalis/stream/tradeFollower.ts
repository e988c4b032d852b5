import type { LiveConnection } from '../../shared/engine/protocol';
import type { CopySources } from './onceAcrossChannels';
import { RecentlyLeft } from './recentlyLeft';
import { SeenEvents } from './seenEvents';
import { TrackedTrade, type ChannelChange } from './trackedTrade';
import { TradeOrder } from './tradeOrder';
import { idOf } from './venueIds';

/** The most RFQs followed at once; the oldest is left to make room (a buffer bound). */
export const MAX_FOLLOWED_TRADES = 1000;
/**
 * How long a trade left is still counted as on its channel: the venue acts on an `unsubscribe`
 * some time after we send it, and a copy of the last event may still be on its way. At most
 * `maxFollowed` left trades are remembered (a buffer bound), the oldest forgotten first.
 */
export const RECENTLY_LEFT_MS = 60_000;
/** setTimeout's longest delay; a longer follow is checked again when this one fires. */
const MAX_TIMER_MS = 2_147_483_647;

export const rfqChannel = (rfqId: string) => `rfq:${rfqId}`;

/**
 * Follow My Trades (docs/venues/totalis.md#undocumented-details-and-what-the-nodes-accept): the
 * docs put a trade's position events on `rfq:<rfq_id>`, not on the market maker's channel, so a
 * market maker learns how its trade ended only if it subscribes there. When one of its quotes is
 * accepted or confirmed this subscribes to the trade's channel, and leaves it after a terminal
 * event or after `followForMs`. The followed trades outlive a connection: each new one subscribes
 * to them again. At most `maxFollowed` are followed; the oldest is left first.
 *
 * Subscribes and unsubscribes leave once per turn of the event loop, net of each other: every
 * message is a write to the socket, and a burst of trades that start and end within one read of
 * the socket (a busy venue catching up) would otherwise cost two writes per trade for nothing.
 * Such a trade was never on its channel, so it is not remembered after leaving either.
 *
 * It also keeps what the copy check has seen of each trade whose channel the socket is on (a
 * followed or listed trade, or one left less than RECENTLY_LEFT_MS ago): only those trades' events
 * can arrive on two channels, and one lookup here finds both the answer and the memory.
 */
export class TradeFollower implements CopySources {
	/** The trades followed, `until` when to leave each. All follows last equally long, so following order is leaving order. */
	private readonly followed: TradeOrder;
	/** Trades left lately, until they no longer count as on their channel: it may still deliver a frame. */
	private readonly recentlyLeft: RecentlyLeft;
	/** What has been seen of the RFQs the user listed. */
	private readonly listed = new Map<string, SeenEvents>();
	private live: LiveConnection | undefined;
	private timer: NodeJS.Timeout | undefined;
	/**
	 * The trades with a change the live connection may have yet to be told (`unsent` on each), each
	 * once, in the order of their first change this turn; emptied when told. A list rather than a
	 * map by rfq_id: no lookup, and nothing to delete when a trade's changes cancel out.
	 */
	private toTell: TrackedTrade[] = [];
	private flushQueued = false;
	/**
	 * The trade `observe` just followed or left, under the rfq_id it was given: the copy check asks
	 * next for the same frame's trade, and this answers it without a lookup.
	 */
	private touchedId: string | undefined;
	private touched: TrackedTrade | undefined;

	constructor(
		private readonly options: { followForMs: number; maxFollowed?: number },
		/** RFQs the user subscribed to: they are never left. */
		private readonly fixed: ReadonlySet<string> = new Set(),
		private readonly now: () => number = Date.now,
	) {
		for (const rfqId of fixed) this.listed.set(rfqId, new SeenEvents());
		const max = options.maxFollowed ?? MAX_FOLLOWED_TRADES;
		this.followed = new TradeOrder(max, 'followPlace');
		this.recentlyLeft = new RecentlyLeft(max, RECENTLY_LEFT_MS);
	}

	/** The trades followed now, by rfq_id. */
	get rfqIds(): string[] {
		return this.followed.list().map((trade) => trade.rfqId);
	}

	/** What has been seen of a trade whose channel the socket is or lately was on; undefined for any other trade. */
	seenOf(rfqId: string): SeenEvents | undefined {
		const touched = this.touched;
		// Still followed or recently left: a trade forgotten since is no answer.
		if (rfqId === this.touchedId && touched !== undefined && (touched.followPlace >= 0 || touched.leftPlace >= 0)) return touched;
		return (
			this.followed.get(rfqId) ??
			(this.recentlyLeft.size > 0 ? this.recentlyLeft.seenOf(rfqId) : undefined) ??
			(this.listed.size > 0 ? this.listed.get(rfqId) : undefined)
		);
	}

	/** Whether the socket may be on any trade's channel. */
	anyTradeChannel(): boolean {
		return this.followed.size > 0 || this.recentlyLeft.size > 0 || this.listed.size > 0;
	}

	/** A connection starts streaming: subscribe it to every followed trade. Returns what to run when it ends. */
	attach(live: LiveConnection): () => void {
		// Before the connection is set: a new one has nothing to unsubscribe from.
		this.leaveDue();
		this.forgetUnsent();
		this.live = live;
		for (const trade of this.followed.list()) {
			trade.subscribed = true;
			live.send({ type: 'subscribe', channel: rfqChannel(trade.rfqId) });
		}
		this.schedule();
		return () => {
			if (this.live !== live) return;
			this.live = undefined;
			this.forgetUnsent();
			clearTimeout(this.timer);
			this.timer = undefined;
		};
	}

	/** Sees every decoded event, in arrival order. */
	observe(event: string, data: Record<string, unknown>) {
		// A switch, not a set lookup: the protocol hands over the documented names as constants.
		let follows: boolean;
		switch (event) {
			// One of our quotes was accepted or confirmed: the trade is ours to follow.
			case 'quote:accepted':
			case 'mm_quote:accepted':
			case 'quote:confirmed':
				follows = true;
				break;
			// Nothing more happens on the trade: its position ended, or it was never confirmed.
			case 'position:settled':
			case 'position:cancelled':
			case 'position:error':
			case 'quote:expired':
				follows = false;
				break;
			default:
				return;
		}
		const rfqId = idOf(data.rfq_id);
		if (rfqId === undefined || (this.fixed.size > 0 && this.fixed.has(rfqId))) return;
		if (follows) this.follow(rfqId);
		else {
			const trade = this.followedNamed(rfqId);
			if (trade) this.leave(trade, rfqId);
		}
	}

	private follow(rfqId: string) {
		const already = this.followedNamed(rfqId);
		if (already !== undefined) {
			this.touch(rfqId, already);
			return;
		}
		const max = this.options.maxFollowed ?? MAX_FOLLOWED_TRADES;
		for (let oldest = this.followed.oldest(); oldest !== undefined && this.followed.size >= max; oldest = this.followed.oldest()) {
			this.leave(oldest, oldest.rfqId);
		}
		// Followed again soon after leaving: what was seen of it still holds.
		const trade = (this.recentlyLeft.size > 0 ? this.recentlyLeft.take(rfqId) : undefined) ?? new TrackedTrade(rfqId);
		trade.until = this.now() + this.options.followForMs;
		this.followed.push(trade);
		this.touch(rfqId, trade);
		this.tell(trade, 'subscribe');
		// A timer already set fires no later than this follow ends (all last equally long) and sets the next.
		if (!this.timer) this.schedule();
	}

	/** Leaves a followed trade; `rfqId` is the id it was named by this time. */
	private leave(trade: TrackedTrade, rfqId: string) {
		this.followed.remove(trade);
		this.tell(trade, 'unsubscribe');
		// A channel never subscribed to (the follow's subscribe cancelled this turn) brings no copies.
		// The expired and the oldest left trades are forgotten there, not on a timer.
		if (trade.subscribed) this.recentlyLeft.add(trade, this.now());
		this.touch(rfqId, trade);
	}

	/**
	 * The followed trade of this id, or undefined. A trade's events mostly come one after another,
	 * so the trade touched last answers most frames without a lookup: each frame's rfq_id is a
	 * fresh string, which the table would hash anew, where comparing it with the last costs less.
	 */
	private followedNamed(rfqId: string): TrackedTrade | undefined {
		const touched = this.touched;
		if (rfqId === this.touchedId && touched !== undefined && touched.followPlace >= 0) return touched;
		return this.followed.get(rfqId);
	}

	private touch(rfqId: string, trade: TrackedTrade) {
		this.touchedId = rfqId;
		this.touched = trade;
	}

	/** Queues a change for the live connection; its opposite, still unsent, cancels it instead. */
	private tell(trade: TrackedTrade, change: ChannelChange) {
		// Off the connection there is nothing to tell: the next one subscribes to what is followed then.
		if (!this.live) return;
		if (trade.unsent !== undefined) {
			trade.unsent = undefined;
			return;
		}
		trade.unsent = change;
		if (!trade.queued) {
			trade.queued = true;
			this.toTell.push(trade);
		}
		if (this.flushQueued) return;
		this.flushQueued = true;
		// After every frame the socket has delivered this turn: a microtask would flush after each read.
		setImmediate(() => this.flush());
	}

	private flush() {
		this.flushQueued = false;
		const live = this.live;
		if (!live) return;
		const trades = this.toTell;
		this.toTell = [];
		// Indexed: once per turn, this loop may not be optimized, and an unoptimized `for…of` makes an object per step.
		for (let index = 0; index < trades.length; index++) {
			const trade = trades[index];
			trade.queued = false;
			const change = trade.unsent;
			if (change === undefined) continue;
			trade.unsent = undefined;
			if (change === 'subscribe') trade.subscribed = true;
			live.send({ type: change, channel: rfqChannel(trade.rfqId) });
		}
	}

	/** A connection starts or ends: the changes not yet told are nothing to the next one. */
	private forgetUnsent() {
		for (const trade of this.toTell) {
			trade.queued = false;
			trade.unsent = undefined;
		}
		this.toTell = [];
	}

	private leaveDue() {
		const now = this.now();
		for (let oldest = this.followed.oldest(); oldest !== undefined && oldest.until <= now; oldest = this.followed.oldest()) {
			this.leave(oldest, oldest.rfqId);
		}
	}

	/** One timer, for the follow that ends first, and only while a connection streams. */
	private schedule() {
		clearTimeout(this.timer);
		this.timer = undefined;
		const first = this.followed.oldest();
		if (!this.live || first === undefined) return;
		this.timer = setTimeout(
			() => {
				this.timer = undefined;
				this.leaveDue();
				this.schedule();
			},
			Math.min(MAX_TIMER_MS, Math.max(0, first.until - this.now())),
		);
	}
}
