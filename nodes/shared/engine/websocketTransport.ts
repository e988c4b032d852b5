import { isUtf8 } from 'node:buffer';
import type net from 'node:net';

import { describeError, StreamFailure } from './errors';
import { proxyAgentFor } from './proxy';
import {
	abortFailure,
	resolveUrl,
	type CloseInfo,
	type Connection,
	type ConnectionHandlers,
	type OpenOptions,
	type Transport,
	type TransportOptions,
} from './transport';
import { closeBody, CLOSE_CODE, encodeFrame, FrameReader, OPCODE, type FrameSink } from './websocketFrames';
import { upgrade, UpgradeRefused } from './websocketHandshake';

/**
 * How long a graceful close may take before the socket is torn down: a venue that has not
 * answered our close by then is not going to, and closing a trigger must not wait a second.
 */
const CLOSE_GRACE_MS = 500;

const NOT_UTF8 = 'not valid UTF-8 text';
const REPLACEMENT_CHARACTER = '\uFFFD';
/** An empty payload (encodeFrame only reads it). */
const EMPTY = Buffer.alloc(0);

/**
 * WebSocket transport: the opening handshake (websocketHandshake.ts) and the framing
 * (websocketFrames.ts) over a socket of its own, through n8n's proxy when the environment names one
 * (proxy.ts). A venue's pings are answered with the same payload; pings and pongs both count as
 * signs of life.
 *
 * Frames are limited at the socket: a message above the engine's frame limit is refused from its
 * header instead of being buffered whole. The protocol then allows only closing the connection
 * with 1009 (a message cannot be skipped): the frame is reported as dropped and the close as an
 * ordinary transient failure, so the engine reconnects with backoff and the next item carries both
 * in its gap.
 */
export class WebSocketTransport implements Transport {
	/** The last URL connected to, redacted (before the first connection: the configured one, if fixed). */
	endpoint: string;

	constructor(private readonly options: TransportOptions) {
		this.endpoint = typeof options.url === 'string' ? options.redactor.text(options.url) : '(URL from login)';
	}

	async open(handlers: ConnectionHandlers, options: OpenOptions): Promise<Connection> {
		// A login or token renewal behind the URL gets the connect timeout too, and ends on stop.
		const url = await resolveUrl(this.options, options.timeoutMs, options.signal);
		this.endpoint = this.options.redactor.text(url);
		const socket = await this.connect(new URL(url), options);
		return new WebSocketConnection(socket, handlers, options.maxFrameBytes, this.options.redactor.text.bind(this.options.redactor));
	}

	private async connect(url: URL, { timeoutMs, signal }: OpenOptions): Promise<{ socket: net.Socket; head: Buffer }> {
		if (signal.aborted) throw abortFailure(signal);
		// Read before the attempt: a proxy setting that is not a URL is refused as it is.
		const agent = proxyAgentFor(url, timeoutMs);
		const attempt = new AbortController();
		const timer = setTimeout(
			() => attempt.abort(new StreamFailure('timeout', `no connection to ${this.endpoint} within ${timeoutMs} ms`)),
			timeoutMs,
		);
		// Stopping while the upgrade is unanswered: give up now, not at the timeout.
		const onStop = () => attempt.abort(abortFailure(signal));
		signal.addEventListener('abort', onStop, { once: true });
		try {
			return await upgrade(url, { headers: this.options.headers, agent, signal: attempt.signal });
		} catch (error) {
			throw this.failureOf(error, attempt.signal);
		} finally {
			clearTimeout(timer);
			signal.removeEventListener('abort', onStop);
		}
	}

	private failureOf(error: unknown, attempt: AbortSignal): StreamFailure {
		if (attempt.aborted && attempt.reason instanceof StreamFailure) return attempt.reason;
		if (error instanceof UpgradeRefused) {
			const kind = error.status === 401 || error.status === 403 ? 'auth' : 'unreachable';
			const verdict = kind === 'auth' ? 'refused the credentials' : 'did not accept the WebSocket upgrade';
			return new StreamFailure(kind, `${this.endpoint} ${verdict} (HTTP ${error.status})`, { httpStatus: error.status });
		}
		return new StreamFailure('unreachable', `cannot connect to ${this.endpoint}: ${this.options.redactor.text(describeError(error))}`);
	}
}

/** One open WebSocket: frames in to the engine's handlers, frames out, and the closing handshake. */
class WebSocketConnection implements Connection, FrameSink {
	private readonly socket: net.Socket;
	private readonly reader: FrameReader;
	private open = true;
	private localCloseReason: string | undefined;
	private tooBig = false;
	private lastError: string | undefined;
	private closeFrame: { code: number; reason: Buffer } | undefined;
	private graceTimer: NodeJS.Timeout | undefined;

