/**
 * A request helper for a trigger's own latency-critical calls (the Totalis fast path): node:http
 * and node:https over one keep-alive agent held for the trigger's life, so consecutive calls go
 * out on a warm connection. n8n 2.41's helpers build new agents for every request (so every call
 * opens a new TCP, and TLS, connection) and read the credential from n8n's database for every
 * call; both cost milliseconds on the path a market maker times.
 *
 * It speaks the part of IHttpRequestOptions that exchange.ts sends (url, method, headers, qs,
 * JSON body, returnFullResponse with encoding 'stream', timeout, abortSignal,
 * ignoreHttpStatusErrors) and answers as n8n's helper does, so exchange.ts bounds it the same way.
 * It follows no redirects. It is used only where n8n's helper would itself send the request
 * straight to the host (`directHttpAllowed`): with a proxy or n8n's SSRF protection configured,
 * calls keep going through n8n's helper.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { Readable } from 'node:stream';
import tls from 'node:tls';
import type { IDataObject, IHttpRequestOptions } from 'n8n-workflow';
import type { RequestHelper } from './exchange';

/** Connections per host at most; more calls at once wait for one (inside their attempt's deadline). */
const MAX_SOCKETS = 32;
/** Idle connections kept for the next call. */
const MAX_FREE_SOCKETS = 4;
/** A connection opened ahead of use that is not up by then is given up (the next call connects anew). */
const PRECONNECT_TIMEOUT_MS = 10_000;

/** The environment variables through which n8n 2.41 routes requests via a proxy (@n8n/backend-network). */
const PROXY_VARIABLES = ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'ALL_PROXY', 'all_proxy'];

/**
 * True when n8n's helper would send a request straight to its host: no proxy in the environment
 * and n8n's SSRF protection (`N8N_SSRF_PROTECTION_ENABLED`, off by default) not turned on.
 */
export function directHttpAllowed(env: NodeJS.ProcessEnv = process.env): boolean {
	if (PROXY_VARIABLES.some((name) => Boolean(env[name]))) return false;
	const ssrf = (env.N8N_SSRF_PROTECTION_ENABLED ?? '').trim().toLowerCase();
	return ssrf === '' || ssrf === 'false' || ssrf === '0';
}

export interface DirectHttp {
	/** Sends one request, signed by `sign`; answers as n8n's helper does with returnFullResponse. */
	request: RequestHelper;
	/**
	 * Opens a connection to `url`'s host before the first call, so that call does not pay the
	 * connect (and TLS handshake); the next call to that host takes it. It is dropped if the
	 * server closes it first, and closed by `close()`.
	 */
	preconnect(url: string): void;
	/**
	 * Opens a rehearsal: its requests take the path `request`'s do (signed, built, a keep-alive
	 * agent whose first connection was opened ahead, node:http over a real socket, the answer read
	 * from its stream), through a DirectHttp of their own, to an answerer on this thread's loopback
	 * interface that answers `answer` (a JSON body, status 200) whatever the request's URL. Nothing
	 * reaches the venue. The fast path rehearses its confirms this way as it starts, so that the
	 * first real ones do not pay the first runs of that code. An https venue's requests are
	 * rehearsed over http (the same agent and client code, without TLS). `sign` replaces the
	 * client's own, so that a stand-in credential, not the real one, goes to the answerer.
	 */
	rehearsal(answer: unknown, sign?: Sign): Promise<Rehearsal>;
	/** Closes the kept connections; later calls open new ones. */
	close(): void;
}

/** `sign` adds the credential to each request (the credential's `authenticate`, done by the caller). */
type Sign = (request: IHttpRequestOptions) => IHttpRequestOptions;

