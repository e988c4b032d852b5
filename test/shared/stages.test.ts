/**
 * Filters between the engine and delivery drop events, never what those events reported: the gap
 * of a dropped item (a reconnect, dropped frames) moves to the next item that passes.
 */
import { carryingDroppedGaps, chainStages, eventFilter } from '../../nodes/shared/delivery/stages';
import type { Gap } from '../../nodes/shared/engine/gap';
import type { Delivered } from '../../nodes/shared/items';

const gap = (reason: string, reconnects = 1): Gap => ({
	reconnects,
	droppedFrames: 0,
	reasons: [reason],
	since: '2026-12-05T12:00:00.000Z',
});

function delivered(event: string, itemGap: Gap | null = null): Delivered {
	return {
		item: {
			venue: 'test',
			source: 'test',
			event,
			data: {},
			receivedAt: '2026-12-05T12:00:01.000Z',
			connection: { id: 1, sequence: 1 },
			gap: itemGap,
		},
	};
}

function run(stage: ReturnType<typeof eventFilter>, inputs: Delivered[]) {
	const out: Delivered[] = [];
	const push = chainStages([stage], (passed) => out.push(passed));
	for (const input of inputs) push(input);
	return out;
}

describe('filters keep the gaps of what they drop', () => {
	it('moves a dropped item’s gap to the next item that passes', () => {
		const out = run(eventFilter(['wanted']), [delivered('unwanted', gap('connection lost')), delivered('wanted'), delivered('wanted')]);
		expect(out.map((d) => d.item.gap)).toEqual([gap('connection lost'), null]);
	});

	it('adds up the gaps of several dropped items and the passing item’s own', () => {
		const out = run(eventFilter(['wanted']), [
			delivered('unwanted', gap('first drop')),
			delivered('unwanted', gap('second drop', 2)),
			delivered('wanted', gap('third drop')),
		]);
		expect(out).toHaveLength(1);
		expect(out[0].item.gap).toMatchObject({ reconnects: 4, reasons: ['first drop', 'second drop', 'third drop'] });
	});

	it('leaves items alone when nothing was dropped, and wraps any synchronous filter', () => {
		const odd = carryingDroppedGaps({ push: (d, next) => (d.item.event.length % 2 === 1 ? next(d) : undefined) });
		const out = run(odd, [delivered('abc', gap('kept on its own item')), delivered('ab', gap('dropped')), delivered('abcde')]);
		expect(out.map((d) => d.item.gap?.reasons ?? null)).toEqual([['kept on its own item'], ['dropped']]);
	});
});
