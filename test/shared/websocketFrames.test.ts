import type { Writable } from 'node:stream';

import WebSocket from 'ws';

import { encodeFrame, FrameReader, OPCODE, type FrameSink } from '../../nodes/shared/engine/websocketFrames';

/** ws's own frame reader: exported by ws, though not named in its types. */
const { Receiver } = WebSocket as unknown as { Receiver: new (options: { isServer: boolean }) => Writable };

/** A frame as a venue sends it: unmasked. */
function serverFrame(opcode: number, payload: Buffer | string, { fin = true, rsv = 0 } = {}): Buffer {
	const body = Buffer.from(payload);
	const length = body.length;
	const size = length < 126 ? 2 : length < 0x10000 ? 4 : 10;
	const head = Buffer.alloc(size);
	head[0] = (fin ? 0x80 : 0) | rsv | opcode;
	if (size === 2) head[1] = length;
	else if (size === 4) {
		head[1] = 126;
		head.writeUInt16BE(length, 2);
	} else {
		head[1] = 127;
		head.writeBigUInt64BE(BigInt(length), 2);
	}
	return Buffer.concat([head, body]);
}

function closeFrame(code: number, reason: string): Buffer {
	const body = Buffer.alloc(2 + Buffer.byteLength(reason));
	body.writeUInt16BE(code, 0);
	body.write(reason, 2);
	return serverFrame(OPCODE.close, body);
}

/** Reads a stream of bytes cut into the given chunks, and returns what the reader said, in order. */
function read(chunks: Buffer[], maxMessageBytes = 1 << 20): string[] {
	const said: string[] = [];
	const sink: FrameSink = {
		onMessage: (source, start, end) => said.push(`message ${source.toString('utf8', start, end)}`),
		onPing: (payload) => said.push(`ping ${payload.toString()}`),
		onPong: () => said.push('pong'),
		onClose: (code, reason) => said.push(`close ${code} ${reason.toString()}`),
		onTooBig: () => said.push('too big'),
		onProtocolError: (reason) => said.push(`protocol error: ${reason}`),
	};
	const reader = new FrameReader(maxMessageBytes, sink);
	for (const chunk of chunks) reader.push(chunk);
	return said;
}

/** Cuts bytes at the given offsets. */
function cut(bytes: Buffer, offsets: number[]): Buffer[] {
	const points = [0, ...offsets, bytes.length];
	return points.slice(1).map((end, i) => Buffer.from(bytes.subarray(points[i], end)));
}

const medium = 'm'.repeat(300); // a 16-bit length
const large = 'L'.repeat(70_000); // a 64-bit length
const stream = Buffer.concat([
	serverFrame(OPCODE.text, '{"type":"a"}'),
	serverFrame(OPCODE.text, medium),
	serverFrame(OPCODE.text, 'frag-', { fin: false }),
	serverFrame(OPCODE.ping, 'keepalive'),
	serverFrame(OPCODE.continuation, 'ment', { fin: false }),
	serverFrame(OPCODE.pong, ''),
	serverFrame(OPCODE.continuation, 'ed', { fin: true }),
	serverFrame(OPCODE.binary, 'binary text'),
	serverFrame(OPCODE.text, large),
	serverFrame(OPCODE.text, 'é→😀'),
	serverFrame(OPCODE.text, ''),
	closeFrame(4003, 'too many sessions'),
]);
const expected = [
	'message {"type":"a"}',
	`message ${medium}`,
	'ping keepalive',
	'pong',
	'message frag-mented',
	'message binary text',
	`message ${large}`,
	'message é→😀',
	'message ',
	'close 4003 too many sessions',
];

