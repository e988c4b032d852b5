import { carryingDroppedGaps, type Stage } from '../../shared/delivery/stages';
import type { Delivered } from '../../shared/items';
import { WEBSOCKET_EVENTS } from './schemas';

/** How many events are remembered to recognise a second copy (a buffer bound). */
export const REMEMBERED_EVENTS = 10_000;

/** The documented events happen once per quote or trade: their deduplication key names them. */
const ONE_TIME = new Set(WEBSOCKET_EVENTS);

/**
 * What makes two frames the same event: a documented event's deduplication key
 * (`totalis:<event>:<quote_id or rfq_id>`); for an event type we do not know, which may happen
 * more than once per trade, its whole payload. Events that name no quote or trade are not
 * deduplicated.
 */
function identity({ item, deduplicationKey }: Delivered): string | undefined {
	if (deduplicationKey === undefined) return undefined;
	return ONE_TIME.has(item.event) ? deduplicationKey : `${item.event}:${JSON.stringify(item.data)}`;
}

/**
 * One item per event, however many subscribed channels carry it: a venue may send a trade's
 * position events on `rfq:<rfq_id>` and on the market maker's channel, and a socket on both
 * then gets each twice. Totalis does not replay events after a reconnect, so a copy is never a
 * missed event. A dropped copy's gap moves on to the next item.
 */
export function onceAcrossChannels(remembered = REMEMBERED_EVENTS): Stage {
	const seen = new Set<string>();
	const ring: string[] = [];
	let position = 0;
	const remember = (key: string) => {
		seen.add(key);
		if (ring.length < remembered) {
			ring.push(key);
			return;
		}
		seen.delete(ring[position]);
		ring[position] = key;
		position = (position + 1) % remembered;
	};
	return carryingDroppedGaps({
		push(delivered, next) {
			const key = identity(delivered);
			if (key !== undefined) {
				if (seen.has(key)) return;
				remember(key);
			}
			next(delivered);
		},
	});
}