	constructor(
		{ socket, head }: { socket: net.Socket; head: Buffer },
		private readonly handlers: ConnectionHandlers,
		private readonly maxFrameBytes: number,
		private readonly redact: (text: string) => string,
	) {
		this.socket = socket;
		this.reader = new FrameReader(maxFrameBytes, this);
		// The first frames may have come with the upgrade's answer: read them like any others, after
		// the connection is handed over.
		if (head.length > 0) socket.unshift(head);
		socket.on('data', (chunk: Buffer) => this.reader.push(chunk));
		socket.on('error', (error) => {
			this.lastError = redact(describeError(error));
		});
		socket.on('close', () => this.closed());
	}

	send(message: unknown): boolean {
		const text = typeof message === 'string' ? message : JSON.stringify(message);
		return this.write(OPCODE.text, Buffer.from(text));
	}

	sendProtocolPing(): boolean {
		return this.write(OPCODE.ping, EMPTY);
	}

	close(reason: string): void {
		if (this.localCloseReason !== undefined) return;
		this.localCloseReason = reason;
		this.sendClose(CLOSE_CODE.normal);
		this.endWithin(CLOSE_GRACE_MS);
	}

	terminate(reason: string): void {
		this.localCloseReason ??= reason;
		this.open = false;
		this.socket.destroy();
	}

	/**
	 * Decoding turns every invalid UTF-8 sequence into U+FFFD, so only a text that has one needs its
	 * bytes checked (a venue may send U+FFFD itself): one pass over the bytes for every other frame.
	 * The search is free on the usual frame, whose text V8 keeps one byte per character and so cannot
	 * hold U+FFFD. An invalid frame's text, replacement characters and all, is its log excerpt.
	 */
	onMessage(source: Buffer, start: number, end: number): void {
		// No encoding named: Node's toString then goes straight to UTF-8, without looking the name up.
		const text = source.toString(undefined, start, end);
		if (text.includes(REPLACEMENT_CHARACTER) && !isUtf8(source.subarray(start, end)))
			this.handlers.onUnreadableFrame(NOT_UTF8, text, end - start);
		else this.handlers.onFrame(text, end - start);
	}

	onPing(payload: Buffer): void {
		this.write(OPCODE.pong, payload);
		this.handlers.onActivity();
	}

	onPong(): void {
		this.handlers.onActivity();
	}

	onClose(code: number, reason: Buffer): void {
		this.closeFrame = { code, reason };
		// Answer the venue's close (with its code, as §5.5.1 asks), unless ours went first.
		this.sendClose(code === CLOSE_CODE.noStatus ? undefined : code);
		this.socket.end();
		this.endWithin(CLOSE_GRACE_MS);
	}

	onTooBig(): void {
		// Refused from the frame's header: nothing of it was buffered. Say 1009 and cut the socket now
		// rather than download the rest of the frame (tens of megabytes) waiting for the venue's answer.
		this.tooBig = true;
		this.handlers.onOversizedFrame();
		this.sendClose(CLOSE_CODE.tooBig);
		this.socket.destroy();
	}

	onProtocolError(reason: string): void {
		this.lastError = `the venue broke the WebSocket protocol: ${reason}`;
		this.sendClose(CLOSE_CODE.protocolError);
		this.socket.end();
		this.endWithin(CLOSE_GRACE_MS);
	}

	/** A frame out, while the connection is open and the socket takes writes; false otherwise. */
	private write(opcode: number, payload: Buffer): boolean {
		if (!this.open || !this.socket.writable) return false;
		this.socket.write(encodeFrame(opcode, payload));
		return true;
	}

	/** Our close frame, once: no frame goes out after it. */
	private sendClose(code: number | undefined): void {
		this.write(OPCODE.close, code === undefined ? EMPTY : closeBody(code));
		this.open = false;
	}

	/** A venue that has not closed its side by then is not going to: the socket is torn down. */
	private endWithin(ms: number): void {
		this.graceTimer ??= setTimeout(() => this.socket.destroy(), ms);
	}

	private closed(): void {
		clearTimeout(this.graceTimer);
		this.open = false;
		const code = this.tooBig ? CLOSE_CODE.tooBig : (this.closeFrame?.code ?? 1006);
		const said = this.closeFrame ? this.redact(this.closeFrame.reason.toString('utf8')) : '';
		const reason =
			this.localCloseReason ??
			(this.tooBig
				? `closed with 1009 after a frame above ${this.maxFrameBytes} bytes`
				: `closed by the venue (code ${code}${said ? `: ${said}` : ''}${this.lastError ? `; ${this.lastError}` : ''})`);
		const info: CloseInfo = { reason, code, initiatedLocally: this.localCloseReason !== undefined };
		this.handlers.onClose(info);
	}
}
