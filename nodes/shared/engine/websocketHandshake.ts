import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';

/** The GUID every WebSocket server hashes with the client's key (RFC 6455 §1.3). */
const ACCEPT_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** The venue answered the upgrade with an ordinary HTTP response (a refused key, a wrong path). */
export class UpgradeRefused extends Error {
	constructor(readonly status: number) {
		super(`HTTP ${status}`);
	}
}

export interface UpgradeOptions {
	headers?: Record<string, string>;
	/** Through a proxy (proxy.ts); a direct connection without. */
	agent?: http.Agent;
	/** Stops the attempt: the request is destroyed and the promise rejects with the signal's reason. */
	signal: AbortSignal;
}

export interface Upgraded {
	socket: net.Socket;
	/** Bytes the venue sent right after its answer: the first frames. */
	head: Buffer;
}

/**
 * The opening handshake of a client (§4.1): a GET that asks to upgrade, answered with 101 and the
 * hash of our key. No extension or subprotocol is offered, so an answer that names one is refused,
 * as `ws` refuses it.
 */
export function upgrade(url: URL, { headers, agent, signal }: UpgradeOptions): Promise<Upgraded> {
	return new Promise((resolve, reject) => {
		const key = randomBytes(16).toString('base64');
		const secure = url.protocol === 'wss:';
		const request = (secure ? https : http).request({
			method: 'GET',
			host: url.hostname.replace(/^\[|\]$/g, ''),
			port: url.port || (secure ? 443 : 80),
			path: `${url.pathname}${url.search}`,
			headers: {
				...headers,
				Connection: 'Upgrade',
				Upgrade: 'websocket',
				'Sec-WebSocket-Version': '13',
				'Sec-WebSocket-Key': key,
			},
			// Through the proxy's tunnel when there is one; otherwise a connection of this request's own,
			// never one of Node's pooled keep-alive sockets.
			...(agent ? { agent } : { createConnection: secure ? connectTls : connectTcp }),
		});
		const onAbort = () => request.destroy(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
		signal.addEventListener('abort', onAbort, { once: true });
		const settle = () => signal.removeEventListener('abort', onAbort);

		request.on('error', (error) => {
			settle();
			reject(error);
		});
		request.on('response', (response) => {
			settle();
			response.resume();
			request.destroy();
			reject(new UpgradeRefused(response.statusCode ?? 0));
		});
		request.on('upgrade', (response: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
			settle();
			const refusal = refusalOf(response, key);
			if (refusal) {
				socket.destroy();
				reject(new Error(refusal));
				return;
			}
			socket.setTimeout(0);
			socket.setNoDelay(true);
			resolve({ socket, head });
		});
		request.end();
	});
}

function connectTcp(options: http.ClientRequestArgs): net.Socket {
	return net.connect({ host: options.host ?? undefined, port: Number(options.port) });
}

function connectTls(options: http.ClientRequestArgs): tls.TLSSocket {
	const host = options.host ?? '';
	return tls.connect({ host, port: Number(options.port), ...(net.isIP(host) ? {} : { servername: host }) });
}

/** Why this 101 answer is not the WebSocket handshake we asked for, or undefined when it is. */
function refusalOf(response: http.IncomingMessage, key: string): string | undefined {
	if (response.headers.upgrade?.toLowerCase() !== 'websocket') return 'the venue upgraded to something other than a WebSocket';
	const expected = createHash('sha1')
		.update(key + ACCEPT_GUID)
		.digest('base64');
	if (response.headers['sec-websocket-accept'] !== expected) return 'the venue answered the upgrade with a wrong Sec-WebSocket-Accept';
	if (response.headers['sec-websocket-extensions']) return 'the venue named a WebSocket extension that was not asked for';
	if (response.headers['sec-websocket-protocol']) return 'the venue named a WebSocket subprotocol that was not asked for';
	return undefined;
}