describe('FrameReader: messages and control frames from a venue', () => {
	it('reads a stream in one chunk: every length form, fragments with control frames between them, close', () => {
		expect(read([stream])).toEqual(expected);
	});

	it('reads the same whatever the socket reads cut: at every offset of the small frames, and byte by byte', () => {
		// Every single cut through the frames before the large one (headers, payloads, fragments).
		const beforeLarge = stream.indexOf(Buffer.from('L'));
		for (let offset = 1; offset < beforeLarge + 12; offset++) expect(read(cut(stream, [offset]))).toEqual(expected);
		// Two cuts inside the large frame's header and payload, then one byte at a time.
		expect(read(cut(stream, [beforeLarge - 7, beforeLarge - 3, beforeLarge + 40_000]))).toEqual(expected);
		const bytes = [...Array(stream.length - 1).keys()].map((i) => i + 1);
		expect(read(cut(stream, bytes))).toEqual(expected);
	});

	it('refuses a message above the limit from its header alone, before its payload arrives', () => {
		const header = serverFrame(OPCODE.text, 'x'.repeat(2000)).subarray(0, 4);
		expect(read([serverFrame(OPCODE.text, 'ok'), header], 1000)).toEqual(['message ok', 'too big']);
		// A fragmented message is counted whole: the second fragment's header passes the limit.
		const fragments = [
			serverFrame(OPCODE.text, 'a'.repeat(600), { fin: false }),
			serverFrame(OPCODE.continuation, 'b'.repeat(600)).subarray(0, 4),
		];
		expect(read(fragments, 1000)).toEqual(['too big']);
		// At the limit is allowed.
		expect(read([serverFrame(OPCODE.text, 'c'.repeat(1000))], 1000)).toEqual([`message ${'c'.repeat(1000)}`]);
	});

	it.each([
		['a masked frame', Buffer.from([0x81, 0x82, 1, 2, 3, 4, 0x68 ^ 1, 0x69 ^ 2]), /masked frame/],
		['RSV bits without an extension', serverFrame(OPCODE.text, 'x', { rsv: 0x40 }), /RSV bits/],
		['an unknown opcode', serverFrame(0x3, 'x'), /unknown opcode 3/],
		['a continuation with no message begun', serverFrame(OPCODE.continuation, 'x'), /continuation frame outside/],
		[
			'a new message inside a fragmented one',
			Buffer.concat([serverFrame(OPCODE.text, 'a', { fin: false }), serverFrame(OPCODE.text, 'b')]),
			/new message before the fragmented one ended/,
		],
		['a control frame above 125 bytes', serverFrame(OPCODE.ping, 'p'.repeat(126)), /control frame/],
		['a fragmented control frame', serverFrame(OPCODE.ping, 'p', { fin: false }), /control frame/],
		['a close frame with a one-byte body', serverFrame(OPCODE.close, 'x'), /one-byte body/],
	])('stops at %s, naming it, and reads nothing after', (_name, bad, reason) => {
		const said = read([Buffer.concat([bad, serverFrame(OPCODE.text, 'after')])]);
		expect(said).toHaveLength(1);
		expect(said[0]).toMatch(reason);
	});

	it('reads a close frame without a code as 1005, and nothing after a close', () => {
		expect(read([Buffer.concat([serverFrame(OPCODE.close, ''), serverFrame(OPCODE.text, 'late')])])).toEqual(['close 1005 ']);
	});
});

describe('encodeFrame: what we send', () => {
	it.each([0, 5, 125, 126, 65_535, 65_536, 200_000])('a masked frame of %i bytes that a server (ws) reads back', async (length) => {
		const payload = Buffer.from('é'.repeat(Math.floor(length / 2)) + (length % 2 ? 'x' : ''));
		expect(payload.length).toBe(length);
		const frame = encodeFrame(OPCODE.text, payload);
		expect(frame[1] & 0x80).toBe(0x80);
		// ws's own reader, as a server: it refuses an unmasked client frame.
		const receiver = new Receiver({ isServer: true });
		const message = new Promise<Buffer>((resolve, reject) => {
			receiver.on('message', (data: Buffer) => resolve(data));
			receiver.on('error', reject);
		});
		receiver.write(frame);
		expect((await message).equals(payload)).toBe(true);
	});
});
