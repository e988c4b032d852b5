/**
 * One HTTP server for every simulated venue. Each venue is a VenueMount under its own URL
 * prefix ('/totalis', …); plain requests and WebSocket upgrades are routed to it with the rest
 * of the path.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { pathOf, sendJson } from './http';
import { TypedEvents } from './typedEvents';

export interface VenueMount {
	/** '/totalis': no trailing slash. */
	readonly prefix: string;
	/** `subPath` is the path after the prefix, starting with '/' (query string excluded). */
	handleHttp(req: IncomingMessage, res: ServerResponse, subPath: string): void;
	handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, subPath: string): void;
	/**
	 * Drops every socket and stream of the venue at once, without a closing handshake, as a
	 * network failure would; its state (keys, markets, sessions) stays. Returns how many.
	 */
	dropConnections(): number;
	/** Ends every socket and stream and clears every timer of the venue. */
	close(): Promise<void>;
}

/** What the server itself reports (`sim.events`): TCP connections and outages. */
export interface ServerEvents {
	/** A TCP connection accepted; `open` counts the connections held now. */
	connection: { open: number };
	/** A TCP connection gone, whoever ended it; `open` counts the connections held now. */
	disconnect: { open: number };
	/** `outage()` began: the listener is closed and every connection dropped (`dropped` counts the venues' sockets and streams). */
	'outage:start': { downMs: number; dropped: number };
	/** The listener is back on the same port. */
	'outage:end': { downMs: number };
}

/** An outage under way: its timer, and how to end it early (the simulator closing). */
interface Outage {
	timer?: NodeJS.Timeout;
	cancel(error: Error): void;
}

/** How long `outage()` keeps trying to listen again while the port is taken (a client's self-connect, see relisten). */
const RELISTEN_RETRY_MS = 50;
const RELISTEN_ATTEMPTS = 40;

export interface ListeningAddress {
	host: string;
	port: number;
	/** http://host:port, with the host as clients should dial it. */
	baseUrl: string;
	/** ws://host:port */
	wsBaseUrl: string;
}

export class SimulatorServer {
	readonly events = new TypedEvents<ServerEvents>();
	private readonly server: Server;
	private readonly mounts: VenueMount[] = [];
	/** Every TCP connection held, upgraded ones included (which the HTTP server no longer tracks). */
	private readonly sockets = new Set<Socket>();
	private address: { host: string; port: number } | undefined;
	private outageUnderWay: Outage | undefined;
	private closing: Promise<void> | undefined;

	constructor() {
		this.server = createServer((req, res) => this.route(req, res));
		this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.routeUpgrade(req, socket, head));
		// A client that resets its socket must not crash the simulator.
		this.server.on('clientError', (_error, socket) => socket.destroy());
		this.server.on('connection', (socket: Socket) => {
			this.sockets.add(socket);
			this.events.emit('connection', { open: this.sockets.size });
			socket.once('close', () => {
				this.sockets.delete(socket);
				this.events.emit('disconnect', { open: this.sockets.size });
			});
		});
	}

	/** TCP connections held now: sockets, streams, keep-alive and half-open ones. */
	openConnections(): number {
		return this.sockets.size;
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
				this.address = { host, port: address.port };
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

	/**
	 * The whole server goes down for `downMs`, as a venue restart would: the listener closes (new
	 * connections are refused, ECONNREFUSED), every venue drops its sockets and streams, and any
	 * other connection (keep-alive, an upgrade under way) is cut. Then it listens again on the same
	 * host and port; the venues keep their state (keys, markets, sessions). Resolves once it
	 * listens again (a little later than `downMs` if the port is taken for a moment); rejects if
	 * the simulator is closed meanwhile or the port cannot be had back.
	 */
	outage(downMs: number): Promise<void> {
		if (!Number.isFinite(downMs) || downMs < 0) return Promise.reject(new Error('outage: downMs must be a number ≥ 0'));
		if (this.closing) return Promise.reject(new Error('outage: the simulator is closed'));
		if (this.outageUnderWay) return Promise.reject(new Error('outage: an outage is already under way'));
		const address = this.address;
		if (!address || !this.server.listening) return Promise.reject(new Error('outage: the simulator is not listening'));
		return new Promise<void>((resolve, reject) => {
			const outage: Outage = {
				cancel: (error) => {
					clearTimeout(outage.timer);
					this.outageUnderWay = undefined;
					reject(error);
				},
			};
			this.outageUnderWay = outage;
			// Stop listening first, so that nothing dropped below can reconnect before the outage ends.
			this.server.close();
			const dropped = this.mounts.reduce((sum, venue) => sum + venue.dropConnections(), 0);
			for (const socket of [...this.sockets]) socket.destroy();
			this.events.emit('outage:start', { downMs, dropped });
			outage.timer = setTimeout(() => {
				this.relisten(address, RELISTEN_ATTEMPTS).then(
					() => {
						if (this.outageUnderWay !== outage) return;
						this.outageUnderWay = undefined;
						this.events.emit('outage:end', { downMs });
						resolve();
					},
					(error: Error) => {
						if (this.outageUnderWay === outage)
							outage.cancel(new Error(`outage: cannot listen again on port ${address.port}: ${error.message}`));
					},
				);
			}, downMs);
		});
	}

	/**
	 * Listens on the port again. It may be taken for a moment: a client reconnecting to a port on
	 * which nothing listens can, rarely, connect to itself when the kernel hands it that very port
	 * as its own (TCP simultaneous open); that socket dies on its first bytes.
	 */
	private async relisten(address: { host: string; port: number }, attempts: number): Promise<void> {
		for (let attempt = 1; ; attempt++) {
			if (!this.outageUnderWay) return;
			try {
				await this.listen(address.host, address.port);
				if (!this.outageUnderWay) this.server.close(); // closed meanwhile: do not hold the port
				return;
			} catch (error) {
				if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= attempts) throw error;
				await new Promise((resolve) => setTimeout(resolve, RELISTEN_RETRY_MS));
			}
		}
	}

	/** Closes the venues first (their sockets and timers), then the listener and any idle keep-alive connection. */
	close(): Promise<void> {
		this.closing ??= (async () => {
			this.outageUnderWay?.cancel(new Error('outage: the simulator was closed during the outage'));
			await Promise.all(this.mounts.map((venue) => venue.close()));
			await new Promise<void>((resolve) => {
				if (!this.server.listening) return resolve();
				this.server.close(() => resolve());
				this.server.closeAllConnections();
			});
			this.events.dispose('simulator closed');
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
