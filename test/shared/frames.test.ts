/** The engine's first step per frame: the size limit, then JSON. */
import { decodeFrame } from '../../nodes/shared/engine/frames';

describe('decodeFrame', () => {
	it('parses a frame, and refuses an oversized or broken one with the reason', () => {
		const frame = decodeFrame('{"type":"quote:created","data":{"quote_id":"q1"}}', 49, undefined, 1000);
		expect(frame).toEqual({
			value: { type: 'quote:created', data: { quote_id: 'q1' } },
			text: '{"type":"quote:created","data":{"quote_id":"q1"}}',
			bytes: 49,
			eventName: undefined,
		});
		expect(decodeFrame('', 0, 'keepalive', 1000)).toEqual({ value: null, text: '', bytes: 0, eventName: 'keepalive' });
		expect(decodeFrame('{}', 2000, undefined, 1000)).toBe('frame of 2000 bytes exceeds the 1000-byte limit');
		expect(decodeFrame('{"type":', 8, undefined, 1000)).toMatch(/^not JSON: /);
	});
});
