import { mergeGaps } from '../../shared/engine/gap';
import type { Stage } from '../../shared/delivery/stages';
import type { Delivered } from '../../shared/items';
import { idOf } from './venueIds';

const ACCEPTED = 'quote:accepted';
const MM_ACCEPTED = 'mm_quote:accepted';
/** Acceptances remembered (held, or left without their partner) to drop a late partner: at least this many of the latest, at most twice as many. */
const REMEMBERED = 10_000;

/** What the merge remembers of a quote: its acceptance waiting for the partner, or EMITTED once it left without it. */
const EMITTED = null;

/**
 * The latest places of the queue, where a held acceptance is found by a scan and not in the
 * memory of quotes: a partner mostly comes within a few frames, and a pair found there costs no
 * set, lookup or delete in a map by quote_id. An acceptance still held when it leaves these
 * places goes into the memory.
 */
const SCANNED = 8;

/** How an acceptance leaves: merged with its partner, or alone (its partner may still come late). */
const PAIRED = true;
const ALONE = false;

/**
 * A held acceptance. The queue keeps its entries after they leave and reuses them for later
 * acceptances (a third of a busy stream's events): no object per acceptance, and `releaseAt`'s
 * number is overwritten in place rather than made anew.
 */
interface Held {
	quoteId: string;
	/** The acceptance, until it leaves (then undefined: the entry must not keep the item alive). */
	delivered: Delivered | undefined;
	/** Set when it has left: the timer's queue skips it. */
	released: boolean;
	rfqId: string | undefined;
	/** When it leaves without its partner (performance.now(): a wall-clock jump must not hold it). */
	releaseAt: number;
	/** Whether it is in the memory of quotes (it left the queue's SCANNED latest places while held). */
	remembered: boolean;
	/** Later events of the same quote, in arrival order: they leave right after the acceptance (made when the first comes). */
	behind: Delivered[] | undefined;
	next: (delivered: Delivered) => void;
}

/**
 * Totalis announces one acceptance twice, `quote:accepted` and `mm_quote:accepted`, in either
 * order. This stage makes one `quote:accepted` item of the pair: it holds the first for up to
 * `waitMs` for its partner (0: emit at once), merges both payloads, and drops the partner if it
 * comes later. `mergedFrom` lists the events the item was made of, in arrival order. Once a pair
 * has merged, its quote is forgotten: an acceptance Totalis repeats after that passes like any
 * frame it repeats (n8n's deduplication key still runs it once with one execution per event).
 *
 * A quote's events leave in the order they came: while its acceptance is held, its later events
 * (`quote:confirmed`, `quote:executed`, …) wait behind it and leave right after it, so a
 * workflow never sees a quote executed before it was accepted. Position events carry no
 * `quote_id`; they wait behind the held acceptance of their `rfq_id`. Other quotes' events pass
 * at once.
 */
export class AcceptanceMerger implements Stage {
	/**
	 * The quotes whose acceptance is held (beyond the queue's SCANNED latest places) or left
	 * without its partner, in one memory: one lookup tells a first acceptance, its partner and a
	 * late partner apart. A pair that merged is forgotten at once, since no partner is left to
	 * come: on a busy stream the memory then holds a handful of quotes instead of 10,000-20,000,
	 * and each lookup stays in the cache; while every partner comes soon it is empty. Two
	 * generations: the older is forgotten whole when the newer is full (an entry that moved there
	 * while held is found there, and left as EMITTED in the newer).
	 */
	private quotes = new Map<string, Held | typeof EMITTED>();
	private quotesBefore = new Map<string, Held | typeof EMITTED>();
	/**
	 * Held acceptances in the order they leave (every hold lasts `waitMs`), from `queueHead` to
	 * `queueLength`, released ones skipped. Entries from `queueLength` on have left and are reused.
	 */
	private readonly queue: Held[] = [];
	private queueHead = 0;
	private queueLength = 0;
	private holding = 0;
	/** Partners that arrived after their acceptance had been emitted. */
	latePartners = 0;
	/**
	 * One timer for the held acceptance that leaves first, not one per acceptance: every hold lasts
	 * `waitMs`, so the queue's order is the order they leave in.
	 */
	private timer: NodeJS.Timeout | undefined;

	constructor(private readonly waitMs: number) {}

