/**
 * The simulated agg.market behind the '/agg' prefix: app and user auth with refresh, the
 * execution REST API, the socket with user events and order books, a coherent activity, and the
 * control API tests and the demo use to drive it.
 */
import type { AggDialect } from '../dialects';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { SystemClock, TimerGroup, type Clock } from '../clock';
import { ConnectionFaultSwitches, RestFaultQueue, type PagingSwitch } from '../faults';
import { Random } from '../random';
import { rejectUpgrade, type VenueMount } from '../server';
import { TypedEvents } from '../typedEvents';
import { OrderBooks, type DeltaFrame, type LevelChange, type SnapshotFrame } from './books';
import { buildCatalog, type Outcome } from './catalog';
import { AggFaults } from './faults';
import { Ledger } from './ledger';
import { AggLiveMarket } from './liveMarket';
import { resolveAggOptions, type AggSimOptions } from './options';
import { OrderDesk, type PlaceOrderInput, type PlacedOrder, type UserMessage } from './orders';
import { AggRest } from './rest';
import { AggSessions, type TokenPair } from './sessions';
import type { AggSimEvents } from './simEvents';
import { AggWebSocket } from './websocket';

export interface AggEndpoints {
	/** http://host:port */
	baseUrl: string;
	/** ws://host:port */
	wsBaseUrl: string;
}

export const AGG_PREFIX = '/agg';
const WS_PATH = '/ws';
/** The live market moves the headline markets' outcomes (the first twelve). */
const LIVE_OUTCOMES = 12;

export class AggSimulator implements VenueMount {
	readonly prefix = AGG_PREFIX;
	/** `<baseUrl>/agg`: the REST base. */
	/** The reading of what the docs leave open this venue speaks (dialects.ts). */
	readonly dialect: AggDialect;
	readonly restUrl: string;
	/** `ws://host:port/agg/ws`, without the query (`?appId=…&token=…`). */
	readonly wsUrl: string;
	readonly appId: string;
	readonly userId: string;
	/** A valid pair for the default user, issued at start. */
	readonly accessToken: string;
	readonly refreshToken: string;
	readonly refreshPath: string;
	/** Every listed outcome; the first twelve are the headline markets' Yes/No. */
	readonly outcomes: readonly Outcome[];
	readonly events = new TypedEvents<AggSimEvents>();
	readonly faults: AggFaults;

	private readonly clock: Clock;
	private readonly timers: TimerGroup;
	private readonly sessions: AggSessions;
	private readonly books: OrderBooks;
	private readonly desk: OrderDesk;
	private readonly websocket: AggWebSocket;
	private readonly rest: AggRest;
	private readonly liveMarket: AggLiveMarket;
	private closing: Promise<void> | undefined;

