import { scopedDeduplicationKey, ScopedDeduplicationKeys } from '../../nodes/shared/delivery/deduplicationKeys';
import { deduplicationKeyOf, type Delivered } from '../../nodes/shared/items';

function delivered(venue: string, event: string, fields: Partial<Delivered>): Delivered {
	return {
		item: {
			venue,
			source: 'websocket',
			event,
			data: {},
			receivedAt: '2026-12-06T00:00:00.000Z',
			connection: { id: 1, sequence: 1 },
			gap: null,
		},
		...fields,
	};
}

describe('deduplication keys handed to n8n', () => {
	it('are scoped to the workflow and node, so two workflows never suppress each other', () => {
		expect(scopedDeduplicationKey('wf1:nodeA', 'totalis:accepted:q1')).toBe('wf1:nodeA:totalis:accepted:q1');
		expect(scopedDeduplicationKey('wf2:nodeA', 'totalis:accepted:q1')).not.toBe(scopedDeduplicationKey('wf1:nodeA', 'totalis:accepted:q1'));
	});

	it("fit n8n's 255-character column, staying distinct when hashed", () => {
		const long = scopedDeduplicationKey('wf1:nodeA', `totalis:accepted:${'x'.repeat(300)}`);
		const other = scopedDeduplicationKey('wf1:nodeA', `totalis:accepted:${'x'.repeat(299)}y`);
		expect(long).toMatch(/^[0-9a-f]{64}$/);
		expect(other).not.toBe(long);
	});

	it("a trigger's keys are the event's key scoped, whether the venue gave it or said how to make it", () => {
		const keys = new ScopedDeduplicationKeys('wf1:nodeA');
		const events = [
			delivered('totalis', 'quote:created', { key: 'q1', deduplicatedByKey: true }),
			delivered('totalis', 'quote:created', { key: 'q2', deduplicatedByKey: true }),
			delivered('totalis', 'quote:accepted', { key: 'q1', deduplicationKey: 'totalis:accepted:q1' }),
			delivered('totalis', 'quote:cancelled', { key: 'q1' }),
			delivered('totalis', 'quote:created', { deduplicatedByKey: true }),
			delivered('totalis', 'quote:created', { key: 'x'.repeat(300), deduplicatedByKey: true }),
		];
		const expected = events.map((event) => {
			const bare = deduplicationKeyOf(event);
			return bare === undefined ? undefined : scopedDeduplicationKey('wf1:nodeA', bare);
		});
		expect(events.map((event) => keys.of(event))).toEqual(expected);
		expect(expected.slice(0, 5)).toEqual([
			'wf1:nodeA:totalis:quote:created:q1',
			'wf1:nodeA:totalis:quote:created:q2',
			'wf1:nodeA:totalis:accepted:q1',
			undefined,
			undefined,
		]);
		expect(expected[5]).toMatch(/^[0-9a-f]{64}$/);
	});

	it('stay right past the kept prefixes, for event names a venue invents and for another venue', () => {
		const keys = new ScopedDeduplicationKeys('wf1:nodeA');
		for (let index = 0; index < 200; index++) {
			expect(keys.of(delivered('helio', `made-up:${index}`, { key: 'k', deduplicatedByKey: true }))).toBe(
				`wf1:nodeA:helio:made-up:${index}:k`,
			);
		}
		expect(keys.of(delivered('helio', 'made-up:3', { key: 'k2', deduplicatedByKey: true }))).toBe('wf1:nodeA:helio:made-up:3:k2');
		expect(keys.of(delivered('totalis', 'made-up:3', { key: 'k', deduplicatedByKey: true }))).toBe('wf1:nodeA:totalis:made-up:3:k');
	});
});
