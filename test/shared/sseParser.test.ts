import { SseParser } from '../../nodes/shared/engine/sseTransport';
import type { RawFrame } from '../../nodes/shared/engine/transport';

describe('SseParser', () => {
	function parse(chunks: string[]) {
		const frames: RawFrame[] = [];
		let activity = 0;
		const parser = new SseParser({ onFrame: (frame) => frames.push(frame), onActivity: () => activity++ });
		for (const chunk of chunks) parser.push(chunk);
		return { frames, activity };
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
});
