/**
 * The Helio WebSocket (`/helio/api/v1/ws?token=…`): token check at the upgrade, subscriptions
 * per socket, delivery of market events to the sockets that asked for them, and protocol-ping
 * liveness (a socket that has not answered the previous ping is dropped).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type WebSocket from 'ws';
import type { Clock, TimerGroup, TimerHandle } from '../clock';
import type { ConnectionFaultSwitches } from '../faults';
import type { TypedEvents } from '../typedEvents';
import { describeZodError } from '../validation';
import {
	POLICY_VIOLATION,
	SocketSet,
	answerProtocolPings,
	createWebSocketServer,
	pingOrTerminate,
	readClientFrame,
	sendUnlessSilenced,
} from '../wsConnections';
import type { HelioDialect } from '../dialects';
import { acknowledgesWithFirstEvent, eventPayload } from './dialect';
import type { Session, SessionStore } from './sessions';
import type { HelioChannel, HelioSimEvents, HelioSubscription } from './simEvents';
import { EVENT_KINDS, type DepthEventPayload, type EventKind, type MetricsEventPayload } from './types';
import {
	DEFAULT_DEPTH,
	TRADING_MESSAGE_TYPES,
	WS_ERROR,
	clientPayloadSchemas,
	envelopeSchema,
	type ClientMessageType,
	type ClientPayload,
} from './wsProtocol';

// Clients send small JSON; anything near this is abuse.
const MAX_CLIENT_FRAME_BYTES = 64 * 1024;

interface Connection {
	id: number;
	ws: WebSocket;
	/** Undefined for a socket refused at the upgrade (closing). */
	session?: Session;
	/** Symbols per event kind of `subscribe`. */
	symbols: Record<EventKind, Set<string>>;
	/** Depth subscriptions: symbol → levels. */
	depth: Map<string, number>;
	metrics: Set<string>;
	/** A ping went out and no pong came back yet. */
	awaitingPong: boolean;
	expiryTimer?: TimerHandle;
}

type LiveConnection = Connection & { session: Session };

export interface HelioWebSocketDeps {
	sessions: SessionStore;
	switches: ConnectionFaultSwitches;
	events: TypedEvents<HelioSimEvents>;
	timers: TimerGroup;
	clock: Clock;
	symbols: ReadonlySet<string>;
	pingIntervalMs: number;
	closeSocketsOnTokenExpiry: boolean;
	dialect: HelioDialect;
	/** The current book and metrics, sent as the acknowledgement where the dialect has no `subscribed` for them. */
	current: { depth(symbol: string, levels: number): DepthEventPayload; metrics(accountId: string): MetricsEventPayload };
}

export class HelioWebSocket {
	private readonly server = createWebSocketServer(MAX_CLIENT_FRAME_BYTES);
	private readonly connections = new SocketSet<Connection>();
	private nextId = 1;
	/** Channels whose subscriptions get no acknowledgement at all (faults.withholdAcknowledgements). */
	private withheld: ReadonlySet<HelioChannel> = new Set();

	constructor(private readonly deps: HelioWebSocketDeps) {
		deps.timers.every(deps.pingIntervalMs, () => this.livenessRound());
	}

	handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
		this.server.handleUpgrade(req, socket, head, (ws) => this.accept(ws, req));
	}

	// ---- delivery ----

	deliverQuote(symbol: string, payload: unknown): number {
		return this.deliver('quoteEvent', payload, (c) => c.symbols.quoteEvent.has(symbol));
	}

	/** Each socket gets the levels it asked for; the book is built once, at the deepest. */
	deliverDepth(symbol: string, build: (levels: number) => DepthEventPayload): number {
		let deepest = 0;
		for (const connection of this.live()) deepest = Math.max(deepest, connection.depth.get(symbol) ?? 0);
		if (deepest === 0) return 0;
		const book = build(deepest);
		let sent = 0;
		for (const connection of this.live()) {
			const levels = connection.depth.get(symbol);
			if (levels === undefined) continue;
			const payload = { ...book, bids: book.bids.slice(0, levels), asks: book.asks.slice(0, levels) };
			if (this.sendEvent(connection, 'depthEvent', payload)) sent += 1;
		}
		return sent;
	}

	/** Execution and portfolio events go to the account owner's sockets that subscribed `symbol` with that kind. */
	deliverAccountEvent(kind: 'executionEvent' | 'portfolioEvent', accountId: string, symbol: string, payload: unknown): number {
		return this.deliver(kind, payload, (c) => c.session.accountIds.includes(accountId) && c.symbols[kind].has(symbol));
	}

	deliverMetrics(accountId: string, payload: unknown): number {
		return this.deliver('metricsEvent', payload, (c) => c.metrics.has(accountId));
	}

	/** A raw text frame to every authenticated socket (fault injection). */
	broadcastRaw(text: string): number {
		let sent = 0;
		for (const connection of this.live()) if (sendUnlessSilenced(connection.ws, text, this.deps.switches)) sent += 1;
		return sent;
	}

	// ---- control ----

	openCount(): number {
		return this.connections.openCount();
	}

	pingAll(): number {
		return this.connections.pingAll();
	}

	terminateAll(): number {
		return this.connections.terminateAll();
	}

	/** Closes every authenticated socket with 1008 (its token was revoked). */
	closeAuthenticated(reason: string): number {
		return this.connections.closeOpen(POLICY_VIOLATION, reason, (connection) => connection.session !== undefined);
	}

	/** Subscriptions on these channels are made but neither `subscribed` nor a first event answers them. */
	withholdAcknowledgements(channels: readonly HelioChannel[]): void {
		this.withheld = new Set(channels);
	}

	/** After silence(): nobody is blamed for pongs we did not wait for. */
	resetLiveness(): void {
		for (const connection of this.connections) connection.awaitingPong = false;
	}

	close(): Promise<void> {
		this.terminateAll();
		return new Promise((resolve) => this.server.close(() => resolve()));
	}

	// ---- connections ----

	private accept(ws: WebSocket, req: IncomingMessage): void {
		const { events, sessions, switches, timers, clock } = this.deps;
		const token = new URL(req.url ?? '/', 'http://simulator').searchParams.get('token');
		const check = sessions.check(token);
		const connection: Connection = {
			id: this.nextId++,
			ws,
			session: check.ok ? check.session : undefined,
			symbols: { quoteEvent: new Set(), executionEvent: new Set(), portfolioEvent: new Set() },
			depth: new Map(),
			metrics: new Set(),
			awaitingPong: false,
		};
		this.connections.add(connection);
		ws.on('error', () => {
			// 'close' follows; a bad client frame (e.g. over maxPayload) must not crash the server.
		});
		ws.on('close', (code: number, reason: Buffer) => {
			timers.cancel(connection.expiryTimer);
			this.connections.delete(connection);
			events.emit('ws:close', { connectionId: connection.id, code, reason: reason.toString('utf8') });
		});
		events.emit('ws:connection', {
			connectionId: connection.id,
			remoteAddress: req.socket.remoteAddress,
			ok: check.ok,
			...(check.ok ? { email: check.session.email } : {}),
		});
		// Accepted, then closed at once: what "closed immediately" looks like to a client [inferred].
		if (!check.ok) return ws.close(POLICY_VIOLATION, 'invalid token');

		if (this.deps.closeSocketsOnTokenExpiry) {
			connection.expiryTimer = timers.after(check.session.expiresAtMs - clock.now(), () => ws.close(POLICY_VIOLATION, 'token expired'));
		}
		answerProtocolPings(ws, switches, (answered) => events.emit('ws:protocol-ping', { connectionId: connection.id, answered }));
		ws.on('pong', () => {
			connection.awaitingPong = false;
			events.emit('ws:protocol-pong', { connectionId: connection.id });
		});
		const live = connection as LiveConnection;
		ws.on('message', (raw: WebSocket.RawData, isBinary: boolean) => this.onMessage(live, raw, isBinary));
	}

	/** One ping per interval; whoever has not answered the previous one is dropped. Silence pauses it all. */
	private livenessRound(): void {
		if (this.deps.switches.silenced) return;
		pingOrTerminate(this.live(), (connection) => this.deps.events.emit('ws:ping-timeout', { connectionId: connection.id }));
	}

	// ---- client messages ----

	private onMessage(connection: LiveConnection, raw: WebSocket.RawData, isBinary: boolean): void {
		const { text, parsed } = readClientFrame(raw, isBinary);
		this.deps.events.emit('ws:message', { connectionId: connection.id, message: parsed, raw: text });
		if (isBinary) return this.sendError(connection, WS_ERROR.invalidMessage, 'Binary frames are not supported');
		if (parsed === undefined) return this.sendError(connection, WS_ERROR.invalidMessage, 'Malformed message: not valid JSON');
		const envelope = envelopeSchema.safeParse(parsed);
		if (!envelope.success) {
			return this.sendError(connection, WS_ERROR.invalidMessage, 'Malformed message: expected {"type": string, "payload": {…}}');
		}
		const { type, payload } = envelope.data;
		if (TRADING_MESSAGE_TYPES.has(type)) {
			return this.sendError(connection, WS_ERROR.invalidMessage, `${type} is not supported over the WebSocket here: use the REST API`);
		}
		if (!Object.hasOwn(clientPayloadSchemas, type))
			return this.sendError(connection, WS_ERROR.invalidMessage, `Unknown message type: ${type}`);
		if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
			return this.sendError(connection, WS_ERROR.invalidMessage, `Invalid ${type}: payload must be an object`);
		}
		const result = clientPayloadSchemas[type as ClientMessageType].safeParse(payload);
		if (!result.success) {
			return this.sendError(connection, WS_ERROR.invalidMessage, `Invalid ${type} payload: ${describeZodError(result.error).message}`);
		}
		this.dispatch(connection, type as ClientMessageType, result.data);
	}

	private dispatch(connection: LiveConnection, type: ClientMessageType, payload: unknown): void {
		switch (type) {
			case 'subscribe':
			case 'unsubscribe':
				return this.subscribeEvents(connection, type, payload as ClientPayload<'subscribe'>);
			case 'depthSubscribe':
				return this.subscribeDepth(connection, payload as ClientPayload<'depthSubscribe'>);
			case 'depthUnsubscribe':
				return this.unsubscribeDepth(connection, payload as ClientPayload<'depthUnsubscribe'>);
			case 'metricsSubscribe':
			case 'metricsUnsubscribe':
				return this.subscribeMetrics(connection, type === 'metricsSubscribe', payload as ClientPayload<'metricsSubscribe'>);
		}
	}

	private subscribeEvents(
		connection: Connection,
		type: 'subscribe' | 'unsubscribe',
		{ symbols, events }: ClientPayload<'subscribe'>,
	): void {
		const unknown = symbols.filter((symbol) => !this.deps.symbols.has(symbol));
		if (unknown.length > 0) return this.sendError(connection, WS_ERROR.unknownSymbol, `Unknown symbol: ${unknown.join(', ')}`);
		for (const kind of EVENT_KINDS) {
			if (!events.includes(kind)) continue;
			for (const symbol of symbols) {
				if (type === 'subscribe') connection.symbols[kind].add(symbol);
				else connection.symbols[kind].delete(symbol);
			}
		}
		this.acknowledge(connection, type === 'subscribe', { channel: 'events', symbols, events });
	}

	private subscribeDepth(connection: Connection, { symbol, depth = DEFAULT_DEPTH }: ClientPayload<'depthSubscribe'>): void {
		if (!this.deps.symbols.has(symbol)) return this.sendError(connection, WS_ERROR.unknownSymbol, `Unknown symbol: ${symbol}`);
		connection.depth.set(symbol, depth);
		this.acknowledge(connection, true, { channel: 'depth', symbol, depth }, () =>
			this.sendEvent(connection, 'depthEvent', this.deps.current.depth(symbol, depth)),
		);
	}

	private unsubscribeDepth(connection: Connection, { symbol }: ClientPayload<'depthUnsubscribe'>): void {
		if (!this.deps.symbols.has(symbol)) return this.sendError(connection, WS_ERROR.unknownSymbol, `Unknown symbol: ${symbol}`);
		connection.depth.delete(symbol);
		this.acknowledge(connection, false, { channel: 'depth', symbol });
	}

	private subscribeMetrics(connection: LiveConnection, subscribe: boolean, { accountId }: ClientPayload<'metricsSubscribe'>): void {
		// Another user's account is as unknown to this token as one that does not exist.
		if (!connection.session.accountIds.includes(accountId)) {
			return this.sendError(connection, WS_ERROR.unknownAccount, `Unknown account: ${accountId}`);
		}
		if (subscribe) connection.metrics.add(accountId);
		else connection.metrics.delete(accountId);
		this.acknowledge(connection, subscribe, { channel: 'metrics', accountId }, () =>
			this.sendEvent(connection, 'metricsEvent', this.deps.current.metrics(accountId)),
		);
	}

	/** `subscribed` / `unsubscribed`; or, where the dialect acknowledges a subscription by its first event, `firstEvent`. */
	private acknowledge(
		connection: Connection,
		subscribed: boolean,
		payload: Omit<HelioSubscription, 'connectionId'>,
		firstEvent?: () => void,
	): void {
		this.deps.events.emit(subscribed ? 'ws:subscribe' : 'ws:unsubscribe', { connectionId: connection.id, ...payload });
		if (this.withheld.has(payload.channel)) return;
		if (subscribed && firstEvent && acknowledgesWithFirstEvent(this.deps.dialect, payload.channel)) return firstEvent();
		this.sendFrame(connection, subscribed ? 'subscribed' : 'unsubscribed', payload);
	}

	// ---- sending ----

	/** Sockets with a valid token that are still open. */
	private *live(): Generator<LiveConnection> {
		for (const connection of this.connections) {
			if (connection.session && connection.ws.readyState === connection.ws.OPEN) yield connection as LiveConnection;
		}
	}

	private deliver(type: string, payload: unknown, wants: (connection: LiveConnection) => boolean): number {
		const frame = JSON.stringify({ type, payload: eventPayload(this.deps.dialect, type, payload) });
		let sent = 0;
		for (const connection of this.live()) {
			if (wants(connection) && sendUnlessSilenced(connection.ws, frame, this.deps.switches)) sent += 1;
		}
		return sent;
	}

	private sendError(connection: Connection, code: string, message: string): void {
		this.sendFrame(connection, 'error', { code, message });
	}

	/** An event to one socket, in the dialect's shape. */
	private sendEvent(connection: Connection, type: string, payload: unknown): boolean {
		return this.sendFrame(connection, type, eventPayload(this.deps.dialect, type, payload));
	}

	private sendFrame(connection: Connection, type: string, payload: unknown): boolean {
		return sendUnlessSilenced(connection.ws, JSON.stringify({ type, payload }), this.deps.switches);
	}
}
