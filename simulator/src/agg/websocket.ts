/**
 * The agg.market socket (`/agg/ws?appId=…&token=…`): app and origin checks at the upgrade,
 * in-place authentication, user events to the user's authenticated sockets, order-book
 * subscriptions with snapshots and deltas, and heartbeats.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type WebSocket from 'ws';
import type { Clock, TimerGroup, TimerHandle } from '../clock';
import { refusingAuth, type ConnectionFaultSwitches } from '../faults';
import type { TypedEvents } from '../typedEvents';
import { describeZodError } from '../validation';
import { SocketSet, createWebSocketServer, readClientFrame, sendUnlessSilenced } from '../wsConnections';
import type { DeltaFrame, OrderBooks } from './books';
import type { AccessSession, AggSessions } from './sessions';
import type { AggSimEvents } from './simEvents';
import { CLIENT_ACTIONS, MAX_SUBSCRIPTIONS, TOKEN_EXPIRED_CLOSE, clientMessageSchema, type ClientMessage } from './wsProtocol';

// Clients send small JSON (100 outcome ids fit easily); anything near this is abuse.
const MAX_CLIENT_FRAME_BYTES = 64 * 1024;

interface Connection {
	id: number;
	ws: WebSocket;
	appId: string;
	userId: string | null;
	expiryTimer?: TimerHandle;
	outcomes: Set<string>;
}

export interface AggWebSocketDeps {
	sessions: AggSessions;
	books: OrderBooks;
	switches: ConnectionFaultSwitches;
	events: TypedEvents<AggSimEvents>;
	timers: TimerGroup;
	clock: Clock;
	appId: string;
	/** undefined: any origin. */
	allowedOrigins: readonly string[] | undefined;
	heartbeatIntervalMs: number;
}

export class AggWebSocket {
	private readonly server = createWebSocketServer(MAX_CLIENT_FRAME_BYTES);
	private readonly connections = new SocketSet<Connection>();
	private nextId = 1;

	constructor(private readonly deps: AggWebSocketDeps) {
		deps.timers.every(deps.heartbeatIntervalMs, () => this.broadcastRaw(JSON.stringify({ type: 'heartbeat', ts: deps.clock.now() })));
	}

	handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
		const origin = req.headers.origin;
		if (!originAllowed(this.deps.allowedOrigins, origin)) return refuseUpgrade(socket, 403, 'Forbidden');
		const appId = new URL(req.url ?? '/', 'http://simulator').searchParams.get('appId');
		if (appId !== this.deps.appId) return refuseUpgrade(socket, 401, 'Unauthorized');
		this.server.handleUpgrade(req, socket, head, (ws) => this.accept(ws, req, appId, origin));
	}

	// ---- delivery ----

	deliverUser(userId: string, message: unknown): number {
		return this.sendTo((c) => c.userId === userId, JSON.stringify(message));
	}

	deliverDelta(delta: DeltaFrame): number {
		return this.sendTo((c) => c.outcomes.has(delta.outcomeId), JSON.stringify(delta));
	}

	/** `market_resolved` to the subscribers, whose subscription ends with it. */
	deliverResolved(outcomeId: string): number {
		const frame = JSON.stringify({ type: 'market_resolved', outcomeId });
		let sent = 0;
		for (const connection of this.open()) {
			if (!connection.outcomes.delete(outcomeId)) continue;
			if (sendUnlessSilenced(connection.ws, frame, this.deps.switches)) sent += 1;
		}
		return sent;
	}

	/** A raw text frame to every open socket (heartbeats, fault injection). */
	broadcastRaw(text: string): number {
		return this.sendTo(() => true, text);
	}

	// ---- control ----

	openCount(): number {
		return this.connections.openCount();
	}

	terminateAll(): number {
		return this.connections.terminateAll();
	}

	/** Closes every authenticated socket 4001 (its token was revoked). */
	closeAuthenticated(reason: string): number {
		let closed = 0;
		for (const connection of this.open()) {
			if (connection.userId === null) continue;
			connection.ws.close(TOKEN_EXPIRED_CLOSE, reason);
			closed += 1;
		}
		return closed;
	}

	close(): Promise<void> {
		this.terminateAll();
		return new Promise((resolve) => this.server.close(() => resolve()));
	}

	// ---- connections ----

	private accept(ws: WebSocket, req: IncomingMessage, appId: string, origin: string | undefined): void {
		const { events, timers } = this.deps;
		const connection: Connection = { id: this.nextId++, ws, appId, userId: null, outcomes: new Set() };
		this.connections.add(connection);
		ws.on('error', () => {
			// 'close' follows; a bad client frame (e.g. over maxPayload) must not crash the server.
		});
		ws.on('close', (code: number, reason: Buffer) => {
			timers.cancel(connection.expiryTimer);
			this.connections.delete(connection);
			events.emit('ws:close', { connectionId: connection.id, code, reason: reason.toString('utf8') });
		});
		ws.on('message', (raw: WebSocket.RawData, isBinary: boolean) => this.onMessage(connection, raw, isBinary));

		const token = new URL(req.url ?? '/', 'http://simulator').searchParams.get('token');
		const refusing = token !== null && refusingAuth(this.deps.switches, this.deps.clock);
		const check = this.deps.sessions.check(token);
		if (check.ok && !refusing) connection.userId = check.session.userId;
		events.emit('ws:connection', { connectionId: connection.id, appId, userId: connection.userId, origin });
		this.send(connection, { type: 'connected', appId, userId: connection.userId });
		if (refusing) this.refuseAuthentication(connection);
		else if (check.ok) this.authenticated(connection, check.session, false);
		else if (token) this.refuseToken(connection, check.reason);
	}

	/** faults.refuseAuth: any token is turned away as if revoked: an error, then a 4001 close. */
	private refuseAuthentication(connection: Connection): void {
		this.deps.events.emit('ws:auth-refused', { connectionId: connection.id });
		this.sendError(connection, 'Authentication refused');
		connection.ws.close(TOKEN_EXPIRED_CLOSE, 'authentication refused');
	}

	private authenticated(connection: Connection, session: AccessSession, answer: boolean): void {
		const { timers, clock, events } = this.deps;
		connection.userId = session.userId;
		timers.cancel(connection.expiryTimer);
		connection.expiryTimer = timers.after(session.expiresAtMs - clock.now(), () =>
			connection.ws.close(TOKEN_EXPIRED_CLOSE, 'token expired'),
		);
		if (answer) this.send(connection, { type: 'authenticated', userId: session.userId });
		events.emit('ws:authenticated', { connectionId: connection.id, userId: session.userId });
	}

	/** An expired token closes the socket 4001 (the client refreshes and reconnects); an unknown one only errors. */
	private refuseToken(connection: Connection, reason: 'missing' | 'unknown' | 'expired'): void {
		if (reason === 'expired') {
			this.sendError(connection, 'Token expired');
			connection.ws.close(TOKEN_EXPIRED_CLOSE, 'token expired');
			return;
		}
		this.sendError(connection, 'Invalid token');
	}

	// ---- client messages ----

	private onMessage(connection: Connection, raw: WebSocket.RawData, isBinary: boolean): void {
		const { text, parsed } = readClientFrame(raw, isBinary);
		this.deps.events.emit('ws:message', { connectionId: connection.id, message: parsed, raw: text });
		if (parsed === undefined) return this.sendError(connection, 'Malformed message: not valid JSON');
		const action = typeof parsed === 'object' && parsed !== null ? (parsed as { action?: unknown }).action : undefined;
		if (typeof action !== 'string') return this.sendError(connection, 'Malformed message: expected {"action": string, …}');
		if (!CLIENT_ACTIONS.has(action)) return this.sendError(connection, `Unknown action: ${action}`);
		const result = clientMessageSchema.safeParse(parsed);
		if (!result.success) return this.sendError(connection, `Invalid ${action}: ${describeZodError(result.error).message}`);
		this.dispatch(connection, result.data);
	}

	private dispatch(connection: Connection, message: ClientMessage): void {
		switch (message.action) {
			case 'authenticate': {
				if (refusingAuth(this.deps.switches, this.deps.clock)) return this.refuseAuthentication(connection);
				const check = this.deps.sessions.check(message.token);
				return check.ok ? this.authenticated(connection, check.session, true) : this.refuseToken(connection, check.reason);
			}
			case 'subscribe':
				return this.subscribe(connection, unique(message.outcomeIds));
			case 'unsubscribe':
				return this.unsubscribe(connection, unique(message.outcomeIds));
			case 'resnapshot':
				return this.resnapshot(connection, unique(message.outcomeIds));
		}
	}

	/** All or nothing: an unknown or resolved outcome, or going over the limit, refuses the whole message. */
	private subscribe(connection: Connection, outcomeIds: string[]): void {
		const { books, events } = this.deps;
		const unknown = outcomeIds.filter((id) => !books.has(id));
		if (unknown.length > 0) return this.sendError(connection, `Unknown outcomeId: ${unknown.join(', ')}`);
		const resolved = outcomeIds.filter((id) => books.isResolved(id));
		if (resolved.length > 0) return this.sendError(connection, `Market resolved: ${resolved.join(', ')}`);
		const total = new Set([...connection.outcomes, ...outcomeIds]).size;
		if (total > MAX_SUBSCRIPTIONS) {
			return this.sendError(
				connection,
				`Subscription limit exceeded: at most ${MAX_SUBSCRIPTIONS} outcomes per connection (this would make ${total})`,
			);
		}
		for (const id of outcomeIds) connection.outcomes.add(id);
		events.emit('ws:subscribe', { connectionId: connection.id, outcomeIds });
		this.send(connection, { type: 'subscribed', channel: 'orderbook', outcomeIds });
		for (const id of outcomeIds) this.send(connection, books.snapshotToSend(id));
	}

	private unsubscribe(connection: Connection, outcomeIds: string[]): void {
		for (const id of outcomeIds) connection.outcomes.delete(id);
		this.deps.events.emit('ws:unsubscribe', { connectionId: connection.id, outcomeIds });
		this.send(connection, { type: 'unsubscribed', channel: 'orderbook', outcomeIds });
	}

	private resnapshot(connection: Connection, outcomeIds: string[]): void {
		const missing = outcomeIds.filter((id) => !connection.outcomes.has(id));
		if (missing.length > 0) return this.sendError(connection, `Not subscribed: ${missing.join(', ')}`);
		this.deps.events.emit('ws:resnapshot', { connectionId: connection.id, outcomeIds });
		for (const id of outcomeIds) this.send(connection, this.deps.books.snapshotToSend(id));
	}

	// ---- sending ----

	private *open(): Generator<Connection> {
		for (const connection of this.connections) if (connection.ws.readyState === connection.ws.OPEN) yield connection;
	}

	private sendTo(wants: (connection: Connection) => boolean, text: string): number {
		let sent = 0;
		for (const connection of this.open()) if (wants(connection) && sendUnlessSilenced(connection.ws, text, this.deps.switches)) sent += 1;
		return sent;
	}

	private sendError(connection: Connection, message: string): void {
		this.send(connection, { type: 'error', message });
	}

	private send(connection: Connection, message: unknown): boolean {
		return sendUnlessSilenced(connection.ws, JSON.stringify(message), this.deps.switches);
	}
}

/** No list: any origin. With a list, the `Origin` header must be on it (a missing one is refused too). */
export function originAllowed(allowed: readonly string[] | undefined, origin: string | undefined): boolean {
	return allowed === undefined || (origin !== undefined && allowed.includes(origin));
}

function unique(ids: readonly string[]): string[] {
	return [...new Set(ids)];
}

/** The shared rejectUpgrade() only knows 404/503 reason phrases; these carry their own. */
function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
	if (!socket.writable) return void socket.destroy();
	socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`, () => socket.destroy());
}
