import http from 'node:http';
import https from 'node:https';

import { describeError, StreamFailure } from './errors';
import { proxyAgentFor } from './proxy';
import {
	abortFailure,
	resolveUrl,
	type Connection,
	type ConnectionHandlers,
	type OpenOptions,
	type Transport,
	type TransportOptions,
} from './transport';

/** The largest error body read from a refused stream request, for its message. */
const ERROR_BODY_LIMIT = 4096;

/**
 * Server-Sent Events over node:http(s): a long GET whose body is a stream of
 * `event:` / `data:` / `id:` fields separated by blank lines. Comments (`: keepalive`) are signs
 * of life. The stream cannot carry messages from us, so `send` returns false.
 */
export class SseTransport implements Transport {
	/** The last URL connected to, redacted (before the first connection: the configured one, if fixed). */
	endpoint: string;

	constructor(private readonly options: TransportOptions) {
		this.endpoint = typeof options.url === 'string' ? options.redactor.text(options.url) : '(URL from login)';
	}

	async open(handlers: ConnectionHandlers, options: OpenOptions): Promise<Connection> {
		// A login or token renewal behind the URL gets the connect timeout too, and ends on stop.
		const url = await resolveUrl(this.options, options.timeoutMs, options.signal);
		this.endpoint = this.options.redactor.text(url);
		return await this.connect(new URL(url), handlers, options);
	}

	private connect(url: URL, handlers: ConnectionHandlers, { timeoutMs, maxFrameBytes, signal }: OpenOptions): Promise<Connection> {
		const { redactor } = this.options;
		const client = url.protocol === 'https:' ? https : http;
		return new Promise((resolve, reject) => {
			if (signal.aborted) {
				reject(abortFailure(signal));
				return;
			}
			let settled = false;
			let localReason: string | undefined;
			let closed = false;

			let agent: ReturnType<typeof proxyAgentFor>;
			try {
				agent = proxyAgentFor(url, timeoutMs);
			} catch (error) {
				reject(error);
				return;
			}
			const request = client.request(url, {
				// Through n8n's proxy from the environment when it names one for this host (proxy.ts).
				...(agent ? { agent } : {}),
				method: 'GET',
				headers: { Accept: 'text/event-stream', 'Cache-Control': 'no-cache', ...this.options.headers },
			});

			const fail = (failure: StreamFailure) => {
				if (settled) return;
				settled = true;
				clearTimeout(openTimer);
				signal.removeEventListener('abort', onAbort);
				request.destroy();
				reject(failure);
			};
			const openTimer = setTimeout(
				() => fail(new StreamFailure('timeout', `no answer from ${this.endpoint} within ${timeoutMs} ms`)),
				timeoutMs,
			);
			// Stopping before the stream's response: give up now, not at the timeout.
			const onAbort = () => fail(abortFailure(signal));
			signal.addEventListener('abort', onAbort, { once: true });

			const reportClose = (reason: string) => {
				if (closed || !settled) return;
				closed = true;
				handlers.onClose({ reason: localReason ?? reason, initiatedLocally: localReason !== undefined });
			};

			request.on('error', (error) => {
				const said = redactor.text(describeError(error));
				if (!settled) fail(new StreamFailure('unreachable', `cannot connect to ${this.endpoint}: ${said}`));
				else reportClose(`stream failed: ${said}`);
			});

			request.on('response', (response) => {
				const status = response.statusCode ?? 0;
				const type = String(response.headers['content-type'] ?? '');
				if (status !== 200 || !type.includes('text/event-stream')) {
					readSome(response, (body) => {
						const kind = status === 401 || status === 403 ? 'auth' : 'unreachable';
						const said = redactor.text(explainErrorBody(body));
						fail(
							new StreamFailure(kind, `${this.endpoint} answered HTTP ${status}${said ? `: ${said}` : ''}`, {
								httpStatus: status,
							}),
						);
					});
					return;
				}
				settled = true;
				clearTimeout(openTimer);
				signal.removeEventListener('abort', onAbort);
				const parser = new SseParser(handlers, maxFrameBytes);
				response.setEncoding('utf8');
				response.on('data', (chunk: string) => parser.push(chunk));
				response.on('end', () => reportClose('the venue ended the stream'));
				response.on('close', () => reportClose('the stream closed'));
				response.on('error', (error) => reportClose(`stream failed: ${redactor.text(describeError(error))}`));
				resolve({
					send: () => false,
					sendProtocolPing: () => false,
					close(reason: string) {
						localReason ??= reason;
						request.destroy();
					},
					terminate(reason: string) {
						localReason ??= reason;
						request.destroy();
					},
				});
			});
			request.end();
		});
	}
}

