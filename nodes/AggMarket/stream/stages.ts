/**
 * The agg.market Trigger's stages between the stream and delivery: which user events pass, and
 * the "full book at most once per interval" emission.
 */
import { carryingDroppedGaps, type Stage } from '../../shared/delivery/stages';
import { mergeGaps } from '../../shared/engine/gap';
import type { Delivered } from '../../shared/items';
import { TimedBookThrottle, type BookSnapshot } from '../book';

export interface UserEventFilter {
	/** Event names that pass (`order_submitted`, `balance_update`, `order_event`, `error`). */
	events: readonly string[];
	/** Inner `event` values of `order_event` that pass; empty: all. */
	orderEvents: readonly string[];
	/** Venues that pass (lower case); empty: all. Events without a venue always pass. */
	venues: readonly string[];
}

/** Passes the chosen user events; order books and their ends always pass. */
export function userEventFilter(filter: UserEventFilter): Stage {
	const events = new Set(filter.events);
	const orderEvents = new Set(filter.orderEvents);
	const venues = new Set(filter.venues.map((venue) => venue.toLowerCase()));
	const bookEvents = new Set(['orderbook', 'top_of_book', 'market_resolved', 'book_warning']);
	return carryingDroppedGaps({
		push(delivered, next) {
			const { event, data } = delivered.item;
			if (bookEvents.has(event)) return next(delivered);
			if (!events.has(event)) return;
			if (event === 'order_event' && orderEvents.size > 0 && !orderEvents.has(String(data.event))) return;
			if (venues.size > 0 && typeof data.venue === 'string' && !venues.has(data.venue.toLowerCase())) return;
			next(delivered);
		},
	});
}

/**
 * At most one `orderbook` item per outcome per interval: the first at once, then the latest at
 * the end of each busy interval. A replaced book hands its gap to the one that replaces it, and
 * a held book goes out before its outcome's `market_resolved`.
 */
export function bookThrottleStage(intervalMs: number): Stage {
	const waiting = new Map<string, Delivered>();
	let forward: ((delivered: Delivered) => void) | undefined;
	const throttle = new TimedBookThrottle(intervalMs, (book: BookSnapshot) => {
		const delivered = waiting.get(book.outcomeId);
		waiting.delete(book.outcomeId);
		if (!delivered || !forward) return;
		// The throttle keeps the news of a resync across replaced books: take its version.
		forward({ ...delivered, item: { ...delivered.item, data: { ...book } } });
	});
	return {
		push(delivered, next) {
			forward = next;
			const { event, data } = delivered.item;
			const outcomeId = String(data.outcomeId);
			if (event === 'market_resolved') {
				throttle.flushOutcome(outcomeId);
				return next(delivered);
			}
			if (event !== 'orderbook') return next(delivered);
			const replaced = waiting.get(outcomeId);
			if (replaced) delivered.item.gap = mergeGaps(replaced.item.gap, delivered.item.gap);
			waiting.set(outcomeId, delivered);
			throttle.offer(data as unknown as BookSnapshot);
		},
		dispose() {
			throttle.dispose();
			waiting.clear();
		},
	};
}
