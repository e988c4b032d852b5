/**
 * The simulated Totalis venue: market, WebSocket, REST and SSE behind the '/totalis' prefix,
 * plus the control API tests and the demo use to drive it.
 */
import type { TotalisDialect } from '../dialects';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { SystemClock, TimerGroup, type Clock } from '../clock';
import { ConnectionFaultSwitches, RestFaultQueue } from '../faults';
import { Random } from '../random';
import { FixedWindowRateLimiter } from '../rateLimit';
import { rejectUpgrade, type VenueMount } from '../server';
import { TypedEvents } from '../typedEvents';
import { TotalisFaults } from './faults';
import { IdentityRegistry, type TotalisKeyIdentity } from './identities';
import { LiveMarket, type LiveMarketOptions } from './liveMarket';
import { Market, type AcceptOptions, type Acceptance, type QuoteAtCurrentVersion, type QuoteRequestInit } from './market';
import { resolveTotalisOptions, type ResolvedTotalisOptions, type TotalisSimOptions } from './options';
import type { QuoteRequestPayload, QuoteRequestView, RemovalReason, SubmittedQuotePayload } from './protocol';
import { RestApi } from './rest';
import type { TotalisSimEvents } from './simEvents';
import { SseGateway } from './sse';
import { WebSocketGateway } from './websocket';

export interface VenueEndpoints {
	/** http://host:port */
	baseUrl: string;
	/** ws://host:port */
	wsBaseUrl: string;
}

export const TOTALIS_PREFIX = '/totalis';

export class TotalisSimulator implements VenueMount {
	readonly prefix = TOTALIS_PREFIX;
	/** REST base URL: `<baseUrl>/totalis`. */
	/** The reading of what the docs leave open this venue speaks (dialects.ts). */
	readonly dialect: TotalisDialect;
	readonly restUrl: string;
	/** `ws://host:port/totalis/ws` */
	readonly wsUrl: string;
	/** The market-maker quote-request SSE stream. */
	readonly sseUrl: string;
	/** The default valid API key, and its owner's auth:success user_id and heartbeat mm_id. */
	readonly apiKey: string;
	readonly userId: string;
	readonly mmId: string;
	readonly events = new TypedEvents<TotalisSimEvents>();
	readonly faults: TotalisFaults;
	/** The market state itself, for tests that need more than the control methods below. */
	readonly market: Market;

	private readonly options: ResolvedTotalisOptions;
	private readonly clock: Clock;
	private readonly timers: TimerGroup;
	private readonly identities: IdentityRegistry;
	private readonly websocket: WebSocketGateway;
	private readonly sse: SseGateway;
	private readonly rest: RestApi;
	private readonly liveMarket: LiveMarket;
	private readonly heartbeats = new Map<string, number>();
	private closing: Promise<void> | undefined;

	constructor(endpoints: VenueEndpoints, options: TotalisSimOptions = {}) {
		this.options = resolveTotalisOptions(options);
		this.dialect = this.options.dialect;
		this.restUrl = `${endpoints.baseUrl}${TOTALIS_PREFIX}`;
		this.wsUrl = `${endpoints.wsBaseUrl}${TOTALIS_PREFIX}/ws`;
		this.sseUrl = `${this.restUrl}/v1/mm/quote-requests/stream`;
		this.apiKey = this.options.apiKey;
		this.userId = this.options.userId;
		this.mmId = this.options.mmId;

		this.clock = this.options.clock ?? new SystemClock();
		this.timers = new TimerGroup(this.clock);
		const random = new Random(this.options.seed);
		this.identities = new IdentityRegistry(this.options.keys);
		this.market = new Market(
			this.clock,
			random,
			{
				confirmationWindowMs: this.options.confirmationWindowMs,
				executeDelayMs: this.options.executeDelayMs,
				settleDelayMs: this.options.settleDelayMs,
				requestTtlMs: this.options.requestTtlMs,
			},
			this.dialect,
		);
		this.liveMarket = new LiveMarket(this.market, random, this.clock);

		const switches = new ConnectionFaultSwitches();
		const restFaults = new RestFaultQueue();
		const heartbeatHold = { ms: 0 };
		const quoteRaces = new Set<string>();
		this.websocket = new WebSocketGateway({
			identities: this.identities,
			switches,
			events: this.events,
			timers: this.timers,
			clock: this.clock,
			authTimeoutMs: this.options.authTimeoutMs,
		});
		this.sse = new SseGateway({
			switches,
			events: this.events,
			timers: this.timers,
			clock: this.clock,
			keepaliveMs: this.options.sseKeepaliveMs,
			snapshot: () => this.market.activeRequests(),
		});
		this.rest = new RestApi({
			market: this.market,
			identities: this.identities,
			limiter: new FixedWindowRateLimiter(this.clock, this.options.rateLimit.windowMs),
			rateLimits: this.options.rateLimit,
			restFaults,
			events: this.events,
			timers: this.timers,
			clock: this.clock,
			sse: this.sse,
			switches,
			maxBodyBytes: this.options.maxBodyBytes,
			heartbeatHold,
			quoteRaces,
			onHeartbeat: (identity) => {
				const now = this.clock.now();
				this.heartbeats.set(identity.mmId, now);
				this.events.emit('heartbeat', { mmId: identity.mmId, at: new Date(now).toISOString() });
			},
		});
		this.faults = new TotalisFaults({
			websocket: this.websocket,
			sse: this.sse,
			switches,
			restFaults,
			heartbeatHold,
			quoteRaces,
			clock: this.clock,
		});

		this.market.events.on('venue-event', ({ channels, type, data }) => this.deliver(channels, type, data));
		this.market.events.on('book-event', ({ event, data }) => {
			const recipients = this.sse.broadcast(event, data);
			this.events.emit('sse:event', { event, data, recipients });
		});
		this.market.events.on('quote:submitted', (payload) => this.events.emit('quote:submitted', payload));
		this.market.events.on('quote:accepted', (payload) => this.events.emit('quote:accepted', payload));
		this.market.events.on('quote:confirmed', (payload) => this.events.emit('quote:confirmed', payload));
	}