	constructor(endpoints: AggEndpoints, options: AggSimOptions = {}) {
		const resolved = resolveAggOptions(options);
		this.dialect = resolved.dialect;
		this.restUrl = `${endpoints.baseUrl}${AGG_PREFIX}`;
		this.wsUrl = `${endpoints.wsBaseUrl}${AGG_PREFIX}${WS_PATH}`;
		this.appId = resolved.appId;
		this.userId = resolved.userId;
		this.refreshPath = resolved.refreshPath;
		this.clock = resolved.clock ?? new SystemClock();
		this.timers = new TimerGroup(this.clock);

		// Separate streams, so issuing tokens or placing orders does not change the books.
		const seed = resolved.seed;
		const stream = (salt: number): Random => new Random(seed === undefined ? undefined : seed ^ salt);
		this.outcomes = buildCatalog();
		this.books = new OrderBooks(this.outcomes, stream(0), resolved.dialect);
		const ledger = new Ledger(resolved.users, this.outcomes, resolved.positionCount, stream(0x1ed9e7), resolved.dialect);
		this.sessions = new AggSessions(resolved.users, this.clock, stream(0x5eed), resolved.tokenTtlMs);
		const initial = this.sessions.issue(this.userId);
		this.accessToken = initial.accessToken;
		this.refreshToken = initial.refreshToken;

		const switches = new ConnectionFaultSwitches();
		const restFaults = new RestFaultQueue();
		const paging: PagingSwitch = { cursorFault: undefined };
		this.websocket = new AggWebSocket({
			sessions: this.sessions,
			books: this.books,
			switches,
			events: this.events,
			timers: this.timers,
			clock: this.clock,
			appId: this.appId,
			allowedOrigins: resolved.allowedOrigins,
			heartbeatIntervalMs: resolved.heartbeatIntervalMs,
		});
		const orderRandom = stream(0x0d3e);
		this.desk = new OrderDesk({
			ledger,
			clock: this.clock,
			timers: this.timers,
			random: orderRandom,
			stepMs: resolved.orderStepMs,
			defaultUserId: this.userId,
			hasUser: (userId) => this.sessions.hasUser(userId),
			outcome: (outcomeId) => (this.books.has(outcomeId) ? this.books.outcome(outcomeId) : undefined),
			deliver: (userId, message) => {
				const recipients = this.websocket.deliverUser(userId, message);
				this.events.emit('user:event', { userId, message, recipients });
			},
		});
		this.rest = new AggRest({
			sessions: this.sessions,
			ledger,
			books: this.books,
			restFaults,
			switches,
			paging,
			events: this.events,
			timers: this.timers,
			clock: this.clock,
			random: stream(0x9047e),
			appId: this.appId,
			allowedOrigins: resolved.allowedOrigins,
			refreshPath: resolved.refreshPath,
			maxBodyBytes: resolved.maxBodyBytes,
		});
		this.liveMarket = new AggLiveMarket({
			timers: this.timers,
			random: stream(0x11fe),
			intervalMs: resolved.marketIntervalMs,
			movable: () =>
				this.outcomes
					.slice(0, LIVE_OUTCOMES)
					.map((o) => o.outcomeId)
					.filter((id) => !this.books.isResolved(id)),
			move: (outcomeId) => {
				const { bidChanges, askChanges } = this.books.randomChanges(outcomeId);
				this.moveBook(outcomeId, { bidChanges, askChanges });
			},
			price: (outcomeId) => this.books.top(outcomeId).ask ?? 0.5,
			placeOrder: (input) => this.placeOrder(input),
		});
		this.faults = new AggFaults({
			websocket: this.websocket,
			sessions: this.sessions,
			books: this.books,
			switches,
			restFaults,
			paging,
			refreshPath: resolved.refreshPath,
			clock: this.clock,
		});
	}

	// ---- control API ----

	/** Plays an order's life to the user's sockets: order_submitted, the DAG steps, then the fill (and balance) or the failure. */
	placeOrder(input: PlaceOrderInput): PlacedOrder {
		return this.desk.place(input);
	}

	/**
	 * One user event (`{type, …}`, fields at the top level, as placeOrder's script sends them) to
	 * the user's authenticated sockets now: a test can send a single event with an id of its own.
	 * Returns how many sockets got it.
	 */
	sendUserEvent(message: UserMessage, userId: string = this.userId): number {
		const recipients = this.websocket.deliverUser(userId, message);
		this.events.emit('user:event', { userId, message, recipients });
		return recipients;
	}

	/** Applies level changes (`totalSize` 0 removes a level) and sends the delta to the subscribers. */
	moveBook(outcomeId: string, changes: { bidChanges?: LevelChange[]; askChanges?: LevelChange[] }): DeltaFrame {
		const delta = this.books.apply(outcomeId, changes.bidChanges, changes.askChanges);
		const recipients = this.websocket.deliverDelta(delta);
		this.events.emit('book:delta', { outcomeId, seq: delta.seq, recipients });
		return delta;
	}

	/** The book as a snapshot would carry it now. */
	book(outcomeId: string): SnapshotFrame {
		return this.books.snapshot(outcomeId);
	}

	/** `market_resolved` to the subscribers; the book takes no more deltas or subscriptions. */
	resolveMarket(outcomeId: string): number {
		this.books.resolve(outcomeId);
		const recipients = this.websocket.deliverResolved(outcomeId);
		this.events.emit('market:resolved', { outcomeId, recipients });
		return recipients;
	}

	/** A new token pair for a user (the default one unless named), as if the user had signed in. */
	issueTokens(userId: string = this.userId): TokenPair {
		return this.sessions.issue(userId);
	}

	/** Random book moves every `marketIntervalMs`, and now and then an order of the default user. */
	startMarket(): void {
		this.liveMarket.start();
	}

	stopMarket(): void {
		this.liveMarket.stop();
	}

	get marketRunning(): boolean {
		return this.liveMarket.running;
	}

	openSockets(): number {
		return this.websocket.openCount();
	}

	/** The payload of the next matching event; rejects after `timeoutMs` (default 5000). */
	waitFor<K extends keyof AggSimEvents>(
		name: K,
		predicate?: (payload: AggSimEvents[K]) => boolean,
		timeoutMs?: number,
	): Promise<AggSimEvents[K]> {
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
			await this.websocket.close();
			this.events.dispose('simulator closed');
		})();
		return this.closing;
	}
}
