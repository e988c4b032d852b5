/**
 * The engine's first step per frame, and the one object a frame of one event is made into: the
 * frame, then the Delivered record its event travels in.
 */
import { decodeFrame } from '../../nodes/shared/engine/frames';
import type { StreamItem } from '../../nodes/shared/items';

const ITEM: StreamItem = {
	venue: 'test',
	source: 'unit',
	event: 'quote:created',
	data: { quote_id: 'q1' },
	receivedAt: '2026-12-06T00:00:00.000Z',
	connection: { id: 1, sequence: 1 },
	gap: null,
};

describe('decodeFrame', () => {
	it('parses a frame, and refuses an oversized or broken one with the reason', () => {
		const frame = decodeFrame('{"type":"quote:created","data":{"quote_id":"q1"}}', 49, undefined, 1000);
		expect(frame).toMatchObject({ value: { type: 'quote:created', data: { quote_id: 'q1' } }, bytes: 49, eventName: undefined });
		expect(decodeFrame('', 0, 'keepalive', 1000)).toMatchObject({ value: null, eventName: 'keepalive' });
		expect(decodeFrame('{}', 2000, undefined, 1000)).toBe('frame of 2000 bytes exceeds the 1000-byte limit');
		expect(decodeFrame('{"type":', 8, undefined, 1000)).toMatch(/^not JSON: /);
	});

	it("becomes its one event's Delivered record, keeping the frame's size and letting go of its text and value", () => {
		const frame = decodeFrame('{"type":"quote:created","data":{"quote_id":"q1"}}', 49, undefined, 1000);
		if (typeof frame === 'string') throw new Error(frame);
		const delivered = frame.deliveredAs(ITEM, 'q1', undefined, true);
		expect(delivered).toBe(frame);
		expect(delivered).toMatchObject({ item: ITEM, key: 'q1', deduplicationKey: undefined, deduplicatedByKey: true, bytes: 49 });
		// A held record (an acceptance waiting for its partner) must not keep the frame alive as well.
		expect(frame.text).toBe('');
		expect(frame.value).toBeUndefined();
		// What a worker thread posts to the trigger (a structured clone) is the same record.
		expect(structuredClone(delivered)).toMatchObject({ item: ITEM, key: 'q1', deduplicatedByKey: true, bytes: 49 });
	});
});
