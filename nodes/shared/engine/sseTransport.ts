import http from 'node:http';
import https from 'node:https';

import { describeError, StreamFailure } from './errors';
import { resolveUrl, type Connection, type ConnectionHandlers, type Transport, type TransportOptions } from './transport';

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

	async open(handlers: ConnectionHandlers, timeoutMs: number, stop?: AbortSignal): Promise<Connection> {
		// A login or token renewal behind the URL gets the connect timeout too, and ends on stop.
		const url = await resolveUrl(this.options, timeoutMs, stop);
		this.endpoint = this.options.redactor.text(url);
		return await this.connect(new URL(url), handlers, timeoutMs);
	}

	private connect(url: URL, handlers: ConnectionHandlers, timeoutMs: number): Promise<Connection> {
		const { redactor } = this.options;
		const client = url.protocol === 'https:' ? https : http;
		return new Promise((resolve, reject) => {
			let settled = false;
			let localReason: string | undefined;
			let closed = false;

			const request = client.request(url, {
				method: 'GET',
				headers: { Accept: 'text/event-stream', 'Cache-Control': 'no-cache', ...this.options.headers },
			});

			const fail = (failure: StreamFailure) => {
				if (settled) return;
				settled = true;
				clearTimeout(openTimer);
				request.destroy();
				reject(failure);
			};
			const openTimer = setTimeout(
				() => fail(new StreamFailure('timeout', `no answer from ${this.endpoint} within ${timeoutMs} ms`)),
				timeoutMs,
			);

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
				const parser = new SseParser(handlers);
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

/** Incremental parser of the text/event-stream format. */
export class SseParser {
	private buffer = '';
	private eventName = '';
	private data: string[] = [];

	constructor(private readonly handlers: Pick<ConnectionHandlers, 'onFrame' | 'onActivity'>) {}

	push(chunk: string) {
		this.handlers.onActivity();
		this.buffer += chunk;
		let newline: number;
		while ((newline = this.buffer.indexOf('\n')) >= 0) {
			let line = this.buffer.slice(0, newline);
			this.buffer = this.buffer.slice(newline + 1);
			if (line.endsWith('\r')) line = line.slice(0, -1);
			this.line(line);
		}
	}

	private line(line: string) {
		if (line === '') {
			this.dispatch();
			return;
		}
		if (line.startsWith(':')) return;
		const colon = line.indexOf(':');
		const field = colon < 0 ? line : line.slice(0, colon);
		let value = colon < 0 ? '' : line.slice(colon + 1);
		if (value.startsWith(' ')) value = value.slice(1);
		if (field === 'event') this.eventName = value;
		else if (field === 'data') this.data.push(value);
	}

	private dispatch() {
		if (this.data.length === 0 && !this.eventName) return;
		const text = this.data.join('\n');
		this.handlers.onFrame({ text, bytes: Buffer.byteLength(text), eventName: this.eventName || 'message' });
		this.eventName = '';
		this.data = [];
	}
}
