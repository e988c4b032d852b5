import { carryingDroppedGaps, type Stage } from '../../shared/delivery/stages';
import { WEBSOCKET_EVENTS } from './schemas';

/** Quotes and trades remembered to recognise a second copy of their events: at least this many of the latest, at most twice as many (a buffer bound). */
export const REMEMBERED_EVENTS = 10_000;

/** The documented events happen once per quote or trade: one bit each in the subject's mask. */
const ONE_TIME_BIT = new Map(WEBSOCKET_EVENTS.map((event, index) => [event, 2 ** index]));
/** The mark of an unknown event's copy, remembered under its whole payload; no documented event has it. */
const UNKNOWN_BIT = 2 ** 30;

/**
 * One item per event, however many subscribed channels carry it: a venue may send a trade's
 * position events on `rfq:<rfq_id>` and on the market maker's channel, and a socket on both
 * then gets each twice. Totalis does not replay events after a reconnect, so a copy is never a
 * missed event. A dropped copy's gap moves on to the next item.
 *
 * What makes two frames the same event: a documented event's deduplication key
 * (`totalis:<event>:<quote_id or rfq_id>`), remembered as its subject (the quote or trade, the
 * delivered key) with one bit per event, so a trade's events share one entry; for an event type
 * we do not know, which may happen more than once per trade, its whole payload. Events that name
 * no quote or trade are not deduplicated.
 *
 * Memory comes in two generations of `remembered` entries: when the newer is full it becomes the
 * older and the older is forgotten whole, so nothing is evicted per event.
 */
export function onceAcrossChannels(remembered = REMEMBERED_EVENTS): Stage {
	let newer = new Map<string, number>();
	let older = new Map<string, number>();
	return carryingDroppedGaps({
		push(delivered, next) {
			const { item, key, deduplicationKey } = delivered;
			if (deduplicationKey !== undefined) {
				let bit = ONE_TIME_BIT.get(item.event);
				let name = key ?? deduplicationKey;
				if (bit === undefined) {
					bit = UNKNOWN_BIT;
					name = `${item.event}:${JSON.stringify(item.data)}`;
				}
				// An entry in the newer generation carries the older one's bits too (copied in when it was made).
				const inNewer = newer.get(name);
				// Until the first generation fills, there is no older one to ask.
				const known = inNewer ?? (older.size === 0 ? 0 : (older.get(name) ?? 0));
				if ((known & bit) !== 0) return;
				if (inNewer === undefined && newer.size >= remembered) {
					older = newer;
					newer = new Map();
				}
				newer.set(name, known | bit);
			}
			next(delivered);
		},
	});
}
