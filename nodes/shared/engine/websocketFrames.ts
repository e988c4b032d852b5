import { randomFillSync } from 'node:crypto';

/**
 * The WebSocket framing of a client (RFC 6455 §5): a reader for the frames a venue sends and the
 * encoding of the frames we send. The reader is the hot path of every WebSocket trigger: a whole
 * message inside one socket read is handed on as that read's buffer and the message's bounds, with
 * no buffer, event or stream step of its own (measured in docs/performance.md, "The thirteenth
 * round"). Only a message split across reads or fragments is copied, once, when it is complete.
 */

export const OPCODE = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

/** Close codes (§7.4.1): those this side sends, and 1005, which stands for a close frame that gave none. */
export const CLOSE_CODE = { normal: 1000, protocolError: 1002, tooBig: 1009, noStatus: 1005 } as const;

/** Control frames carry at most 125 bytes and are never fragmented (§5.5). */
const MAX_CONTROL_PAYLOAD = 125;

export interface FrameSink {
	/** A whole text or binary message: its bytes are `source[start, end)`, valid only during the call. */
	onMessage(source: Buffer, start: number, end: number): void;
	onPing(payload: Buffer): void;
	onPong(): void;
	/** The venue's close frame: its code (1005 when it gave none) and reason bytes. */
	onClose(code: number, reason: Buffer): void;
	/** A message longer than the limit, seen from its header: nothing of it was buffered. */
	onTooBig(): void;
	/** The venue broke the protocol; the connection must be closed with 1002. */
	onProtocolError(reason: string): void;
}

/** A frame's header, once all of it has arrived. */
interface Header {
	fin: boolean;
	opcode: number;
	/** Header bytes (2, 4 or 10: a venue's frames are not masked). */
	size: number;
	length: number;
}

/**
 * Reads the header at `at` into `into`: true, false while its bytes have not all arrived, or why
 * it is refused. One header object serves every frame, so reading one allocates nothing.
 */
function readHeader(source: Buffer, at: number, end: number, into: Header): boolean | string {
	if (end - at < 2) return false;
	const first = source[at];
	const second = source[at + 1];
	if ((first & 0x70) !== 0) return 'a frame with RSV bits set (no extension was agreed)';
	if ((second & 0x80) !== 0) return 'a masked frame (a server must not mask)';
	let length = second & 0x7f;
	let size = 2;
	if (length === 126) {
		if (end - at < 4) return false;
		length = source.readUInt16BE(at + 2);
		size = 4;
	} else if (length === 127) {
		if (end - at < 10) return false;
		const high = source.readUInt32BE(at + 2);
		if (high > 0x1fffff) return 'a frame longer than 2^53 bytes';
		length = high * 0x1_0000_0000 + source.readUInt32BE(at + 6);
		size = 10;
	}
	into.fin = (first & 0x80) !== 0;
	into.opcode = first & 0x0f;
	into.size = size;
	into.length = length;
	return true;
}

/**
 * Turns the bytes of a venue's socket into messages and control frames. After a protocol error or
 * a message above the limit it reads nothing more: the connection is being closed.
 */
export class FrameReader {
	/** The unfinished frame's bytes so far, across socket reads. */
	private carried: Buffer[] = [];
	private carriedBytes = 0;
	/** The unfinished frame's header, when all of it has arrived. */
	private carriedHeader: Header | undefined;
	/** A fragmented message's payloads so far (its first frame's opcode was text or binary). */
	private fragments: Buffer[] = [];
	private fragmentBytes = 0;
	private inMessage = false;
	private stopped = false;
	private readonly header: Header = { fin: false, opcode: 0, size: 0, length: 0 };

	constructor(
		private readonly maxMessageBytes: number,
		private readonly sink: FrameSink,
	) {}

	push(chunk: Buffer): void {
		if (this.stopped) return;
		let at = 0;
		if (this.carriedBytes > 0) {
			if (!this.carriedHeader) {
				// Only a header's few bytes are carried: read on from them joined to this chunk.
				const joined = Buffer.concat([...this.carried, chunk]);
				this.dropCarried();
				this.push(joined);
				return;
			}
			at = this.finishCarried(this.carriedHeader, chunk);
			if (at < 0) return;
		}
		const end = chunk.length;
		while (at < end && !this.stopped) {
			const header = this.header;
			const read = readHeader(chunk, at, end, header);
			if (read === false) break;
			if (read !== true) {
				this.fail(read);
				return;
			}
			if (!this.admits(header)) return;
			const frameEnd = at + header.size + header.length;
			if (frameEnd > end) {
				this.carriedHeader = { ...header };
				break;
			}
			this.frame(header, chunk, at + header.size, frameEnd);
			at = frameEnd;
		}
		if (at < end && !this.stopped) {
			this.carried.push(chunk.subarray(at));
			this.carriedBytes += end - at;
		}
	}

