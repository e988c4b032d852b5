/**
 * The OpenMarkets stream (`/openmarkets/flow/v1/stream?api_key=…`): the key and the per-key
 * connection limit checked at the upgrade (401, 429), the greeting, per-socket subscriptions on
 * two channels, delivery to the sockets subscribed to a contest, app-level ping/pong and
 * protocol-ping liveness (a socket that has not answered the previous ping is dropped).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type WebSocket from 'ws';
import type { Clock, TimerGroup } from '../clock';
import type { ConnectionFaultSwitches } from '../faults';
import { presentedApiKey } from '../http';
import { rejectUpgrade } from '../server';
import type { TypedEvents } from '../typedEvents';
import {
	SocketSet,
	answerProtocolPings,
	createWebSocketServer,
	pingOrTerminate,
	readClientFrame,
	sendUnlessSilenced,
} from '../wsConnections';
import type { ApiKeys } from './keys';
import type { OpenMarketsSimEvents } from './simEvents';
import { CHANNELS, WS_ERROR, readClientMessage, type Channel } from './wsProtocol';

// Clients send small JSON (hundreds of contest ids fit easily); anything near this is abuse.
const MAX_CLIENT_FRAME_BYTES = 64 * 1024;

interface Connection {
	id: number;
	ws: WebSocket;
	/** Contest ids per channel, in the order the client gave them. */
	channels: Record<Channel, Set<string>>;
	awaitingPong: boolean;
}

/** One open socket's subscriptions, for tests. */
export interface SocketSubscriptions {
	connectionId: number;
	liquidity: string[];
	contest_state: string[];
}

/** The switches of this venue: the shared ones, plus app-level pongs on or off. */
export interface OpenMarketsSwitches extends ConnectionFaultSwitches {
	skipPongs: boolean;
}

export interface OpenMarketsWebSocketDeps {
	keys: ApiKeys;
	hasContest(contestId: string): boolean;
	switches: OpenMarketsSwitches;
	events: TypedEvents<OpenMarketsSimEvents>;
	timers: TimerGroup;
	clock: Clock;
	pingIntervalMs: number;
	maxConnectionsPerKey: number;
	maxContestsPerConnection: number;
}

export class OpenMarketsWebSocket {
	private readonly server = createWebSocketServer(MAX_CLIENT_FRAME_BYTES);
	private readonly connections = new SocketSet<Connection>();
	private nextId = 1;

	constructor(private readonly deps: OpenMarketsWebSocketDeps) {
		deps.timers.every(deps.pingIntervalMs, () => this.livenessRound());
	}

