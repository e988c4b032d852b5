import { SseParser } from '../../nodes/shared/engine/sseTransport';
import type { RawFrame } from '../../nodes/shared/engine/transport';

describe('SseParser', () => {
	function parser(maxLineChars = 1024 * 1024) {
		const seen = { frames: [] as RawFrame[], activity: 0, oversized: 0 };
		const parse = new SseParser(
			{
				onFrame: (text, bytes, eventName) => seen.frames.push({ text, bytes, eventName }),
				onActivity: () => seen.activity++,
				onOversizedFrame: () => seen.oversized++,
			},
			maxLineChars,
		);
		return { parse, seen };
	}

	function parse(chunks: string[], maxLineChars?: number) {
		const { parse: sse, seen } = parser(maxLineChars);
		for (const chunk of chunks) sse.push(chunk);
		return seen;
	}

	it('splits events on blank lines, across chunk boundaries and CRLF line ends', () => {
		const { frames } = parse(['event: quote_request\r\nid: 7\r\ndata: {"id":', '"r1"}\r\n\r\nevent: snap', 'shot_complete\ndata:\n\n']);
		expect(frames).toEqual([
			{ eventName: 'quote_request', text: '{"id":"r1"}', bytes: 11 },
			{ eventName: 'snapshot_complete', text: '', bytes: 0 },
		]);
	});

	it('joins multi-line data, ignores comments but counts them as activity, defaults the name to message', () => {
		const { frames, activity } = parse([': keepalive\n\n', 'data: line one\ndata: line two\n\n']);
		expect(frames).toEqual([{ eventName: 'message', text: 'line one\nline two', bytes: 17 }]);
		expect(activity).toBe(2);
	});

	it('reads a line that arrives a character at a time', () => {
		const text = 'event: quote_request\ndata: {"id":"slow"}\n\n';
		const { frames } = parse([...text]);
		expect(frames).toEqual([{ eventName: 'quote_request', text: '{"id":"slow"}', bytes: 13 }]);
	});

	it('drops a line above the limit once it passes the limit, discards it up to its line end and drops its event', () => {
		const { parse: sse, seen } = parser(100);
		sse.push('event: quote_request\nid: 1\ndata: ');
		sse.push('x'.repeat(60));
		expect(seen.oversized).toBe(0);
		sse.push('x'.repeat(60));
		// Reported as soon as it is too long, not when (or if) its line end comes.
		expect(seen.oversized).toBe(1);
		expect(sse.pendingChars).toBe(0);
		sse.push('x'.repeat(500));
		sse.push(`${'x'.repeat(10)}\nid: 2\n\nevent: quote_request\ndata: {"id":"after"}\n\n`);
		expect(seen.oversized).toBe(1);
		expect(seen.frames).toEqual([{ eventName: 'quote_request', text: '{"id":"after"}', bytes: 14 }]);
	});

	it('keeps what it holds of an unterminated line within the limit however much arrives', () => {
		const limit = 1024 * 1024;
		const { parse: sse, seen } = parser(limit);
		sse.push('data: ');
		const chunk = 'x'.repeat(64 * 1024);
		// 16 MB without a line end, as a broken venue sent it: bounded, and reported once.
		for (let i = 0; i < 256; i++) {
			sse.push(chunk);
			expect(sse.pendingChars).toBeLessThanOrEqual(limit);
		}
		expect(seen.oversized).toBe(1);
		sse.push('\n\ndata: {"ok":true}\n\n');
		expect(seen.frames).toEqual([{ eventName: 'message', text: '{"ok":true}', bytes: 11 }]);
	});

	it('does not count a chunk that only continues a dropped line as a sign of life', () => {
		const { parse: sse, seen } = parser(10);
		sse.push('data: 0123456789');
		expect(seen.activity).toBe(1);
		sse.push('x'.repeat(100));
		sse.push('x'.repeat(100));
		expect(seen.activity).toBe(1);
		sse.push('x\n: keepalive\n\n');
		expect(seen.activity).toBe(2);
	});

	it('drops an event whose data lines together are above the limit, and reads the next one', () => {
		const { parse: sse, seen } = parser(20);
		sse.push(`event: big\n${'data: 0123456789\n'.repeat(3)}\nevent: small\ndata: {}\n\n`);
		expect(seen.oversized).toBe(1);
		expect(seen.frames).toEqual([{ eventName: 'small', text: '{}', bytes: 2 }]);
	});
});
