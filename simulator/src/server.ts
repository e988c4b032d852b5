/**
 * One HTTP server for every simulated venue. Each venue is a VenueMount under its own URL
 * prefix ('/totalis', …); plain requests and WebSocket upgrades are routed to it with the rest
 * of the path.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { pathOf, sendJson } from './http';

export interface VenueMount {
	/** '/totalis': no trailing slash. */
	readonly prefix: string;
	/** `subPath` is the path after the prefix, starting with '/' (query string excluded). */
	handleHttp(req: IncomingMessage, res: ServerResponse, subPath: string): void;
	handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, subPath: string): void;
	/** Ends every socket and stream and clears every timer of the venue. */
	close(): Promise<void>;
}

export interface ListeningAddress {
	host: string;
	port: number;
	/** http://host:port, with the host as clients should dial it. */
	baseUrl: string;
	/** ws://host:port */
	wsBaseUrl: string;
}

export class SimulatorServer {
	private readonly server: Server;
	private readonly mounts: VenueMount[] = [];
	private closing: Promise<void> | undefined;

	constructor() {
		this.server = createServer((req, res) => this.route(req, res));
		this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.routeUpgrade(req, socket, head));
		// A client that resets its socket must not crash the simulator.
		this.server.on('clientError', (_error, socket) => socket.destroy());
	}

	mount<T extends VenueMount>(venue: T): T {
		if (this.mounts.some((m) => m.prefix === venue.prefix)) throw new Error(`prefix ${venue.prefix} is already mounted`);
		this.mounts.push(venue);
		return venue;
	}

	listen(host: string, port: number): Promise<ListeningAddress> {
		return new Promise((resolve, reject) => {
			const onError = (error: Error): void => reject(error);
			this.server.once('error', onError);
			this.server.listen(port, host, () => {
				this.server.off('error', onError);
				const address = this.server.address() as AddressInfo;
				const dialHost = dialableHost(host);
				resolve({
					host: dialHost,
					port: address.port,
					baseUrl: `http://${dialHost}:${address.port}`,
					wsBaseUrl: `ws://${dialHost}:${address.port}`,
				});
			});
		});
	}

	/** Closes the venues first (their sockets and timers), then the listener and any idle keep-alive connection. */
	close(): Promise<void> {
		this.closing ??= (async () => {
			await Promise.all(this.mounts.map((venue) => venue.close()));
			await new Promise<void>((resolve) => {
				if (!this.server.listening) return resolve();
				this.server.close(() => resolve());
				this.server.closeAllConnections();
			});
		})();
		return this.closing;
	}

	private findMount(path: string): { venue: VenueMount; subPath: string } | undefined {
		for (const venue of this.mounts) {
			if (path === venue.prefix || path.startsWith(`${venue.prefix}/`)) {
				return { venue, subPath: path.slice(venue.prefix.length) || '/' };
			}
		}
		return undefined;
	}

	private route(req: IncomingMessage, res: ServerResponse): void {
		const found = this.findMount(pathOf(req));
		if (!found) {
			sendJson(res, 404, { error: { code: 'NOT_FOUND', message: `No venue is mounted at ${pathOf(req)}` } });
			return;
		}
		found.venue.handleHttp(req, res, found.subPath);
	}

	private routeUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
		socket.on('error', () => socket.destroy());
		const found = this.findMount(pathOf(req));
		if (!found || this.closing) {
			rejectUpgrade(socket, found ? 503 : 404);
			return;
		}
		found.venue.handleUpgrade(req, socket, head, found.subPath);
	}
}

const UPGRADE_REASONS: Record<number, string> = {
	401: 'Unauthorized',
	403: 'Forbidden',
	404: 'Not Found',
	429: 'Too Many Requests',
	503: 'Service Unavailable',
};

/** Answers an upgrade request with a plain HTTP error and drops the socket. */
export function rejectUpgrade(socket: Duplex, status: number): void {
	const reason = UPGRADE_REASONS[status] ?? 'Bad Request';
	if (!socket.writable) {
		socket.destroy();
		return;
	}
	socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`, () => socket.destroy());
}

function dialableHost(host: string): string {
	if (host === '0.0.0.0' || host === '') return '127.0.0.1';
	if (host === '::') return '[::1]';
	return host.includes(':') ? `[${host}]` : host;
}
