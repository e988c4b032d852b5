import type { IDataObject } from 'n8n-workflow';

import { mergeGaps } from '../../shared/engine/gap';
import type { Stage } from '../../shared/delivery/stages';
import type { Delivered } from '../../shared/items';

const ACCEPTED = 'quote:accepted';
const MM_ACCEPTED = 'mm_quote:accepted';
/** Emitted acceptances remembered to drop their late partner: at least this many of the latest, at most twice as many. */
const REMEMBERED = 10_000;

interface Held {
	delivered: Delivered;
	rfqId: string | undefined;
	/** When it leaves without its partner (performance.now(): a wall-clock jump must not hold it). */
	releaseAt: number;
	/** Later events of the same quote, in arrival order: they leave right after the acceptance (made when the first comes). */
	behind?: Delivered[];
	next: (delivered: Delivered) => void;
}

/**
 * Totalis announces one acceptance twice, `quote:accepted` and `mm_quote:accepted`, in either
 * order. This stage makes one `quote:accepted` item of the pair: it holds the first for up to
 * `waitMs` for its partner (0: emit at once), merges both payloads, and drops the partner if it
 * comes later. `mergedFrom` lists the events the item was made of, in arrival order.
 *
 * A quote's events leave in the order they came: while its acceptance is held, its later events
 * (`quote:confirmed`, `quote:executed`, …) wait behind it and leave right after it, so a
 * workflow never sees a quote executed before it was accepted. Position events carry no
 * `quote_id`; they wait behind the held acceptance of their `rfq_id`. Other quotes' events pass
 * at once.
 */
export class AcceptanceMerger implements Stage {
	private readonly held = new Map<string, Held>();
	/** The held acceptances by rfq_id, for the events that name only the trade. */
	private readonly heldByRfq = new Map<string, Held>();
	/** Acceptances already emitted, in two generations: the older is forgotten whole when the newer is full. */
	private emitted = new Set<string>();
	private emittedBefore = new Set<string>();
	/** Partners that arrived after their acceptance had been emitted. */
	latePartners = 0;
	/**
	 * One timer for the held acceptance that leaves first, not one per acceptance: every hold lasts
	 * `waitMs`, so the held map's order is the order they leave in.
	 */
	private timer: NodeJS.Timeout | undefined;

	constructor(private readonly waitMs: number) {}

	push(delivered: Delivered, next: (delivered: Delivered) => void) {
		const { event, data } = delivered.item;
		if (event !== ACCEPTED && event !== MM_ACCEPTED) {
			// Most of the time no acceptance is held: nothing to wait behind, no id to read.
			const waitingFor = this.held.size === 0 ? undefined : this.heldFor(data);
			if (waitingFor) (waitingFor.behind ??= []).push(delivered);
			else next(delivered);
			return;
		}
		const quoteId = String(data.quote_id);
		if (this.emitted.has(quoteId) || this.emittedBefore.has(quoteId)) {
			this.latePartners++;
			return;
		}
		const waiting = this.held.get(quoteId);
		if (waiting) {
			// The partner: the merged item leaves in the place of the first, before the events held behind it.
			this.release(quoteId, waiting, merge(waiting.delivered, delivered));
			return;
		}
		const entry: Held = { delivered, rfqId: idOf(data.rfq_id), releaseAt: performance.now() + this.waitMs, next };
		if (this.waitMs <= 0) {
			this.release(quoteId, entry, merge(delivered));
			return;
		}
		this.held.set(quoteId, entry);
		if (entry.rfqId !== undefined) this.heldByRfq.set(entry.rfqId, entry);
		if (!this.timer) this.arm();
	}

	dispose() {
		clearTimeout(this.timer);
		this.timer = undefined;
		this.held.clear();
		this.heldByRfq.clear();
	}

	/** Sets the timer for the first held acceptance, if any. */
	private arm() {
		const first = this.held.values().next();
		if (first.done) return;
		this.timer = setTimeout(
			() => {
				this.timer = undefined;
				this.releaseDue();
				this.arm();
			},
			Math.max(0, first.value.releaseAt - performance.now()),
		);
	}

	/** Releases, in the order they came, the acceptances whose partner did not come in time. */
	private releaseDue() {
		const now = performance.now();
		for (const [quoteId, entry] of this.held) {
			if (entry.releaseAt > now) break;
			this.release(quoteId, entry, merge(entry.delivered));
		}
	}

	/** The held acceptance an event must wait behind: its quote's, or, for an event without a quote_id, its trade's. */
	private heldFor(data: Delivered['item']['data']): Held | undefined {
		const quoteId = idOf(data.quote_id);
		if (quoteId !== undefined) return this.held.get(quoteId);
		const rfqId = idOf(data.rfq_id);
		return rfqId === undefined ? undefined : this.heldByRfq.get(rfqId);
	}

	private release(quoteId: string, entry: Held, delivered: Delivered) {
		this.held.delete(quoteId);
		if (entry.rfqId !== undefined && this.heldByRfq.get(entry.rfqId) === entry) this.heldByRfq.delete(entry.rfqId);
		if (this.emitted.size >= REMEMBERED) {
			this.emittedBefore = this.emitted;
			this.emitted = new Set();
		}
		this.emitted.add(quoteId);
		entry.next(delivered);
		if (entry.behind) for (const later of entry.behind) entry.next(later);
	}
}

/** An id as the venue sent it (string or number), or undefined when absent. */
function idOf(value: unknown): string | undefined {
	return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

/** One `quote:accepted` item from the first arrival and, when there, its partner (no lists built for one or two parts). */
function merge(first: Delivered, second?: Delivered): Delivered {
	// The plain event's fields win where both have them; the MM event adds quote and exposure details.
	const data: IDataObject = {};
	if (first.item.event === MM_ACCEPTED) Object.assign(data, first.item.data);
	if (second?.item.event === MM_ACCEPTED) Object.assign(data, second.item.data);
	if (first.item.event !== MM_ACCEPTED) Object.assign(data, first.item.data);
	if (second && second.item.event !== MM_ACCEPTED) Object.assign(data, second.item.data);
	const quoteId = String(first.item.data.quote_id);
	return {
		item: {
			...first.item,
			event: ACCEPTED,
			data,
			mergedFrom: second ? [first.item.event, second.item.event] : [first.item.event],
			gap: second ? mergeGaps(first.item.gap, second.item.gap) : first.item.gap,
		},
		key: quoteId,
		deduplicationKey: `totalis:accepted:${quoteId}`,
	};
}