export function createDirectHttp(sign: Sign): DirectHttp {
	const options = { keepAlive: true, maxSockets: MAX_SOCKETS, maxFreeSockets: MAX_FREE_SOCKETS, scheduling: 'lifo' as const };
	const agents = { http: new http.Agent(options), https: new https.Agent(options) };
	const spares = new Map<string, Spare>();
	handOutSpares(agents.http, 'http:', spares);
	handOutSpares(agents.https, 'https:', spares);
	return {
		request: async (request) => await send(agents, sign(request)),
		rehearsal: async (answer, rehearsalSign = sign) => await openRehearsal(createDirectHttp(rehearsalSign), answer),
		preconnect(url) {
			const target = new URL(url);
			const secure = target.protocol === 'https:';
			if (!secure && target.protocol !== 'http:') return;
			const host = target.hostname.replace(/^\[|\]$/g, '');
			const port = Number(target.port || (secure ? 443 : 80));
			const key = spareKey(target.protocol, host, port);
			if (spares.has(key)) return;
			const socket = secure ? tls.connect({ host, port, servername: net.isIP(host) ? undefined : host }) : net.connect({ host, port });
			// Not used yet and closed (the server's idle timeout), failed or not up in time: dropped, the next call connects anew.
			const drop = () => {
				clearTimeout(deadline);
				if (spares.get(key)?.socket === socket) spares.delete(key);
				socket.destroy();
			};
			const deadline = setTimeout(drop, PRECONNECT_TIMEOUT_MS);
			deadline.unref();
			socket.once(secure ? 'secureConnect' : 'connect', () => clearTimeout(deadline));
			socket.once('error', drop).once('end', drop).once('close', drop);
			spares.set(key, { socket, drop });
		},
		close() {
			for (const { socket } of spares.values()) socket.destroy();
			spares.clear();
			agents.http.destroy();
			agents.https.destroy();
		},
	};
}

/** Connections opened ahead and handed to a request: like a reused one, the server may have closed it unseen. */
const preopened = new WeakSet<net.Socket>();

/** A connection opened ahead of use, and what drops it while unused. */
interface Spare {
	socket: net.Socket;
	drop: () => void;
}

function spareKey(protocol: string, host: string, port: number): string {
	return `${protocol}//${host}:${port}`;
}

/** The agent's first connection to a host is the one `preconnect` opened, while it is open. */
function handOutSpares(agent: http.Agent, protocol: string, spares: Map<string, Spare>) {
	const open = agent.createConnection.bind(agent) as (options: net.NetConnectOpts, callback: unknown) => net.Socket;
	(agent as unknown as { createConnection: typeof open }).createConnection = (options, callback) => {
		const { host, port } = options as { host?: string; port?: number };
		const key = spareKey(protocol, String(host), Number(port));
		const spare = spares.get(key);
		spares.delete(key);
		// Still connecting is fine: a new connection would be too. From here the request owns it.
		if (spare && !spare.socket.destroyed && spare.socket.writable) {
			spare.socket.off('error', spare.drop).off('end', spare.drop).off('close', spare.drop);
			preopened.add(spare.socket);
			return spare.socket;
		}
		spare?.socket.destroy();
		return open(options, callback);
	};
}

interface FullResponse {
	statusCode: number;
	headers: http.IncomingHttpHeaders;
	body: Readable;
}

/** A request as node:http takes it: what `send` builds before anything goes out. */
function built(agents: { http: http.Agent; https: https.Agent }, request: IHttpRequestOptions) {
	const url = new URL(request.url);
	for (const [key, value] of Object.entries(request.qs ?? {})) url.searchParams.append(key, String(value));
	const secure = url.protocol === 'https:';
	const headers = headerRecord(request.headers);
	let body: string | undefined;
	if (request.body !== undefined && request.body !== null && !(typeof request.body === 'object' && isEmpty(request.body))) {
		body = typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
		if (!hasHeader(headers, 'content-type')) headers['Content-Type'] = 'application/json';
		headers['Content-Length'] = String(Buffer.byteLength(body));
	}
	if (request.json && !hasHeader(headers, 'accept')) headers.Accept = 'application/json';
	const options: https.RequestOptions = {
		method: request.method ?? 'GET',
		headers,
		agent: secure ? agents.https : agents.http,
		timeout: request.timeout,
		...(secure && request.skipSslCertificateValidation === true ? { rejectUnauthorized: false } : {}),
	};
	return { client: secure ? https : http, url, options, body, signal: request.abortSignal as AbortSignal | undefined };
}