	// ---- control API ----

	/** A new active quote request (random plausible legs unless given); streamed as `quote_request`. */
	createQuoteRequest(partial: QuoteRequestInit = {}): QuoteRequestPayload {
		return this.market.createQuoteRequest(partial);
	}

	/** Bumps the version and request_hash; streamed as `quote_request:updated`; earlier quotes are void. */
	updateQuoteRequest(id: string, changes: { betAmount?: number } = {}): QuoteRequestPayload {
		return this.market.updateQuoteRequest(id, changes);
	}

	/** Closes a request; streamed as `quote_request:removed` `{id, reason}`. */
	removeQuoteRequest(id: string, reason: RemovalReason = 'cancelled'): void {
		this.market.removeQuoteRequest(id, reason);
	}

	/** What `GET /v1/quote-requests/{id}` answers. */
	getQuoteRequest(id: string): QuoteRequestView {
		return this.market.getQuoteRequest(id);
	}

	/** A quote from a simulated rival market maker (not one of the keys), at the current version. */
	addCompetitorQuote(requestId: string, options: QuoteAtCurrentVersion & { mmId?: string } = {}): SubmittedQuotePayload {
		return this.market.addCompetitorQuote(requestId, options);
	}

	/** A quote from our market maker (the one the API keys belong to) at the current version, placed straight in the market. */
	addOurQuote(requestId: string, options: QuoteAtCurrentVersion = {}): SubmittedQuotePayload {
		return this.market.quoteAtCurrentVersion(this.mmId, requestId, options);
	}

	/**
	 * The taker accepts a quote, by the id the PUT returned. Sends quote:accepted and/or
	 * mm_quote:accepted (order per `options.order`, random by default) with a new quote_id to
	 * confirm, and quote:rejected to every rival quote.
	 */
	acceptQuote(quoteId: string, options: AcceptOptions = {}): Acceptance {
		return this.market.acceptQuote(quoteId, options);
	}

	/** Sends a raw `{type, data}` event to the sockets subscribed to `channel`; returns how many got it. */
	publish(channel: string, type: string, data: unknown): number {
		return this.deliver([channel], type, data);
	}

	/** Starts the self-running market (new requests, version changes, a taker that accepts). */
	startMarket(options: LiveMarketOptions = {}): void {
		this.liveMarket.start(options);
	}

	stopMarket(): void {
		this.liveMarket.stop();
	}

	get marketRunning(): boolean {
		return this.liveMarket.running;
	}

	/** Adds a valid API key at run time. */
	addApiKey(apiKey: string, identity: TotalisKeyIdentity): void {
		this.identities.add(apiKey, identity);
	}

	/** Sends a WebSocket protocol ping to every open socket, as venues that check liveness do. */
	pingClients(): number {
		return this.websocket.pingAll();
	}

	openSockets(): number {
		return this.websocket.openCount();
	}

	openStreams(): number {
		return this.sse.openCount();
	}

	/** When this market maker last sent a heartbeat (default: the default key's mm_id). */
	lastHeartbeat(mmId: string = this.mmId): Date | undefined {
		const at = this.heartbeats.get(mmId);
		return at === undefined ? undefined : new Date(at);
	}

	/** The payload of the next matching event; rejects after `timeoutMs` (default 5000). */
	waitFor<K extends keyof TotalisSimEvents>(
		name: K,
		predicate?: (payload: TotalisSimEvents[K]) => boolean,
		timeoutMs?: number,
	): Promise<TotalisSimEvents[K]> {
		return this.events.waitFor(name, predicate, timeoutMs);
	}

	// ---- VenueMount ----

	handleHttp(req: IncomingMessage, res: ServerResponse, subPath: string): void {
		this.rest.handle(req, res, subPath);
	}

	handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, subPath: string): void {
		if (this.closing) return rejectUpgrade(socket, 503);
		if (subPath !== '/ws') return rejectUpgrade(socket, 404);
		this.websocket.handleUpgrade(req, socket, head);
	}

	/** Terminates every WebSocket and cuts every SSE stream (faults.dropConnections()); returns how many in all. */
	dropConnections(): number {
		const { sockets, streams } = this.faults.dropConnections();
		return sockets + streams;
	}

	close(): Promise<void> {
		this.closing ??= (async () => {
			this.liveMarket.stop();
			this.market.dispose();
			this.timers.clear();
			this.sse.close();
			await this.websocket.close();
			this.events.dispose('simulator closed');
		})();
		return this.closing;
	}

	private deliver(channels: string[], type: string, data: unknown): number {
		const recipients = this.websocket.deliver(channels, type, data);
		this.events.emit('ws:event', { channels, type, data, recipients });
		return recipients;
	}
}
