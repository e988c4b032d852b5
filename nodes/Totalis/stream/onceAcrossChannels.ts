import { carryingDroppedGaps, type Stage } from '../../shared/delivery/stages';

/** How many events are remembered to recognise a second copy (a buffer bound). */
export const REMEMBERED_EVENTS = 10_000;

/**
 * One item per event, however many subscribed channels carry it: a venue may send a trade's
 * position events on `rfq:<rfq_id>` and on the market maker's channel, and a socket on both
 * then gets each twice. An event is known by its deduplication key (`totalis:<event>:<quote_id
 * or rfq_id>`, one-time by nature); events without one always pass. Totalis does not replay
 * events after a reconnect, so a copy is never a missed event. A dropped copy's gap moves on.
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
			const key = delivered.deduplicationKey;
			if (key !== undefined) {
				if (seen.has(key)) return;
				remember(key);
			}
			next(delivered);
		},
	});
}