	push(delivered: Delivered, next: (delivered: Delivered) => void) {
		const { event, data } = delivered.item;
		if (event !== ACCEPTED && event !== MM_ACCEPTED) {
			// Most of the time no acceptance is held: nothing to wait behind, no id to read.
			const waitingFor = this.holding === 0 ? undefined : this.heldFor(data);
			if (waitingFor) (waitingFor.behind ??= []).push(delivered);
			else next(delivered);
			return;
		}
		const quoteId = String(data.quote_id);
		const known = this.latestHeld(quoteId) ?? this.recall(quoteId);
		if (known === EMITTED) {
			this.latePartners++;
			return;
		}
		if (known) {
			// The partner: the merged item leaves in the place of the first, before the events held behind it.
			this.release(known, merge(quoteId, known.delivered!, delivered), PAIRED);
			return;
		}
		if (this.waitMs <= 0) {
			// Emitted at once: nothing waits behind it, so it needs no entry.
			const merged = merge(quoteId, delivered);
			this.remember(quoteId, EMITTED);
			next(merged);
			return;
		}
		this.hold(quoteId, delivered, next);
		this.holding++;
		if (!this.timer) this.arm();
	}

	dispose() {
		clearTimeout(this.timer);
		this.timer = undefined;
		// What was held is forgotten: a partner coming later must not bring it back.
		for (let index = this.queueHead; index < this.queueLength; index++) {
			const entry = this.queue[index];
			if (entry.released) continue;
			entry.released = true;
			entry.delivered = undefined;
			entry.behind = undefined;
			this.quotes.delete(entry.quoteId);
			this.quotesBefore.delete(entry.quoteId);
		}
		this.forgetQueue();
	}

	/** The quote's acceptance as remembered: held, EMITTED, or undefined when never seen (or forgotten). */
	private recall(quoteId: string): Held | typeof EMITTED | undefined {
		// Empty while every partner comes within the scanned places: no lookup.
		if (this.quotes.size === 0 && this.quotesBefore.size === 0) return undefined;
		const known = this.quotes.get(quoteId);
		// Until the first generation fills, there is no older one to ask.
		return known !== undefined || this.quotesBefore.size === 0 ? known : this.quotesBefore.get(quoteId);
	}

	private remember(quoteId: string, value: Held | typeof EMITTED) {
		this.quotes.set(quoteId, value);
		if (this.quotes.size >= REMEMBERED) {
			this.quotesBefore = this.quotes;
			this.quotes = new Map();
		}
	}

	/** A merged pair's quote: nothing more to wait for (a repeat of it is an event like any other). */
	private forget(quoteId: string) {
		if (!this.quotes.delete(quoteId) && this.quotesBefore.size > 0) this.quotesBefore.delete(quoteId);
	}

	/** The quote's acceptance held in the queue's SCANNED latest places, if any. */
	private latestHeld(quoteId: string): Held | undefined {
		const { queue } = this;
		const end = Math.max(this.queueHead, this.queueLength - SCANNED);
		for (let index = this.queueLength - 1; index >= end; index--) {
			const entry = queue[index];
			if (entry.quoteId === quoteId && !entry.released) return entry;
		}
		return undefined;
	}

	/** Queues an acceptance in the next free entry: one that left earlier, or a new one while the queue is at its longest yet. */
	private hold(quoteId: string, delivered: Delivered, next: (delivered: Delivered) => void): Held {
		// Past the entries that left at the front (the timer does the same), then free them if they are half the queue.
		if (this.queueLength > 64 && this.firstHeld() && this.queueHead * 2 >= this.queueLength) this.compact();
		const rfqId = idOf(delivered.item.data.rfq_id);
		const releaseAt = performance.now() + this.waitMs;
		let entry = this.queue[this.queueLength];
		if (entry) {
			entry.quoteId = quoteId;
			entry.delivered = delivered;
			entry.released = false;
			entry.rfqId = rfqId;
			entry.releaseAt = releaseAt;
			entry.remembered = false;
			entry.next = next;
		} else {
			entry = { quoteId, delivered, released: false, rfqId, releaseAt, remembered: false, behind: undefined, next };
			this.queue.push(entry);
		}
		this.queueLength++;
		// The acceptance this one pushes out of the scanned places, if still held, is looked up from now on.
		const pushedOut = this.queueLength - 1 - SCANNED;
		if (pushedOut >= this.queueHead) {
			const older = this.queue[pushedOut];
			if (!older.released && !older.remembered) {
				older.remembered = true;
				this.remember(older.quoteId, older);
			}
		}
		return entry;
	}

