/** Real-socket clients for the simulator tests: a queued WebSocket reader, an SSE reader, a REST caller. */
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import type { TotalisSimulator } from '../src';

export interface WsMessage {
	type: string;
	data?: Record<string, unknown>;
	[key: string]: unknown;
}

type Waiter<T> = { predicate: (item: T) => boolean; resolve: (item: T) => void; reject: (error: Error) => void; timer: NodeJS.Timeout };

/** Items arrive in order; `next` takes the first (queued or future) item that matches. */
class Inbox<T> {
	readonly all: T[] = [];
	private readonly queue: T[] = [];
	private readonly waiters = new Set<Waiter<T>>();
	private failure: Error | undefined;

	push(item: T): void {
		this.all.push(item);
		for (const waiter of this.waiters) {
			if (waiter.predicate(item)) {
				this.settle(waiter);
				waiter.resolve(item);
				return;
			}
		}
		this.queue.push(item);
	}

	/** With `dropSkipped`, queued items before the match are discarded (read a stream up to a point). */
	next(predicate: (item: T) => boolean = () => true, timeoutMs = 3000, label = 'item', dropSkipped = false): Promise<T> {
		const index = this.queue.findIndex(predicate);
		if (index !== -1) {
			const [found] = this.queue.splice(dropSkipped ? 0 : index, dropSkipped ? index + 1 : 1).slice(-1);
			return Promise.resolve(found);
		}
		if (dropSkipped) this.queue.length = 0;
		if (this.failure) return Promise.reject(this.failure);
		return new Promise<T>((resolve, reject) => {
			const waiter: Waiter<T> = {
				predicate,
				resolve,
				reject,
				timer: setTimeout(() => {
					this.settle(waiter);
					reject(new Error(`no matching ${label} within ${timeoutMs} ms; got: ${JSON.stringify(this.all).slice(0, 600)}`));
				}, timeoutMs),
			};
			this.waiters.add(waiter);
		});
	}

	/** Queued items not yet taken. */
	pending(): T[] {
		return [...this.queue];
	}

	fail(error: Error): void {
		this.failure = error;
		for (const waiter of [...this.waiters]) {
			this.settle(waiter);
			waiter.reject(error);
		}
	}

	private settle(waiter: Waiter<T>): void {
		clearTimeout(waiter.timer);
		this.waiters.delete(waiter);
	}
}

export class WsClient {
	readonly inbox = new Inbox<WsMessage>();
	readonly rawFrames: string[] = [];
	readonly closed: Promise<{ code: number; reason: string }>;
	pongs = 0;

	private constructor(readonly ws: WebSocket) {
		ws.on('message', (raw: WebSocket.RawData) => {
			const text = raw.toString();
			this.rawFrames.push(text);
			try {
				this.inbox.push(JSON.parse(text) as WsMessage);
			} catch {
				this.inbox.push({ type: '(unparseable)', raw: text });
			}
		});
		ws.on('pong', () => (this.pongs += 1));
		ws.on('error', () => undefined);
		this.closed = new Promise((resolve) =>
			ws.on('close', (code: number, reason: Buffer) => {
				this.inbox.fail(new Error(`socket closed (${code})`));
				resolve({ code, reason: reason.toString() });
			}),
		);
	}

	static connect(url: string, options: WebSocket.ClientOptions = {}): Promise<WsClient> {
		return new Promise((resolve, reject) => {
			const ws = new WebSocket(url, options);
			const client = new WsClient(ws);
			ws.once('open', () => resolve(client));
			ws.once('unexpected-response', (_req: ClientRequest, res: IncomingMessage) =>
				reject(new Error(`upgrade refused: ${res.statusCode}`)),
			);
			ws.once('error', reject);
		});
	}

	/** Connects and authenticates with `apiKey`; resolves after auth:success. */
	static async authenticated(sim: TotalisSimulator, apiKey = sim.apiKey): Promise<WsClient> {
		const client = await WsClient.connect(sim.wsUrl);
		client.send({ type: 'auth', api_key: apiKey });
		const reply = await client.next('auth:success');
		if (reply.type !== 'auth:success') throw new Error(`auth failed: ${JSON.stringify(reply)}`);
		return client;
	}

	send(message: unknown): void {
		this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
	}

	next(type?: string, predicate: (message: WsMessage) => boolean = () => true, timeoutMs?: number): Promise<WsMessage> {
		return this.inbox.next((m) => (type === undefined || m.type === type) && predicate(m), timeoutMs, type ?? 'message');
	}

	async subscribe(channel: string): Promise<void> {
		this.send({ type: 'subscribe', channel });
		await this.next('subscribed', (m) => m.channel === channel);
	}

	/**
	 * A round trip through the server: everything the server sent this socket before it read our
	 * ping is queued once the pong is back. Lets a test assert that nothing arrived, without sleeping.
	 */
	async barrier(): Promise<void> {
		this.send({ type: 'ping' });
		await this.next('pong');
	}

	/** Queued messages of these types not taken yet. */
	pendingOf(...types: string[]): WsMessage[] {
		return this.inbox.pending().filter((m) => types.includes(m.type));
	}

