import { isUtf8 } from 'node:buffer';

import WebSocket from 'ws';

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

/**
 * How long a graceful close may take before the socket is torn down: a venue that has not
 * answered our close by then is not going to, and closing a trigger must not wait a second.
 */
const CLOSE_GRACE_MS = 500;

/** What `ws` says when a message is above `maxPayload` (it then closes the socket with 1009). */
const MESSAGE_TOO_BIG = 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH';

const NOT_UTF8 = 'not valid UTF-8 text';
const REPLACEMENT_CHARACTER = '\uFFFD';

/**
 * A frame's bytes as text, or undefined when they are not valid UTF-8. Decoding turns every
 * invalid sequence into U+FFFD, so only a text that has one needs the bytes checked (a venue may
 * send U+FFFD itself): one pass over the bytes for every other frame. The search is free on the
 * usual frame, whose text V8 keeps one byte per character and so cannot hold U+FFFD.
 */
export function textOf(buffer: Buffer): string | undefined {
	// toString() without arguments is Node's shortest path to UTF-8 (no encoding lookup, no range checks).
	const text = buffer.toString();
	return text.includes(REPLACEMENT_CHARACTER) && !isUtf8(buffer) ? undefined : text;
}

/**
 * WebSocket transport on `ws`. Protocol pings from the venue are answered by `ws` itself
 * (autoPong); both pings and pongs count as signs of life.
 *
 * Frames are limited at the socket: `maxPayload` is the engine's frame limit, so `ws` refuses a
 * larger message from its header instead of buffering it whole (its default is 100 MiB). `ws`
 * then closes the connection with 1009, the only thing the protocol allows (a message cannot be
 * skipped): the frame is reported as dropped and the close as an ordinary transient failure, so
 * the engine reconnects with backoff and the next item carries both in its gap.
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
		return await this.connect(url, handlers, options);
	}

	private connect(url: string, handlers: ConnectionHandlers, { timeoutMs, maxFrameBytes, signal }: OpenOptions): Promise<Connection> {
		const { redactor } = this.options;
		return new Promise((resolve, reject) => {
			if (signal.aborted) {
				reject(abortFailure(signal));
				return;
			}
			let opened = false;
			let settled = false;
			let lastError: string | undefined;
			let localCloseReason: string | undefined;
			let tooBig = false;
			let graceTimer: NodeJS.Timeout | undefined;

			let agent: ReturnType<typeof proxyAgentFor>;
			try {
				agent = proxyAgentFor(new URL(url), timeoutMs);
			} catch (error) {
				reject(error);
				return;
			}
			const socket = new WebSocket(url, {
				// Through n8n's proxy from the environment when it names one for this host (proxy.ts).
				...(agent ? { agent } : {}),
				headers: this.options.headers,
				handshakeTimeout: timeoutMs,
				perMessageDeflate: false,
				maxPayload: maxFrameBytes,
				// The message handler checks the text it decodes (textOf): one pass over the bytes, not
				// `ws`'s check and then the decoding. An invalid frame is then dropped, not the connection.
				skipUTF8Validation: true,
			});

			const fail = (failure: StreamFailure) => {
				if (settled) return;
				settled = true;
				clearTimeout(openTimer);
				signal.removeEventListener('abort', onAbort);
				socket.removeAllListeners('close');
				socket.on('error', () => {});
				socket.terminate();
				reject(failure);
			};

			const openTimer = setTimeout(
				() => fail(new StreamFailure('timeout', `no connection to ${this.endpoint} within ${timeoutMs} ms`)),
				timeoutMs,
			);
			// Stopping while the upgrade is unanswered: give up now, not at the timeout.
			const onAbort = () => fail(abortFailure(signal));
			signal.addEventListener('abort', onAbort, { once: true });

			socket.on('unexpected-response', (request, response) => {
				const status = response.statusCode ?? 0;
				response.resume();
				request.destroy();
				const kind = status === 401 || status === 403 ? 'auth' : 'unreachable';
				const verdict = kind === 'auth' ? 'refused the credentials' : 'did not accept the WebSocket upgrade';
				fail(new StreamFailure(kind, `${this.endpoint} ${verdict} (HTTP ${status})`, { httpStatus: status }));
			});

			socket.on('error', (error) => {
				if ((error as NodeJS.ErrnoException).code === MESSAGE_TOO_BIG) {
					// Refused from the frame's header: nothing of it was buffered. `ws` has just written
					// its 1009 close; cut the socket now rather than download the rest of the frame
					// (tens of megabytes) waiting for the venue's answer.
					tooBig = true;
					handlers.onOversizedFrame();
					socket.terminate();
					return;
				}
				lastError = redactor.text(describeError(error));
				if (!opened) {
					fail(new StreamFailure('unreachable', `cannot connect to ${this.endpoint}: ${lastError}`));
				}
			});

			socket.on('message', (data: WebSocket.RawData) => {
				const buffer = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
				const text = textOf(buffer);
				if (text === undefined) handlers.onUnreadableFrame(NOT_UTF8, buffer.toString(), buffer.length);
				else handlers.onFrame(text, buffer.length);
			});
			socket.on('ping', () => handlers.onActivity());
			socket.on('pong', () => handlers.onActivity());

			socket.on('close', (code: number, reasonBuffer: Buffer) => {
				clearTimeout(graceTimer);
				if (!opened) {
					fail(new StreamFailure('unreachable', `${this.endpoint} closed the connection while opening (code ${code})`));
					return;
				}
				const said = redactor.text(reasonBuffer.toString('utf8'));
				const reason =
					localCloseReason ??
					(tooBig
						? `closed with 1009 after a frame above ${maxFrameBytes} bytes`
						: `closed by the venue (code ${code}${said ? `: ${said}` : ''}${lastError ? `; ${lastError}` : ''})`);
				const info: CloseInfo = { reason, code: tooBig ? 1009 : code, initiatedLocally: localCloseReason !== undefined };
				handlers.onClose(info);
			});

			socket.on('open', () => {
				if (settled) return;
				opened = true;
				settled = true;
				clearTimeout(openTimer);
				signal.removeEventListener('abort', onAbort);
				const connection: Connection = {
					send(message: unknown) {
						if (socket.readyState !== WebSocket.OPEN) return false;
						socket.send(typeof message === 'string' ? message : JSON.stringify(message));
						return true;
					},
					sendProtocolPing() {
						if (socket.readyState !== WebSocket.OPEN) return false;
						socket.ping();
						return true;
					},
					close(reason: string) {
						if (localCloseReason !== undefined) return;
						localCloseReason = reason;
						socket.close(1000);
						graceTimer = setTimeout(() => socket.terminate(), CLOSE_GRACE_MS);
					},
					terminate(reason: string) {
						localCloseReason ??= reason;
						socket.terminate();
					},
				};
				resolve(connection);
			});
		});
	}
}
