/**
 * The Totalis WebSocket (`/totalis/ws`): auth handshake, channel subscriptions, app-level
 * ping/pong, and delivery of venue events to the subscribed sockets.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type WebSocket from 'ws';
import type { Clock, TimerGroup, TimerHandle } from '../clock';
import { refusingAuth, type ConnectionFaultSwitches } from '../faults';
import type { TypedEvents } from '../typedEvents';
import {
	POLICY_VIOLATION,
	SocketSet,
	answerProtocolPings,
	createWebSocketServer,
	readClientFrame,
	sendUnlessSilenced,
} from '../wsConnections';
import type { Identity, IdentityRegistry } from './identities';
import {
	MM_QUOTES_CHANNEL_PREFIX,
	RFQ_CHANNEL_PREFIX,
	clientMessageSchemas,
	describeZodError,
	type ClientMessage,
	type ClientMessageType,
} from './protocol';
import type { TotalisSimEvents } from './simEvents';

// Clients send small JSON; anything near this is abuse.
const MAX_CLIENT_FRAME_BYTES = 64 * 1024;

interface Connection {
	id: number;
	ws: WebSocket;
	identity?: Identity;
	/** Canonical channel names. */
	channels: Set<string>;
	authTimer?: TimerHandle;
}

export interface WebSocketGatewayDeps {
	identities: IdentityRegistry;
	switches: ConnectionFaultSwitches;
	events: TypedEvents<TotalisSimEvents>;
	timers: TimerGroup;
	clock: Clock;
	authTimeoutMs: number;
}

export class WebSocketGateway {
	private readonly server = createWebSocketServer(MAX_CLIENT_FRAME_BYTES);
	private readonly connections = new SocketSet<Connection>();
	private readonly subscribers = new Map<string, Set<Connection>>();
	private nextId = 1;

	constructor(private readonly deps: WebSocketGatewayDeps) {
		this.server.on('connection', (ws: WebSocket, req: IncomingMessage) => this.accept(ws, req));
	}

	handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
		this.server.handleUpgrade(req, socket, head, (ws) => this.server.emit('connection', ws, req));
	}

	/** Sends one event to every socket subscribed to any of `channels` (once per socket). */
	deliver(channels: readonly string[], type: string, data: unknown): number {
		const targets = new Set<Connection>();
		for (const channel of channels) {
			for (const connection of this.subscribers.get(this.deps.identities.canonicalChannel(channel)) ?? []) targets.add(connection);
		}
		const frame = JSON.stringify({ type, data });
		let sent = 0;
		for (const connection of targets) if (this.send(connection, frame)) sent += 1;
		return sent;
	}

	/** Sends a raw text frame to every authenticated socket (fault injection). */
	broadcastRaw(text: string): number {
		let sent = 0;
		for (const connection of this.connections) if (connection.identity && this.send(connection, text)) sent += 1;
		return sent;
	}

	/** Sends bytes as a text frame to every authenticated socket, valid UTF-8 or not (fault injection). */
	broadcastRawBytes(bytes: Buffer): number {
		let sent = 0;
		for (const connection of this.connections) {
			if (!connection.identity || this.deps.switches.silenced || connection.ws.readyState !== connection.ws.OPEN) continue;
			connection.ws.send(bytes, { binary: false });
			sent += 1;
		}
		return sent;
	}

	/** Sends a WebSocket protocol ping to every open socket (answers arrive as `ws:protocol-pong`). */
	pingAll(): number {
		return this.connections.pingAll();
	}

	openCount(): number {
		return this.connections.openCount();
	}

	/** Drops every socket without a closing handshake, as a network failure would. */
	terminateAll(): number {
		return this.connections.terminateAll();
	}

	close(): Promise<void> {
		this.terminateAll();
		return new Promise((resolve) => this.server.close(() => resolve()));
	}

	private accept(ws: WebSocket, req: IncomingMessage): void {
		const connection: Connection = { id: this.nextId++, ws, channels: new Set() };
		this.connections.add(connection);
		const { events, switches, timers, authTimeoutMs } = this.deps;
		events.emit('ws:connection', { connectionId: connection.id, remoteAddress: req.socket.remoteAddress });

		connection.authTimer = timers.after(authTimeoutMs, () => {
			if (connection.identity) return;
			this.sendJson(connection, { type: 'auth:error', message: 'Authentication timeout' });
			ws.close(POLICY_VIOLATION, 'Authentication timeout');
		});

		answerProtocolPings(ws, switches, (answered) => events.emit('ws:protocol-ping', { connectionId: connection.id, answered }));
		ws.on('pong', () => events.emit('ws:protocol-pong', { connectionId: connection.id }));
		ws.on('message', (raw: WebSocket.RawData, isBinary: boolean) => this.onMessage(connection, raw, isBinary));
		ws.on('error', () => {
			// 'close' follows; a bad client frame (e.g. over maxPayload) must not crash the server.
		});
		ws.on('close', (code: number, reason: Buffer) => {
			timers.cancel(connection.authTimer);
			this.connections.delete(connection);
			for (const channel of connection.channels) this.subscribers.get(channel)?.delete(connection);
			events.emit('ws:close', { connectionId: connection.id, code, reason: reason.toString('utf8') });
		});
	}

	private onMessage(connection: Connection, raw: WebSocket.RawData, isBinary: boolean): void {
		const { text, parsed } = readClientFrame(raw, isBinary);
		this.deps.events.emit('ws:message', { connectionId: connection.id, message: parsed, raw: text });
		if (isBinary) return this.sendError(connection, 'Binary frames are not supported');
		if (parsed === undefined) return this.sendError(connection, 'Malformed message: not valid JSON');
		const type = typeof parsed === 'object' && parsed !== null ? (parsed as { type?: unknown }).type : undefined;
		if (typeof type !== 'string') return this.sendError(connection, 'Malformed message: expected an object with a string "type"');
		if (!Object.hasOwn(clientMessageSchemas, type)) return this.sendError(connection, `Unknown message type: ${type}`);
		const result = clientMessageSchemas[type as ClientMessageType].safeParse(parsed);
		if (!result.success) return this.sendError(connection, `Invalid ${type} message: ${describeZodError(result.error).message}`);
		this.dispatch(connection, result.data as ClientMessage);
	}

	private dispatch(connection: Connection, message: ClientMessage): void {
		switch (message.type) {
			case 'auth':
				return this.authenticate(connection, message.api_key);
			case 'ping':
				this.sendJson(connection, { type: 'pong', timestamp: new Date(this.deps.clock.now()).toISOString() });
				return;
			case 'subscribe':
				return this.subscribe(connection, message.channel);
			case 'unsubscribe':
				return this.unsubscribe(connection, message.channel);
		}
	}

	private authenticate(connection: Connection, apiKey: string): void {
		const { events, identities, switches, timers, clock } = this.deps;
		if (connection.identity) return this.sendError(connection, 'Already authenticated');
		const fault = switches.authRejected ? 'rejectAuth fault' : refusingAuth(switches, clock) ? 'refuseAuth fault' : undefined;
		const identity = fault ? undefined : identities.byKey(apiKey);
		if (!identity) {
			events.emit('ws:auth', {
				connectionId: connection.id,
				ok: false,
				reason: fault ?? 'unknown key',
			});
			this.sendJson(connection, { type: 'auth:error', message: 'Invalid API key' });
			connection.ws.close(POLICY_VIOLATION, 'Invalid API key');
			return;
		}
		connection.identity = identity;
		timers.cancel(connection.authTimer);
		events.emit('ws:auth', { connectionId: connection.id, ok: true, userId: identity.userId });
		this.sendJson(connection, { type: 'auth:success', user_id: identity.userId, user_type: 'user' });
	}

	private subscribe(connection: Connection, channel: string): void {
		const identity = connection.identity;
		if (!identity) return this.sendError(connection, 'Not authenticated');
		const refusal = channelRefusal(channel, identity);
		if (refusal) return this.sendError(connection, refusal);
		const canonical = this.deps.identities.canonicalChannel(channel);
		connection.channels.add(canonical);
		let set = this.subscribers.get(canonical);
		if (!set) {
			set = new Set();
			this.subscribers.set(canonical, set);
		}
		set.add(connection);
		this.deps.events.emit('ws:subscribe', { connectionId: connection.id, channel });
		// The ack is our guess [inferred]; clients must not depend on it.
		this.sendJson(connection, { type: 'subscribed', channel });
	}

	private unsubscribe(connection: Connection, channel: string): void {
		if (!connection.identity) return this.sendError(connection, 'Not authenticated');
		const canonical = this.deps.identities.canonicalChannel(channel);
		connection.channels.delete(canonical);
		this.subscribers.get(canonical)?.delete(connection);
		this.deps.events.emit('ws:unsubscribe', { connectionId: connection.id, channel });
		this.sendJson(connection, { type: 'unsubscribed', channel });
	}

	private sendError(connection: Connection, message: string): void {
		this.sendJson(connection, { type: 'error', message });
	}

	private sendJson(connection: Connection, message: object): boolean {
		return this.send(connection, JSON.stringify(message));
	}

	/** Every outgoing frame passes here, so silence() can swallow them all. */
	private send(connection: Connection, text: string): boolean {
		return sendUnlessSilenced(connection.ws, text, this.deps.switches);
	}
}

/** Why a socket may not subscribe to `channel`, or undefined when it may. */
function channelRefusal(channel: string, identity: Identity): string | undefined {
	if (channel.startsWith(MM_QUOTES_CHANNEL_PREFIX)) {
		const id = channel.slice(MM_QUOTES_CHANNEL_PREFIX.length);
		// Both id forms of the key's owner are accepted: the docs do not settle which one the channel uses.
		return id === identity.userId || id === identity.mmId ? undefined : `Not authorized for channel ${channel}`;
	}
	if (channel.startsWith(RFQ_CHANNEL_PREFIX) && channel.length > RFQ_CHANNEL_PREFIX.length) return undefined;
	return `Unknown channel: ${channel}`;
}