	/** The key comes as `?api_key=` (the docs' way) or, from server-side clients, as `X-API-Key`. */
	handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
		const { keys, events, maxConnectionsPerKey } = this.deps;
		const presented = new URL(req.url ?? '/', 'http://simulator').searchParams.get('api_key') ?? presentedApiKey(req);
		if (!keys.accepts(presented)) {
			events.emit('ws:rejected', { status: 401, reason: presented ? 'invalid api key' : 'missing api key' });
			return rejectUpgrade(socket, 401);
		}
		// One key, one organization here: every open socket counts against it.
		if (this.connections.openCount() >= maxConnectionsPerKey) {
			events.emit('ws:rejected', { status: 429, reason: `more than ${maxConnectionsPerKey} connections for this key` });
			return rejectUpgrade(socket, 429);
		}
		this.server.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
	}

	// ---- delivery ----

	/** A frame to every open socket subscribed to `contestId` on `channel`; returns how many got it. */
	deliver(channel: Channel, contestId: string, message: unknown): number {
		const text = JSON.stringify(message);
		let sent = 0;
		for (const connection of this.open()) {
			if (connection.channels[channel].has(contestId) && sendUnlessSilenced(connection.ws, text, this.deps.switches)) sent += 1;
		}
		return sent;
	}

	/** A raw text frame to every open socket (fault injection). */
	broadcastRaw(text: string): number {
		let sent = 0;
		for (const connection of this.open()) if (sendUnlessSilenced(connection.ws, text, this.deps.switches)) sent += 1;
		return sent;
	}

	// ---- control ----

	openCount(): number {
		return this.connections.openCount();
	}

	subscriptions(): SocketSubscriptions[] {
		return [...this.open()].map(({ id, channels }) => ({
			connectionId: id,
			liquidity: [...channels.liquidity],
			contest_state: [...channels.contest_state],
		}));
	}

	terminateAll(): number {
		return this.connections.terminateAll();
	}

	/** Drops one socket without a closing handshake; false when it is not open. */
	terminate(connectionId: number): boolean {
		const connection = [...this.open()].find((c) => c.id === connectionId);
		connection?.ws.terminate();
		return connection !== undefined;
	}

	/** Closes every open socket (their key was revoked). */
	closeAll(code: number, reason: string): number {
		return this.connections.closeOpen(code, reason);
	}

	/** After silence: nobody is blamed for pongs we did not wait for. */
	resetLiveness(): void {
		for (const connection of this.connections) connection.awaitingPong = false;
	}

	close(): Promise<void> {
		this.terminateAll();
		return new Promise((resolve) => this.server.close(() => resolve()));
	}

	// ---- connections ----

	private accept(ws: WebSocket): void {
		const { events, keys, switches } = this.deps;
		const connection: Connection = {
			id: this.nextId++,
			ws,
			channels: { liquidity: new Set(), contest_state: new Set() },
			awaitingPong: false,
		};
		this.connections.add(connection);
		ws.on('error', () => {
			// 'close' follows; a bad client frame (e.g. over maxPayload) must not crash the server.
		});
		ws.on('close', (code: number, reason: Buffer) => {
			this.connections.delete(connection);
			events.emit('ws:closed', { connectionId: connection.id, code, reason: reason.toString('utf8') });
		});
		answerProtocolPings(ws, switches, () => undefined);
		ws.on('pong', () => {
			connection.awaitingPong = false;
			events.emit('ws:protocol-pong', { connectionId: connection.id });
		});
		ws.on('message', (raw: WebSocket.RawData, isBinary: boolean) => this.onMessage(connection, raw, isBinary));
		events.emit('ws:connection', { connectionId: connection.id, apiKeyId: keys.apiKeyId });
		this.send(connection, {
			type: 'connected',
			organization_id: keys.organizationId,
			api_key_id: keys.apiKeyId,
			server_time: this.now(),
		});
	}

	/** One protocol ping per interval; whoever has not answered the previous one is dropped. Silence pauses it all. */
	private livenessRound(): void {
		if (this.deps.switches.silenced) return;
		pingOrTerminate(this.open(), (connection) => this.deps.events.emit('ws:ping-timeout', { connectionId: connection.id }));
	}

	// ---- client messages ----

	private onMessage(connection: Connection, raw: WebSocket.RawData, isBinary: boolean): void {
		const { text, parsed } = readClientFrame(raw, isBinary);
		this.deps.events.emit('ws:message', { connectionId: connection.id, message: parsed, raw: text });
		const read = readClientMessage(parsed);
		if (!read.ok) return this.sendError(connection, read.code, read.message);
		const { message } = read;
		if (message.action === 'ping') return this.pong(connection);
		if (message.action === 'subscribe') return this.subscribe(connection, message.channel, message.contest_ids);
		return this.unsubscribe(connection, message.channel, message.contest_ids);
	}

	private pong(connection: Connection): void {
		const answered = !this.deps.switches.skipPongs && this.send(connection, { type: 'pong', server_time: this.now() });
		this.deps.events.emit('ws:ping', { connectionId: connection.id, answered });
	}

	/**
	 * Replaces the channel's list with the known ids given. An empty list, or one of unknown ids
	 * only, changes nothing; the ack always carries the whole list. Unknown ids are named in an
	 * `unknown_contest` error after the ack; going over the per-socket limit refuses the whole message.
	 */
	private subscribe(connection: Connection, channel: Channel, contestIds: string[]): void {
		const { hasContest, maxContestsPerConnection, events } = this.deps;
		const known = contestIds.filter((id) => hasContest(id));
		const unknown = contestIds.filter((id) => !hasContest(id));
		if (known.length > 0) {
			const others = CHANNELS.filter((c) => c !== channel).flatMap((c) => [...connection.channels[c]]);
			const total = new Set([...others, ...known]).size;
			if (total > maxContestsPerConnection) {
				return this.sendError(
					connection,
					WS_ERROR.contestLimitExceeded,
					`At most ${maxContestsPerConnection} contests per connection (this would make ${total}); the subscription is unchanged`,
				);
			}
			connection.channels[channel] = new Set(known);
		}
		const current = [...connection.channels[channel]];
		events.emit('ws:subscribe', { connectionId: connection.id, channel, contestIds: current, unknown });
		this.send(connection, { type: 'subscribed', channel, contest_ids: current });
		if (unknown.length > 0) {
			this.sendError(connection, WS_ERROR.unknownContest, `Unknown contest ids: ${unknown.join(', ')}`, { contest_ids: unknown });
		}
	}

	private unsubscribe(connection: Connection, channel: Channel, contestIds: string[]): void {
		for (const id of contestIds) connection.channels[channel].delete(id);
		this.deps.events.emit('ws:unsubscribe', { connectionId: connection.id, channel, contestIds });
		this.send(connection, { type: 'unsubscribed', channel, contest_ids: contestIds });
	}

	// ---- sending ----

	private *open(): Generator<Connection> {
		for (const connection of this.connections) if (connection.ws.readyState === connection.ws.OPEN) yield connection;
	}

	private sendError(connection: Connection, code: string, message: string, extra: Record<string, unknown> = {}): void {
		this.deps.events.emit('ws:error', { connectionId: connection.id, code, message });
		this.send(connection, { type: 'error', code, message, ...extra });
	}

	private send(connection: Connection, message: unknown): boolean {
		return sendUnlessSilenced(connection.ws, JSON.stringify(message), this.deps.switches);
	}

	private now(): string {
		return new Date(this.deps.clock.now()).toISOString();
	}
}
