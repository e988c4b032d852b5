/**
 * The simulated Helio venue behind the '/helio' prefix (the credential's Trader Host): login,
 * the per-account REST API, the Trader WebSocket, a coherent market, and the control API tests
 * and the demo use to drive it.
 */
import type { HelioDialect } from '../dialects';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { SystemClock, TimerGroup, type Clock } from '../clock';
import { ConnectionFaultSwitches, RestFaultQueue } from '../faults';
import { Random } from '../random';
import { rejectUpgrade, type VenueMount } from '../server';
import { TypedEvents } from '../typedEvents';
import { HelioFaults } from './faults';
import { InstrumentTable } from './instruments';
import { HelioLiveMarket } from './liveMarket';
import { HelioMarket } from './market';
import { HelioOperations, type Reply } from './operations';
import { resolveHelioOptions, type HelioSimOptions } from './options';
import { HelioRest } from './rest';
import { SessionStore, type LoginAnswer } from './sessions';
import type { HelioSimEvents } from './simEvents';
import { iso, type MetricsEventPayload, type PositionView, type QuoteEventPayload } from './types';
import { HelioWebSocket } from './websocket';

export interface HelioEndpoints {
	/** http://host:port */
	baseUrl: string;
	/** ws://host:port */
	wsBaseUrl: string;
}

export const HELIO_PREFIX = '/helio';
const WS_PATH = '/api/v1/ws';

export class HelioSimulator implements VenueMount {
	readonly prefix = HELIO_PREFIX;
	/** The reading of what the docs leave open this venue speaks (dialects.ts, dialect.ts). */
	readonly dialect: HelioDialect;
	/** The Trader Host: `<baseUrl>/helio`. */
	readonly restUrl: string;
	/** `ws://host:port/helio/api/v1/ws`, without the `?token=`. */
	readonly wsUrl: string;
	/** The default user's login. */
	readonly email: string;
	readonly password: string;
	/** The default user's accounts, as the login answers them. */
	readonly accounts: ReadonlyArray<{ id: string; gid: number | string }>;
	readonly symbols: readonly string[];
	readonly events = new TypedEvents<HelioSimEvents>();
	readonly faults: HelioFaults;
	/** The market state itself, for tests that need more than the control methods below. */
	readonly market: HelioMarket;

	private readonly clock: Clock;
	private readonly timers: TimerGroup;
	private readonly sessions: SessionStore;
	private readonly operations: HelioOperations;
	private readonly websocket: HelioWebSocket;
	private readonly rest: HelioRest;
	private readonly liveMarket: HelioLiveMarket;
	private closing: Promise<void> | undefined;

	constructor(endpoints: HelioEndpoints, options: HelioSimOptions = {}) {
		const resolved = resolveHelioOptions(options);
		this.dialect = resolved.dialect;
		this.restUrl = `${endpoints.baseUrl}${HELIO_PREFIX}`;
		this.wsUrl = `${endpoints.wsBaseUrl}${HELIO_PREFIX}${WS_PATH}`;
		this.email = resolved.email;
		this.password = resolved.password;
		this.accounts = resolved.accounts.map(({ id, gid }) => ({ id, gid }));

		this.clock = resolved.clock ?? new SystemClock();
		this.timers = new TimerGroup(this.clock);
		const instruments = new InstrumentTable();
		this.symbols = instruments.symbols;
		this.market = new HelioMarket(instruments, this.clock, this.timers, new Random(resolved.seed), {
			accounts: resolved.users.flatMap((user) => user.accounts),
			initialBalance: resolved.initialBalance,
			leverage: resolved.leverage,
			splitAboveLots: resolved.splitAboveLots,
			partialFillDelayMs: resolved.partialFillDelayMs,
		});
		// Tokens draw from their own stream, so logging in does not change the market's walk.
		const tokenRandom = new Random(resolved.seed === undefined ? undefined : resolved.seed ^ 0x5eed);
		this.sessions = new SessionStore(resolved.users, this.clock, tokenRandom, resolved.tokenTtlMs);
		this.operations = new HelioOperations(this.market, this.dialect);

		const switches = new ConnectionFaultSwitches();
		const restFaults = new RestFaultQueue();
		this.websocket = new HelioWebSocket({
			sessions: this.sessions,
			switches,
			events: this.events,
			timers: this.timers,
			clock: this.clock,
			symbols: new Set(this.symbols),
			pingIntervalMs: resolved.pingIntervalMs,
			closeSocketsOnTokenExpiry: resolved.closeSocketsOnTokenExpiry,
			dialect: this.dialect,
			current: { depth: (symbol, levels) => this.market.depth(symbol, levels), metrics: (accountId) => this.market.metrics(accountId) },
		});
		this.rest = new HelioRest({
			sessions: this.sessions,
			operations: this.operations,
			switches,
			restFaults,
			events: this.events,
			timers: this.timers,
			clock: this.clock,
			maxBodyBytes: resolved.maxBodyBytes,
			dialect: this.dialect,
		});
		this.liveMarket = new HelioLiveMarket(this.market, this.clock, resolved.quoteIntervalMs);
		this.faults = new HelioFaults({ websocket: this.websocket, sessions: this.sessions, switches, restFaults, clock: this.clock });
		this.wireMarket();
	}