	/**
	 * Moves the entries still queued to the front, the ones that left behind them (a bound: while
	 * acceptances keep coming, the queue may never empty). Swapped, not copied: each entry stays in
	 * one place only, since it is reused.
	 */
	private compact() {
		const { queue, queueHead } = this;
		const waiting = this.queueLength - queueHead;
		// queueHead >= waiting (compact's condition): the two ranges do not overlap.
		for (let index = 0; index < waiting; index++) {
			const left = queue[index];
			queue[index] = queue[queueHead + index];
			queue[queueHead + index] = left;
		}
		this.queueHead = 0;
		this.queueLength = waiting;
	}

	/** None is held: every entry is free for reuse. */
	private forgetQueue() {
		this.queueHead = 0;
		this.queueLength = 0;
		this.holding = 0;
	}

	/** The first acceptance still held, skipping those that left with their partner. */
	private firstHeld(): Held | undefined {
		while (this.queueHead < this.queueLength && this.queue[this.queueHead].released) this.queueHead++;
		return this.queueHead < this.queueLength ? this.queue[this.queueHead] : undefined;
	}

	/** Sets the timer for the first held acceptance, if any. */
	private arm() {
		const first = this.firstHeld();
		if (!first) return;
		this.timer = setTimeout(
			() => {
				this.timer = undefined;
				this.releaseDue();
				this.arm();
			},
			Math.max(0, first.releaseAt - performance.now()),
		);
	}

	/** Releases, in the order they came, the acceptances whose partner did not come in time. */
	private releaseDue() {
		const now = performance.now();
		for (let first = this.firstHeld(); first && first.releaseAt <= now; first = this.firstHeld()) {
			this.release(first, merge(first.quoteId, first.delivered!), ALONE);
		}
	}

	/** The held acceptance an event must wait behind: its quote's, or, for an event without a quote_id, its trade's. */
	private heldFor(data: Delivered['item']['data']): Held | undefined {
		const quoteId = idOf(data.quote_id);
		if (quoteId !== undefined) {
			const known = this.latestHeld(quoteId) ?? this.recall(quoteId);
			return known && !known.released ? known : undefined;
		}
		const rfqId = idOf(data.rfq_id);
		return rfqId === undefined ? undefined : this.heldOfTrade(rfqId);
	}

	/**
	 * The trade's latest acceptance in the queue, if it is still held. A scan, not a map by rfq_id:
	 * it runs only for events without a quote_id while acceptances are held, and the queue holds
	 * those of the last `waitMs` alone, where a map cost a set and a delete per acceptance.
	 */
	private heldOfTrade(rfqId: string): Held | undefined {
		for (let index = this.queueLength - 1; index >= this.queueHead; index--) {
			const entry = this.queue[index];
			if (entry.rfqId === rfqId) return entry.released ? undefined : entry;
		}
		return undefined;
	}

	private release(entry: Held, delivered: Delivered, paired: boolean) {
		const { next, behind } = entry;
		// The entry is free for reuse from here on, and keeps nothing of what leaves.
		entry.delivered = undefined;
		entry.behind = undefined;
		if (!entry.released) {
			entry.released = true;
			if (--this.holding === 0) this.forgetQueue();
		}
		if (!paired) this.remember(entry.quoteId, EMITTED);
		else if (entry.remembered) this.forget(entry.quoteId);
		next(delivered);
		if (behind) for (const later of behind) next(later);
	}
}

/**
 * One `quote:accepted` item from the first arrival and, when there, its partner, made of their own
 * objects: both were parsed for this item alone and the partner goes no further, so the first's
 * item and Delivered are reused and the MM event's payload takes the plain event's fields. The
 * result is what copies into new objects made (same fields, same order): the MM event's fields
 * first, the plain event's winning where both have one; `mergedFrom` last.
 */
function merge(quoteId: string, first: Delivered, second?: Delivered): Delivered {
	const { item } = first;
	if (second) {
		// The plain event's fields win where both have them; the MM event adds quote and exposure details.
		item.data = item.event === MM_ACCEPTED ? Object.assign(item.data, second.item.data) : Object.assign(second.item.data, item.data);
		item.mergedFrom = [item.event, second.item.event];
		item.gap = mergeGaps(item.gap, second.item.gap);
	} else {
		item.mergedFrom = [item.event];
	}
	item.event = ACCEPTED;
	first.key = quoteId;
	first.deduplicationKey = `totalis:accepted:${quoteId}`;
	// Unknown for a merged item (Delivered.bytes).
	first.bytes = undefined;
	return first;
}