/** The venue's own words from an error body: `{error:{code,message}}` or `{message}` when JSON, else the text. */
function explainErrorBody(body: string): string {
	try {
		const parsed = JSON.parse(body) as { error?: { code?: unknown; message?: unknown } | string; message?: unknown };
		const error = typeof parsed.error === 'object' ? parsed.error : undefined;
		const message = error?.message ?? parsed.message ?? parsed.error;
		if (typeof message === 'string') return error?.code ? `${String(error.code)}: ${message}` : message;
	} catch {
		// not JSON: fall through to the raw text
	}
	return body.trim().slice(0, 300);
}

function readSome(stream: http.IncomingMessage, done: (text: string) => void) {
	let text = '';
	stream.setEncoding('utf8');
	stream.on('data', (chunk: string) => {
		if (text.length < ERROR_BODY_LIMIT) text += chunk;
	});
	stream.on('end', () => done(text));
	stream.on('error', () => done(text));
}

/**
 * Incremental parser of the text/event-stream format, in time linear in what arrives and memory
 * bounded by `maxLineChars`:
 * - only a new chunk is searched for line ends; the unfinished line is kept as a list of pieces,
 *   joined once when its line end arrives (appending to one string and rescanning it from the
 *   start cost seconds of blocked event loop per megabyte of an unterminated line);
 * - a line longer than `maxLineChars`, or an event whose data lines add up to more, is dropped:
 *   reported once (`onOversizedFrame`), then everything up to the next line end is discarded and
 *   the event it belonged to is not dispatched. What was discarded is not a sign of life, so a
 *   stream stuck in an endless line is replaced by the watchdog like a silent one.
 *
 * Lengths are counted in UTF-16 units, never more than the UTF-8 bytes they stand for; the
 * engine checks the byte size of each dispatched event against the same limit.
 */
export class SseParser {
	/** Pieces of the line not yet ended, and their total length. */
	private pieces: string[] = [];
	private pieceChars = 0;
	/** The current line went over the limit: skip until its line end. */
	private discarding = false;
	/** The current event lost a line or went over the limit: drop it at its blank line. */
	private eventDropped = false;
	private eventName = '';
	private data: string[] = [];
	private dataChars = 0;

	constructor(
		private readonly handlers: Pick<ConnectionHandlers, 'onFrame' | 'onActivity' | 'onOversizedFrame'>,
		private readonly maxLineChars: number,
	) {}

	/** Characters of the unfinished line held now (at most the limit). */
	get pendingChars(): number {
		return this.pieceChars;
	}

	push(chunk: string) {
		let start = 0;
		let alive = !this.discarding;
		while (start < chunk.length) {
			const newline = chunk.indexOf('\n', start);
			const end = newline < 0 ? chunk.length : newline;
			if (!this.discarding) {
				alive = true;
				if (this.pieceChars + (end - start) > this.maxLineChars) this.dropLine();
				else if (end > start) {
					this.pieces.push(start === 0 && end === chunk.length ? chunk : chunk.slice(start, end));
					this.pieceChars += end - start;
				}
			}
			if (newline < 0) break;
			if (this.discarding) {
				// The line end of a dropped line: what follows is ordinary traffic again.
				this.discarding = false;
				alive = true;
			} else this.endLine();
			start = newline + 1;
		}
		if (alive) this.handlers.onActivity();
	}

	private dropLine() {
		this.discarding = true;
		this.pieces = [];
		this.pieceChars = 0;
		this.dropEvent();
	}

	private dropEvent() {
		if (!this.eventDropped) this.handlers.onOversizedFrame();
		this.eventDropped = true;
		this.data = [];
		this.dataChars = 0;
	}

	private endLine() {
		let line = this.pieces.length === 1 ? this.pieces[0] : this.pieces.join('');
		this.pieces = [];
		this.pieceChars = 0;
		if (line.endsWith('\r')) line = line.slice(0, -1);
		this.line(line);
	}

	private line(line: string) {
		if (line === '') {
			this.dispatch();
			return;
		}
		if (line.startsWith(':') || this.eventDropped) return;
		const colon = line.indexOf(':');
		const field = colon < 0 ? line : line.slice(0, colon);
		let value = colon < 0 ? '' : line.slice(colon + 1);
		if (value.startsWith(' ')) value = value.slice(1);
		if (field === 'event') this.eventName = value;
		else if (field === 'data') {
			// Data lines are joined with a line end: count it too.
			this.dataChars += value.length + (this.data.length > 0 ? 1 : 0);
			if (this.dataChars > this.maxLineChars) this.dropEvent();
			else this.data.push(value);
		}
	}

	private dispatch() {
		const dropped = this.eventDropped;
		const name = this.eventName;
		const data = this.data;
		this.eventName = '';
		this.data = [];
		this.dataChars = 0;
		this.eventDropped = false;
		if (dropped || (data.length === 0 && !name)) return;
		const text = data.join('\n');
		this.handlers.onFrame(text, Buffer.byteLength(text), name || 'message');
	}
}