	// ---- control API ----

	/** Moves a symbol's quote (rounded to its digits): quoteEvent, depthEvent, fills, stops, metrics follow. */
	setQuote(symbol: string, bid: number, ask: number): QuoteEventPayload {
		return quotePayload(this.market.setQuote(symbol, bid, ask));
	}

	quote(symbol: string): QuoteEventPayload {
		return quotePayload(this.market.quotes.get(symbol));
	}

	/** What `POST /api/v1/accounts/{accountId}/orders` with this body answers, without HTTP or a token. */
	placeOrderAs(accountId: string, body: unknown): Reply {
		return HelioOperations.answer(() => this.operations.createOrder(accountId, body));
	}

	/** A login of the default user (or another configured one) without HTTP: what POST /api/v1/login answers. */
	issueToken(email: string = this.email): LoginAnswer {
		const user = this.sessions.user(email);
		if (!user) throw new Error(`issueToken: no user ${email}`);
		return this.sessions.issue(user);
	}

	openPositions(accountId: string): PositionView[] {
		return this.market.openPositions(accountId);
	}

	metrics(accountId: string): MetricsEventPayload {
		return this.market.metrics(accountId);
	}

	/** Every symbol's quote takes a random-walk step every `quoteIntervalMs`. */
	startMarket(): void {
		this.liveMarket.start();
	}

	stopMarket(): void {
		this.liveMarket.stop();
	}

	get marketRunning(): boolean {
		return this.liveMarket.running;
	}

	/** A protocol ping to every open socket now (liveness still only judges the periodic ones). */
	pingClients(): number {
		return this.websocket.pingAll();
	}

	openSockets(): number {
		return this.websocket.openCount();
	}

	/** The payload of the next matching event; rejects after `timeoutMs` (default 5000). */
	waitFor<K extends keyof HelioSimEvents>(
		name: K,
		predicate?: (payload: HelioSimEvents[K]) => boolean,
		timeoutMs?: number,
	): Promise<HelioSimEvents[K]> {
		return this.events.waitFor(name, predicate, timeoutMs);
	}

	// ---- VenueMount ----

	handleHttp(req: IncomingMessage, res: ServerResponse, subPath: string): void {
		this.rest.handle(req, res, subPath);
	}

	handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, subPath: string): void {
		if (this.closing) return rejectUpgrade(socket, 503);
		if (subPath !== WS_PATH) return rejectUpgrade(socket, 404);
		this.websocket.handleUpgrade(req, socket, head);
	}

	/** Terminates every socket (faults.dropConnections()); returns how many. */
	dropConnections(): number {
		return this.faults.dropConnections();
	}

	close(): Promise<void> {
		this.closing ??= (async () => {
			this.liveMarket.stop();
			this.timers.clear();
			this.market.dispose();
			await this.websocket.close();
			this.events.dispose('simulator closed');
		})();
		return this.closing;
	}

	/** Market events → WebSocket frames (and `ws:event` for the log), plus the test-facing events. */
	private wireMarket(): void {
		const { events } = this.market;
		const sent = (type: string, payload: unknown, recipients: number): void => this.events.emit('ws:event', { type, payload, recipients });
		events.on('quote', ({ quote }) => {
			const payload = quotePayload(quote);
			sent('quoteEvent', payload, this.websocket.deliverQuote(quote.symbol, payload));
			const depth = this.websocket.deliverDepth(quote.symbol, (levels) => this.market.depth(quote.symbol, levels));
			if (depth > 0) sent('depthEvent', { symbol: quote.symbol }, depth);
		});
		events.on('execution', ({ accountId, symbol, payload }) => {
			sent('executionEvent', payload, this.websocket.deliverAccountEvent('executionEvent', accountId, symbol, payload));
		});
		events.on('portfolio', ({ accountId, symbol }) => {
			const payload = this.market.portfolio(accountId);
			sent('portfolioEvent', payload, this.websocket.deliverAccountEvent('portfolioEvent', accountId, symbol, payload));
		});
		events.on('equity', ({ accountId }) => {
			const payload = this.market.metrics(accountId);
			sent('metricsEvent', payload, this.websocket.deliverMetrics(accountId, payload));
		});
		events.on('order:created', (payload) => this.events.emit('order:created', payload));
		events.on('order:filled', (payload) => this.events.emit('order:filled', payload));
		events.on('order:ended', (payload) => this.events.emit('order:ended', payload));
		events.on('position:closed', (payload) => this.events.emit('position:closed', payload));
	}
}

function quotePayload(quote: { symbol: string; bid: number; ask: number; at: number }): QuoteEventPayload {
	return { symbol: quote.symbol, bid: quote.bid, ask: quote.ask, ts: iso(quote.at) };
}
