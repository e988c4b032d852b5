import { carryingDroppedGaps, type Stage } from '../../shared/delivery/stages';
import { deduplicationKeyOf, hasDeduplicationKey, type Delivered } from '../../shared/items';
import { WEBSOCKET_EVENTS } from './schemas';
import type { SeenEvents } from './seenEvents';
import { idOf } from './venueIds';

/** Events remembered when no trade can be named (see below): at least this many of the latest, at most twice as many (a buffer bound). */
export const REMEMBERED_EVENTS = 10_000;

/** The documented events happen once per quote or trade: one bit each in the subject's mask. */
const ONE_TIME_BIT = new Map(WEBSOCKET_EVENTS.map((event, index) => [event, 2 ** index]));
/** The mark of an unknown event's copy, remembered under its whole payload; no documented event has it. */
const UNKNOWN_BIT = 2 ** 30;

/** The trades whose events may arrive twice, and what has been seen of each (TradeFollower). */
export interface CopySources {
	/** What has been seen of the trade, when the socket is (or lately was) on its `rfq:` channel; undefined otherwise. */
	seenOf(rfqId: string): SeenEvents | undefined;
	/** Whether the socket may be on any trade's channel (for an event that names none). */
	anyTradeChannel(): boolean;
}

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
 * Where it looks: with `sources`, an event is checked only when its trade's channel is (or lately
 * was) subscribed, since no other event can come on two channels, and what was seen is kept with
 * the trade; the rest pass at once, so a frame the venue repeats on one channel passes too. An
 * event that names no trade, while some trade channel may be on, and every event without
 * `sources`, go to a memory of their own: two generations of `remembered` entries, the older
 * forgotten whole when the newer is full.
 */
export function onceAcrossChannels(remembered = REMEMBERED_EVENTS, sources?: CopySources): Stage {
	let newer = new Map<string, number>();
	let older = new Map<string, number>();

	function firstTime(delivered: Delivered, seen: SeenEvents | undefined): boolean {
		const { item, key } = delivered;
		let bit = ONE_TIME_BIT.get(item.event);
		let name = key ?? (deduplicationKeyOf(delivered) as string);
		if (bit === undefined) {
			bit = UNKNOWN_BIT;
			name = `${item.event}:${JSON.stringify(item.data)}`;
		}
		if (seen) return seen.mark(name, bit);
		// An entry in the newer generation carries the older one's bits too (copied in when it was made).
		const inNewer = newer.get(name);
		// Until the first generation fills, there is no older one to ask.
		const known = inNewer ?? (older.size === 0 ? 0 : (older.get(name) ?? 0));
		if ((known & bit) !== 0) return false;
		if (inNewer === undefined && newer.size >= remembered) {
			older = newer;
			newer = new Map();
		}
		newer.set(name, known | bit);
		return true;
	}

	return carryingDroppedGaps({
		push(delivered, next) {
			if (!hasDeduplicationKey(delivered)) {
				next(delivered);
				return;
			}
			if (sources) {
				const rfqId = idOf(delivered.item.data.rfq_id);
				if (rfqId !== undefined) {
					const seen = sources.seenOf(rfqId);
					if (!seen || firstTime(delivered, seen)) next(delivered);
					return;
				}
				if (!sources.anyTradeChannel()) {
					next(delivered);
					return;
				}
			}
			if (firstTime(delivered, undefined)) next(delivered);
		},
	});
}