	async close(): Promise<void> {
		if (this.ws.readyState === WebSocket.CLOSED) return;
		this.ws.close();
		await this.closed;
	}
}

export interface SseEvent {
	event: string;
	id?: string;
	data: string;
	json: unknown;
}

export class SseClient {
	readonly events = new Inbox<SseEvent>();
	readonly comments = new Inbox<string>();
	readonly ended: Promise<void>;
	private buffer = '';
	private raw = '';

	private constructor(
		private readonly req: ClientRequest,
		readonly response: IncomingMessage,
	) {
		response.setEncoding('utf8');
		response.on('data', (chunk: string) => this.feed(chunk));
		this.ended = new Promise((resolve) => {
			const done = (): void => {
				this.events.fail(new Error('stream ended'));
				resolve();
			};
			response.on('end', done);
			response.on('close', done);
			response.on('error', done);
		});
	}

	/** Opens a stream; resolves with the response (any status) once headers arrived. */
	static open(url: string, headers: Record<string, string>): Promise<SseClient> {
		return new Promise((resolve, reject) => {
			const req = httpRequest(url, { headers: { Accept: 'text/event-stream', ...headers } }, (res) => resolve(new SseClient(req, res)));
			req.on('error', reject);
			req.end();
		});
	}

	/** The next event in stream order (of type `event` when given, in any order among others). */
	next(event?: string, timeoutMs?: number): Promise<SseEvent> {
		return this.events.next((e) => event === undefined || e.event === event, timeoutMs, event ?? 'sse event');
	}

	/** Reads the stream up to and including the next `event`, dropping what came before. */
	skipTo(event: string, timeoutMs?: number): Promise<SseEvent> {
		return this.events.next((e) => e.event === event, timeoutMs, event, true);
	}

	/** The whole body once the server ended the response (for error answers). */
	async body(): Promise<string> {
		await this.ended;
		return this.raw;
	}

	close(): Promise<void> {
		this.req.destroy();
		return this.ended;
	}

	private feed(chunk: string): void {
		this.raw += chunk;
		this.buffer += chunk;
		let end: number;
		while ((end = this.buffer.indexOf('\n\n')) !== -1) {
			const block = this.buffer.slice(0, end);
			this.buffer = this.buffer.slice(end + 2);
			this.parseBlock(block);
		}
	}

	private parseBlock(block: string): void {
		let event = 'message';
		let id: string | undefined;
		const data: string[] = [];
		for (const line of block.split('\n')) {
			if (line.startsWith(':')) {
				this.comments.push(line.slice(1).trim());
				continue;
			}
			const colon = line.indexOf(':');
			const field = colon === -1 ? line : line.slice(0, colon);
			const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
			if (field === 'event') event = value;
			else if (field === 'id') id = value;
			else if (field === 'data') data.push(value);
		}
		if (data.length === 0) return;
		const text = data.join('\n');
		let json: unknown;
		try {
			json = JSON.parse(text);
		} catch {
			json = undefined;
		}
		this.events.push({ event, id, data: text, json });
	}
}

export interface RestResponse<T = any> {
	status: number;
	headers: Headers;
	body: T;
}

/** Calls the simulated Totalis REST API with the default key unless `key` is given (null = none). */
export async function rest<T = any>(
	sim: TotalisSimulator,
	method: string,
	path: string,
	options: { key?: string | null; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<RestResponse<T>> {
	const key = options.key === undefined ? sim.apiKey : options.key;
	const headers: Record<string, string> = { ...options.headers };
	if (key !== null) headers['X-API-Key'] = key;
	let body: string | undefined = options.rawBody;
	if (options.body !== undefined) {
		body = JSON.stringify(options.body);
		headers['Content-Type'] = 'application/json';
	}
	const response = await fetch(`${sim.restUrl}${path}`, { method, headers, body });
	const text = await response.text();
	let parsed: unknown = text;
	try {
		parsed = text === '' ? undefined : JSON.parse(text);
	} catch {
		// keep the text
	}
	return { status: response.status, headers: response.headers, body: parsed as T };
}

/** Submits a quote at the request's current version; returns the PUT answer's data. */
export async function submitQuote(
	sim: TotalisSimulator,
	requestId: string,
	payoutOdds: number,
	options: { key?: string; expiresInMs?: number } = {},
): Promise<any> {
	const current = sim.getQuoteRequest(requestId).quote_request;
	const response = await rest(sim, 'PUT', `/v1/mm/quote-requests/${requestId}/quote`, {
		key: options.key,
		body: {
			request_version: current.version,
			request_hash: current.request_hash,
			payout_odds: payoutOdds,
			expires_in_ms: options.expiresInMs ?? 30_000,
		},
	});
	if (response.status !== 200) throw new Error(`quote refused: ${response.status} ${JSON.stringify(response.body)}`);
	return response.body.data;
}

export const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Polls a condition the simulator reports no event for; the deadline is only a generous upper bound. */
export async function waitUntil(check: () => boolean, timeoutMs = 10_000): Promise<void> {
	for (let waited = 0; !check(); waited += 10) {
		if (waited >= timeoutMs) throw new Error('condition not met in time');
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}
