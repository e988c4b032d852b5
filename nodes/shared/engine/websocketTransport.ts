import WebSocket from 'ws';

import { describeError, StreamFailure } from './errors';
import {
	resolveUrl,
	type CloseInfo,
	type Connection,
	type ConnectionHandlers,
	type RawFrame,
	type Transport,
	type TransportOptions,
} from './transport';

/** How long a graceful close may take before the socket is torn down. */
const CLOSE_GRACE_MS = 1000;

/**
 * WebSocket transport on `ws`. Protocol pings from the venue are answered by `ws` itself
 * (autoPong); both pings and pongs count as signs of life.
 */
export class WebSocketTransport implements Transport {
	/** The last URL connected to, redacted (before the first connection: the configured one, if fixed). */
	endpoint: string;

	constructor(private readonly options: TransportOptions) {
		this.endpoint = typeof options.url === 'string' ? options.redactor.text(options.url) : '(URL from login)';
	}

	async open(handlers: ConnectionHandlers, timeoutMs: number, stop?: AbortSignal): Promise<Connection> {
		// A login or token renewal behind the URL gets the connect timeout too, and ends on stop.
		const url = await resolveUrl(this.options, timeoutMs, stop);
		this.endpoint = this.options.redactor.text(url);
		return await this.connect(url, handlers, timeoutMs);
	}

	private connect(url: string, handlers: ConnectionHandlers, timeoutMs: number): Promise<Connection> {
		const { redactor } = this.options;
		return new Promise((resolve, reject) => {
			let opened = false;
			let settled = false;
			let lastError: string | undefined;
			let localCloseReason: string | undefined;
			let graceTimer: NodeJS.Timeout | undefined;

			const socket = new WebSocket(url, {
				headers: this.options.headers,
				handshakeTimeout: timeoutMs,
				perMessageDeflate: false,
			});

			const fail = (failure: StreamFailure) => {
				if (settled) return;
				settled = true;
				clearTimeout(openTimer);
				socket.removeAllListeners('close');
				socket.on('error', () => {});
				socket.terminate();
				reject(failure);
			};

			const openTimer = setTimeout(
				() => fail(new StreamFailure('timeout', `no connection to ${this.endpoint} within ${timeoutMs} ms`)),
				timeoutMs,
			);

			socket.on('unexpected-response', (request, response) => {
				const status = response.statusCode ?? 0;
				response.resume();
				request.destroy();
				const kind = status === 401 || status === 403 ? 'auth' : 'unreachable';
				const verdict = kind === 'auth' ? 'refused the credentials' : 'did not accept the WebSocket upgrade';
				fail(new StreamFailure(kind, `${this.endpoint} ${verdict} (HTTP ${status})`, { httpStatus: status }));
			});

			socket.on('error', (error) => {
				lastError = redactor.text(describeError(error));
				if (!opened) {
					fail(new StreamFailure('unreachable', `cannot connect to ${this.endpoint}: ${lastError}`));
				}
			});

			socket.on('message', (data: WebSocket.RawData) => {
				const buffer = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
				const frame: RawFrame = { text: buffer.toString('utf8'), bytes: buffer.length };
				handlers.onFrame(frame);
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
					localCloseReason ?? `closed by the venue (code ${code}${said ? `: ${said}` : ''}${lastError ? `; ${lastError}` : ''})`;
				const info: CloseInfo = { reason, code, initiatedLocally: localCloseReason !== undefined };
				handlers.onClose(info);
			});

			socket.on('open', () => {
				if (settled) return;
				opened = true;
				settled = true;
				clearTimeout(openTimer);
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