async function send(agents: { http: http.Agent; https: https.Agent }, request: IHttpRequestOptions): Promise<FullResponse> {
	const { client, url, options, body, signal } = built(agents, request);
	const attempt = () => exchangeOnce(client, url, options, body, signal);
	// A kept (or opened ahead) connection the server closed as we used it: the request never reached it, send it once on a new one.
	const response = await attempt().catch((error: unknown) => (error instanceof StaleConnectionError ? attempt() : Promise.reject(error)));
	const full: FullResponse = { statusCode: response.statusCode ?? 0, headers: response.headers, body: response };
	if (throwsFor(request.ignoreHttpStatusErrors, full.statusCode)) {
		// As n8n's helper throws a status it was not told to ignore: the answer inside the error.
		throw Object.assign(new Error(`Request failed with status code ${full.statusCode}`), {
			response: { status: full.statusCode, data: response, headers: response.headers },
		});
	}
	return full;
}

class StaleConnectionError extends Error {}

/** Requests that take a real call's path to an answerer on loopback; `close` ends both sides. */
export interface Rehearsal {
	request: RequestHelper;
	close(): void;
}

/** `client` (a DirectHttp of the rehearsal's own) sends to an HTTP server on 127.0.0.1 that answers `answer` to anything. */
async function openRehearsal(client: DirectHttp, answer: unknown): Promise<Rehearsal> {
	const text = JSON.stringify(answer);
	const answerer = http.createServer((incoming, reply) => {
		incoming.resume();
		incoming.once('end', () =>
			reply.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) }).end(text),
		);
	});
	const close = () => {
		client.close();
		answerer.close();
		answerer.closeAllConnections();
	};
	try {
		await new Promise<void>((resolve, reject) => answerer.once('error', reject).listen(0, '127.0.0.1', resolve));
	} finally {
		if (!answerer.listening) close();
	}
	const origin = `http://127.0.0.1:${(answerer.address() as net.AddressInfo).port}`;
	// As the real connection is: opened ahead, then kept for the next requests.
	client.preconnect(origin);
	return {
		request: async (request) => {
			const url = new URL(request.url);
			return await client.request({ ...request, url: `${origin}${url.pathname}${url.search}` });
		},
		close,
	};
}

function exchangeOnce(
	client: typeof http | typeof https,
	url: URL,
	options: https.RequestOptions,
	body: string | undefined,
	signal: AbortSignal | undefined,
): Promise<http.IncomingMessage> {
	return new Promise((resolve, reject) => {
		const req = client.request(url, options, resolve);
		if (signal) abortOn(signal, req);
		req.on('error', (error: NodeJS.ErrnoException) => {
			const waitedIdle = req.reusedSocket || (req.socket !== null && preopened.has(req.socket));
			if (waitedIdle && error.code === 'ECONNRESET') reject(new StaleConnectionError(error.message));
			else reject(error);
		});
		// Past `timeout` idle ms before the answer: what axios calls ECONNABORTED.
		req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ECONNABORTED' })));
		req.end(body);
	});
}

/**
 * Ends the request (and its answer) when `signal` aborts, with the error node:http's own `signal`
 * option would give. One listener, removed when the request closes: node:http's option costs a
 * stream-end watcher per request, on the path the fast path's confirms take.
 */
function abortOn(signal: AbortSignal, req: http.ClientRequest) {
	const abort = () => req.destroy(abortError(signal));
	if (signal.aborted) {
		abort();
		return;
	}
	signal.addEventListener('abort', abort, { once: true });
	req.once('close', () => signal.removeEventListener('abort', abort));
}

function abortError(signal: AbortSignal): Error {
	return Object.assign(new Error('The operation was aborted', { cause: signal.reason }), { name: 'AbortError', code: 'ABORT_ERR' });
}

/** Whether n8n's helper would throw for this status, as `ignoreHttpStatusErrors` says. */
function throwsFor(ignore: IHttpRequestOptions['ignoreHttpStatusErrors'], status: number): boolean {
	if (ignore === true) return false;
	if (ignore && typeof ignore === 'object') return ignore.except.includes(status);
	return status < 200 || status >= 300;
}

function headerRecord(headers: IDataObject | undefined): Record<string, string> {
	const record: Record<string, string> = {};
	for (const [name, value] of Object.entries(headers ?? {})) if (value !== undefined && value !== null) record[name] = String(value);
	return record;
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
	return Object.keys(headers).some((key) => key.toLowerCase() === name);
}

function isEmpty(value: object): boolean {
	return Object.keys(value).length === 0;
}
