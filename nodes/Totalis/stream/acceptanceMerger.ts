import { mergeGaps } from '../../shared/engine/gap';
import type { Stage } from '../../shared/delivery/stages';
import type { Delivered } from '../../shared/items';

const ACCEPTED = 'quote:accepted';
const MM_ACCEPTED = 'mm_quote:accepted';
/** How many emitted acceptances are remembered to drop their late partner. */
const REMEMBERED = 10_000;

/**
 * Totalis announces one acceptance twice, `quote:accepted` and `mm_quote:accepted`, in either
 * order. This stage makes one `quote:accepted` item of the pair: it holds the first for up to
 * `waitMs` for its partner (0: emit at once), merges both payloads, and drops the partner if it
 * comes later. `mergedFrom` lists the events the item was made of, in arrival order.
 */
export class AcceptanceMerger implements Stage {
	private readonly held = new Map<string, { delivered: Delivered; timer?: NodeJS.Timeout; next: (d: Delivered) => void }>();
	/** Acceptances already emitted; the ring evicts the oldest in O(1) once REMEMBERED are known. */
	private readonly emitted = new Set<string>();
	private readonly emittedRing: string[] = [];
	private ringPosition = 0;
	/** Partners that arrived after their acceptance had been emitted. */
	latePartners = 0;

	constructor(private readonly waitMs: number) {}

	push(delivered: Delivered, next: (delivered: Delivered) => void) {
		const { event, data } = delivered.item;
		if (event !== ACCEPTED && event !== MM_ACCEPTED) {
			next(delivered);
			return;
		}
		const quoteId = String(data.quote_id);
		if (this.emitted.has(quoteId)) {
			this.latePartners++;
			return;
		}
		const waiting = this.held.get(quoteId);
		if (waiting) {
			clearTimeout(waiting.timer);
			this.held.delete(quoteId);
			this.release(quoteId, merge(waiting.delivered, delivered), next);
			return;
		}
		if (this.waitMs <= 0) {
			this.release(quoteId, merge(delivered), next);
			return;
		}
		const entry: { delivered: Delivered; timer?: NodeJS.Timeout; next: (d: Delivered) => void } = { delivered, next };
		entry.timer = setTimeout(() => {
			this.held.delete(quoteId);
			this.release(quoteId, merge(delivered), next);
		}, this.waitMs);
		this.held.set(quoteId, entry);
	}

	dispose() {
		for (const entry of this.held.values()) clearTimeout(entry.timer);
		this.held.clear();
	}

	private release(quoteId: string, delivered: Delivered, next: (delivered: Delivered) => void) {
		this.emitted.add(quoteId);
		if (this.emittedRing.length < REMEMBERED) {
			this.emittedRing.push(quoteId);
		} else {
			this.emitted.delete(this.emittedRing[this.ringPosition]);
			this.emittedRing[this.ringPosition] = quoteId;
			this.ringPosition = (this.ringPosition + 1) % REMEMBERED;
		}
		next(delivered);
	}
}

/** One `quote:accepted` item from the first arrival and, when there, its partner. */
function merge(first: Delivered, second?: Delivered): Delivered {
	const parts = second ? [first, second] : [first];
	// The plain event's fields win where both have them; the MM event adds quote and exposure details.
	const mmFirst = [...parts.filter((part) => part.item.event === MM_ACCEPTED), ...parts.filter((part) => part.item.event !== MM_ACCEPTED)];
	const data = Object.assign({}, ...mmFirst.map((part) => part.item.data));
	const quoteId = String(first.item.data.quote_id);
	return {
		item: {
			...first.item,
			event: ACCEPTED,
			data,
			mergedFrom: parts.map((part) => part.item.event),
			gap: mergeGaps(first.item.gap, second?.item.gap ?? null),
		},
		key: quoteId,
		deduplicationKey: `totalis:accepted:${quoteId}`,
	};
}