	/** Completes the carried frame from this chunk: where the chunk's next frame starts, or -1 if it took it all. */
	private finishCarried(header: Header, chunk: Buffer): number {
		const total = header.size + header.length;
		const needed = total - this.carriedBytes;
		if (chunk.length < needed) {
			this.carried.push(chunk);
			this.carriedBytes += chunk.length;
			return -1;
		}
		const frame = Buffer.concat([...this.carried, chunk.subarray(0, needed)], total);
		this.dropCarried();
		this.frame(header, frame, header.size, total);
		return needed;
	}

	private dropCarried(): void {
		this.carried = [];
		this.carriedBytes = 0;
		this.carriedHeader = undefined;
	}

	/** Checks a header before its payload is read: a bad one ends the reading. */
	private admits({ fin, opcode, length }: Header): boolean {
		switch (opcode) {
			case OPCODE.close:
			case OPCODE.ping:
			case OPCODE.pong:
				if (!fin || length > MAX_CONTROL_PAYLOAD) return this.fail('a control frame fragmented or above 125 bytes');
				return true;
			case OPCODE.text:
			case OPCODE.binary:
				if (this.inMessage) return this.fail('a new message before the fragmented one ended');
				break;
			case OPCODE.continuation:
				if (!this.inMessage) return this.fail('a continuation frame outside a fragmented message');
				break;
			default:
				return this.fail(`a frame with the unknown opcode ${opcode}`);
		}
		// readHeader has refused lengths past 2^53 already: every length here is counted exactly.
		if (this.fragmentBytes + length > this.maxMessageBytes) {
			this.stopped = true;
			this.sink.onTooBig();
			return false;
		}
		return true;
	}

	private frame({ fin, opcode }: Header, source: Buffer, start: number, end: number): void {
		switch (opcode) {
			case OPCODE.text:
			case OPCODE.binary:
				if (fin) return this.sink.onMessage(source, start, end);
				this.inMessage = true;
				return this.addFragment(source, start, end);
			case OPCODE.continuation:
				this.addFragment(source, start, end);
				if (fin) this.finishFragments();
				return;
			case OPCODE.ping:
				return this.sink.onPing(Buffer.from(source.subarray(start, end)));
			case OPCODE.pong:
				return this.sink.onPong();
			case OPCODE.close:
				return this.closeFrame(source, start, end);
		}
	}

	private addFragment(source: Buffer, start: number, end: number): void {
		// A socket read is a buffer of its own, never reused: keeping a view of it is safe.
		this.fragments.push(source.subarray(start, end));
		this.fragmentBytes += end - start;
	}

	private finishFragments(): void {
		const message = Buffer.concat(this.fragments, this.fragmentBytes);
		this.fragments = [];
		this.fragmentBytes = 0;
		this.inMessage = false;
		this.sink.onMessage(message, 0, message.length);
	}

	private closeFrame(source: Buffer, start: number, end: number): void {
		this.stopped = true;
		const length = end - start;
		if (length === 0) return this.sink.onClose(CLOSE_CODE.noStatus, Buffer.alloc(0));
		if (length === 1) return void this.fail('a close frame with a one-byte body');
		this.sink.onClose(source.readUInt16BE(start), Buffer.from(source.subarray(start + 2, end)));
	}

	private fail(reason: string): false {
		this.stopped = true;
		this.sink.onProtocolError(reason);
		return false;
	}
}

/** One client frame, masked as a client's must be (§5.3). */
export function encodeFrame(opcode: number, payload: Buffer): Buffer {
	const length = payload.length;
	const size = length < 126 ? 2 : length < 0x10000 ? 4 : 10;
	const frame = Buffer.allocUnsafe(size + 4 + length);
	frame[0] = 0x80 | opcode;
	if (size === 2) frame[1] = 0x80 | length;
	else if (size === 4) {
		frame[1] = 0x80 | 126;
		frame.writeUInt16BE(length, 2);
	} else {
		frame[1] = 0x80 | 127;
		frame.writeUInt32BE(Math.floor(length / 0x1_0000_0000), 2);
		frame.writeUInt32BE(length >>> 0, 6);
	}
	const mask = frame.subarray(size, size + 4);
	randomFillSync(mask);
	for (let i = 0; i < length; i++) frame[size + 4 + i] = payload[i] ^ mask[i & 3];
	return frame;
}

/** Our close frame's body: the code alone (a reason is optional, and ours would say nothing to a venue). */
export function closeBody(code: number): Buffer {
	const body = Buffer.alloc(2);
	body.writeUInt16BE(code, 0);
	return body;
}
