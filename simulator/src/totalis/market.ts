/**
 * The Totalis market as plain state plus a clock: quote requests and their versions, market
 * makers' quotes, the taker's acceptances, confirmations and settlements. It knows nothing of
 * sockets; it emits 'venue-event' (for WebSocket channels) and 'book-event' (for the SSE stream)
 * and the transports deliver them.
 */
import { TimerGroup, type Clock, type TimerHandle } from '../clock';
import type { TotalisDialect } from '../dialects';
import type { Random } from '../random';
import { TypedEvents } from '../typedEvents';
import { TotalisError } from './errors';
import { exposureLegsOf, generateLegs, plausibleOdds } from './legs';
import {
	bestOf,
	bestQuotePayload,
	bookQuotePayload,
	hashRequest,
	iso,
	pricing,
	requestPayload,
	round2,
	type QuoteState,
	type RequestState,
} from './marketState';
import {
	MM_QUOTES_CHANNEL_PREFIX,
	RFQ_CHANNEL_PREFIX,
	type BookEventName,
	type Leg,
	type QuoteRequestPayload,
	type QuoteRequestView,
	type RemovalReason,
	type SettlementOutcome,
	type SubmitQuoteBody,
	type SubmittedQuotePayload,
	type TotalisEventPayloads,
	type TotalisEventType,
	type WithdrawQuoteBody,
} from './protocol';

export interface MarketTiming {
	/** How long a market maker has to confirm an accepted quote (default 5000). */
	confirmationWindowMs: number;
	/** From confirmation to quote:executed + position:created (default 100). */
	executeDelayMs: number;
	/** From position:created to position:settled (default 2000). */
	settleDelayMs: number;
	/** Lifetime of a new quote request (default 60000). */
	requestTtlMs: number;
}

export const DEFAULT_MARKET_TIMING: MarketTiming = {
	confirmationWindowMs: 5000,
	executeDelayMs: 100,
	settleDelayMs: 2000,
	requestTtlMs: 60_000,
};

/** Which acceptance events go out, and in which order (the docs say either may come first). */
export type AcceptOrder = 'accepted-first' | 'mm-first' | 'accepted-only' | 'mm-only';

/** How the trade ends after confirmation. */
export type SettlementPlan = SettlementOutcome | 'cancelled' | 'error';

export interface AcceptOptions {
	/** Default: 'accepted-first' or 'mm-first' at random. */
	order?: AcceptOrder;
	/** Confirmation window for this acceptance (default: the market's confirmationWindowMs). */
	deadlineMs?: number;
	/** Default: 'win' or 'loss' at random. */
	settlement?: SettlementPlan;
}

export interface Acceptance {
	rfqId: string;
	/** The id to confirm (quote:accepted / mm_quote:accepted `quote_id`). */
	quoteId: string;
	/** The id the market maker's PUT returned (mm_quote:accepted `draft_quote_id`). */
	draftQuoteId: string;
	requestId: string;
	marketMakerId: string;
	order: AcceptOrder;
	acceptedAt: string;
	confirmationDeadline: string;
}

export interface QuoteRequestInit {
	id?: string;
	betAmount?: number;
	/** Leg ids are generated when absent. */
	legs?: Array<Omit<Leg, 'id'> & { id?: string }>;
	ttlMs?: number;
	/** The taker's user id (mm_quote:accepted `user_id`). */
	takerUserId?: string;
}

export interface SubmitQuoteResult {
	quote: SubmittedQuotePayload;
	book_seq: number;
	replaced: boolean;
}

export interface MarketEvents {
	/** A WebSocket event for these (canonical) channels. */
	'venue-event': { channels: string[]; type: TotalisEventType; data: TotalisEventPayloads[TotalisEventType] };
	/** An SSE event of the quote-request stream. */
	'book-event': { event: BookEventName; data: QuoteRequestPayload | { id: string; reason: RemovalReason } };
	'quote:submitted': { requestId: string; mmId: string; quote: SubmittedQuotePayload; replaced: boolean };
	'quote:accepted': Acceptance;
	'quote:confirmed': { quoteId: string; rfqId: string; executionId: string; latencyMs: number; stamps: ConfirmStamps };
}

/**
 * Where a confirm's time went, in ms since the epoch to the µs (`performance.timeOrigin +
 * performance.now()`, a clock shared with other threads and processes): the first acceptance
 * frame handed to the sockets, the confirm request reaching the simulator (when the REST call
 * says), and the confirm done.
 */
export interface ConfirmStamps {
	acceptanceSent: number;
	confirmArrived?: number;
	confirmed: number;
}

function preciseNow(): number {
	return performance.timeOrigin + performance.now();
}

interface AcceptanceState {
	acceptance: Acceptance;
	acceptedAtMs: number;
	/** When the first acceptance frame was handed to the sockets (ConfirmStamps). */
	acceptanceSentAt: number;
	deadlineMs: number;
	settlement: SettlementPlan;
	status: 'awaiting' | 'confirmed' | 'expired';
	deadlineTimer?: TimerHandle;
	/** When nothing more will happen to this trade (expired, or its position ended). */
	finishedAtMs?: number;
}

export const COMPETITOR_MM_ID = 'mm_sim_competitor';
const BET_AMOUNTS = [10, 25, 50, 100, 250];

/** The odds (by default plausible ones for the legs) and lifetime (30 s) of a quote placed straight in the market. */
export interface QuoteAtCurrentVersion {
	payoutOdds?: number;
	expiresInMs?: number;
}

export class Market {
	readonly events = new TypedEvents<MarketEvents>();
	readonly timing: MarketTiming;
	private readonly timers: TimerGroup;
	private readonly requests = new Map<string, RequestState>();
	private readonly quotes = new Map<string, QuoteState>();
	private readonly quotesByRequest = new Map<string, QuoteState[]>();
	/** By the accepted quote id (the one to confirm). */
	private readonly acceptances = new Map<string, AcceptanceState>();

	constructor(
		private readonly clock: Clock,
		private readonly random: Random,
		timing: Partial<MarketTiming> = {},
		/** Where position events go: `docs` only to rfq:<id>; `mm-channel` to the market maker's channel as well. */
		private readonly dialect: TotalisDialect = 'docs',
	) {
		this.timing = { ...DEFAULT_MARKET_TIMING, ...timing };
		this.timers = new TimerGroup(clock);
	}

	// ---- quote requests ----

	createQuoteRequest(init: QuoteRequestInit = {}): QuoteRequestPayload {
		const now = this.clock.now();
		const id = init.id ?? this.random.uuid();
		if (this.requests.has(id)) throw new Error(`quote request ${id} already exists`);
		const legs = init.legs ? init.legs.map((leg) => ({ ...leg, id: leg.id ?? this.random.uuid() })) : generateLegs(this.random, now);
		if (legs.length === 0) throw new Error('a quote request needs at least one leg');
		const request: RequestState = {
			id,
			rfqId: this.random.uuid(),
			version: 1,
			requestHash: '',
			bookSeq: 1,
			status: 'active',
			betAmount: init.betAmount ?? this.random.pick(BET_AMOUNTS),
			legs,
			expiresAtMs: now + (init.ttlMs ?? this.timing.requestTtlMs),
			takerUserId: init.takerUserId ?? `did:privy:cm${this.random.hex(23)}`,
		};
		request.requestHash = hashRequest(request);
		request.expiryTimer = this.timers.after(request.expiresAtMs - now, () => this.expireRequest(id));
		this.requests.set(id, request);
		const payload = requestPayload(request);
		this.events.emit('book-event', { event: 'quote_request', data: payload });
		return payload;
	}

	/** A new version (the taker changed something): earlier quotes are void and must be re-priced. */
	updateQuoteRequest(id: string, changes: { betAmount?: number } = {}): QuoteRequestPayload {
		const request = this.activeRequestOrThrow(id);
		request.version += 1;
		request.bookSeq += 1;
		if (changes.betAmount !== undefined) request.betAmount = changes.betAmount;
		request.requestHash = hashRequest(request);
		for (const quote of this.quotesOf(id)) if (quote.status === 'open') quote.status = 'void';
		const payload = requestPayload(request);
		this.events.emit('book-event', { event: 'quote_request:updated', data: payload });
		return payload;
	}

	removeQuoteRequest(id: string, reason: RemovalReason): void {
		const request = this.activeRequestOrThrow(id);
		this.closeRequest(request, reason);
	}

	getQuoteRequest(id: string): QuoteRequestView {
		const request = this.requests.get(id);
		if (!request) throw new TotalisError('NOT_FOUND', `Quote request ${id} not found`);
		const quotes = this.activeQuotesOf(request);
		const best = bestOf(quotes);
		return {
			quote_request: requestPayload(request),
			quotes: quotes.map((quote) => bookQuotePayload(quote, request)),
			best_quote: best ? bestQuotePayload(best) : null,
		};
	}

	activeRequests(): QuoteRequestPayload[] {
		return [...this.requests.values()].filter((r) => r.status === 'active').map((r) => requestPayload(r));
	}

	/** The highest-odds live quote on a request (draft id), if any. */
	bestQuoteId(requestId: string): string | undefined {
		const request = this.requests.get(requestId);
		return request ? bestOf(this.activeQuotesOf(request))?.id : undefined;
	}

	// ---- market makers ----

	submitQuote(mmId: string, requestId: string, body: SubmitQuoteBody): SubmitQuoteResult {
		const request = this.requests.get(requestId);
		if (!request) throw new TotalisError('NOT_FOUND', `Quote request ${requestId} not found`);
		if (request.status !== 'active') {
			throw new TotalisError('CONFLICT', `Quote request is ${request.status}`, { reason: 'request_not_active', status: request.status });
		}
		if (body.request_version !== request.version || body.request_hash !== request.requestHash) {
			throw new TotalisError('CONFLICT', 'Quote request has a newer version; re-price against it', {
				reason: 'version_mismatch',
				current_version: request.version,
			});
		}
		const now = this.clock.now();
		let replaced = false;
		for (const quote of this.quotesOf(requestId)) {
			if (quote.mmId === mmId && quote.status === 'open') {
				quote.status = 'replaced';
				replaced = true;
			}
		}
		const totalPayout = round2(request.betAmount * body.payout_odds);
		const quote: QuoteState = {
			id: this.random.uuid(),
			requestId,
			mmId,
			requestVersion: request.version,
			requestHash: request.requestHash,
			payoutOdds: body.payout_odds,
			userCost: request.betAmount,
			totalPayout,
			mmCost: round2(totalPayout - request.betAmount),
			validUntilMs: now + body.expires_in_ms,
			status: 'open',
		};
		this.quotes.set(quote.id, quote);
		this.quotesOf(requestId).push(quote);
		request.bookSeq += 1;
		const payload: SubmittedQuotePayload = {
			id: quote.id,
			market_maker_id: mmId,
			request_version: quote.requestVersion,
			request_hash: quote.requestHash,
			...pricing(quote),
		};
		this.events.emit('quote:submitted', { requestId, mmId, quote: payload, replaced });
		return { quote: payload, book_seq: request.bookSeq, replaced };
	}

	/** A quote from a simulated rival market maker at the current version. */
	addCompetitorQuote(requestId: string, options: QuoteAtCurrentVersion & { mmId?: string } = {}): SubmittedQuotePayload {
		return this.quoteAtCurrentVersion(options.mmId ?? COMPETITOR_MM_ID, requestId, options);
	}

	/** A quote from `mmId` at the request's current version, placed straight in the market (no REST call). */
	quoteAtCurrentVersion(mmId: string, requestId: string, options: QuoteAtCurrentVersion = {}): SubmittedQuotePayload {
		const request = this.activeRequestOrThrow(requestId);
		return this.submitQuote(mmId, requestId, {
			request_version: request.version,
			request_hash: request.requestHash,
			payout_odds: options.payoutOdds ?? plausibleOdds(this.random, request.legs.length),
			expires_in_ms: options.expiresInMs ?? 30_000,
		}).quote;
	}

	withdrawQuote(mmId: string, requestId: string, body: WithdrawQuoteBody = {}): 'withdrawn' | 'already_expired' {
		const request = this.requests.get(requestId);
		if (!request) throw new TotalisError('NOT_FOUND', `Quote request ${requestId} not found`);
		const own = this.quotesOf(requestId).filter((quote) => quote.mmId === mmId);
		const latest = own[own.length - 1];
		if (!latest) throw new TotalisError('NOT_FOUND', 'No quote from this market maker on this request');
		if (latest.status === 'accepted' || latest.status === 'confirmed') {
			throw new TotalisError('CONFLICT', 'The quote was accepted and can no longer be withdrawn', {
				reason: 'quote_accepted',
				quote_id: latest.id,
			});
		}
		const targetsOtherVersion =
			(body.request_version !== undefined && body.request_version !== latest.requestVersion) ||
			(body.request_hash !== undefined && body.request_hash !== latest.requestHash);
		if (latest.status !== 'open' || targetsOtherVersion || !this.isLive(latest, request)) return 'already_expired';
		latest.status = 'withdrawn';
		request.bookSeq += 1;
		this.publish([mmChannel(mmId)], 'quote:withdrawn', { quote_id: latest.id, rfq_id: request.rfqId });
		return 'withdrawn';
	}

	// ---- the taker and settlement ----

	/** The taker commits to a quote (by the id the market maker's PUT returned). */
	acceptQuote(draftQuoteId: string, options: AcceptOptions = {}): Acceptance {
		const quote = this.quotes.get(draftQuoteId);
		if (!quote) throw new TotalisError('NOT_FOUND', `Quote ${draftQuoteId} not found`);
		const request = this.requests.get(quote.requestId);
		if (!request || request.status !== 'active') {
			throw new TotalisError('CONFLICT', 'The quote request is no longer active', { reason: 'request_not_active' });
		}
		if (quote.status !== 'open' || !this.isLive(quote, request)) {
			throw new TotalisError('CONFLICT', `Quote is not live (${quote.status})`, { reason: 'quote_not_live' });
		}
		const now = this.clock.now();
		const deadlineMs = now + (options.deadlineMs ?? this.timing.confirmationWindowMs);
		const order = options.order ?? this.random.pick(['accepted-first', 'mm-first'] as const);
		const acceptance: Acceptance = {
			rfqId: request.rfqId,
			quoteId: this.random.uuid(),
			draftQuoteId: quote.id,
			requestId: request.id,
			marketMakerId: quote.mmId,
			order,
			acceptedAt: iso(now),
			confirmationDeadline: iso(deadlineMs),
		};
		const state: AcceptanceState = {
			acceptance,
			acceptedAtMs: now,
			acceptanceSentAt: 0,
			deadlineMs,
			settlement: options.settlement ?? this.random.pick(['win', 'loss'] as const),
			status: 'awaiting',
		};
		const rivals = this.activeQuotesOf(request).filter((other) => other.id !== quote.id);
		quote.status = 'accepted';
		this.acceptances.set(acceptance.quoteId, state);
		this.closeRequest(request, 'committed');
		this.events.emit('quote:accepted', acceptance);

		const channels = [mmChannel(quote.mmId)];
		const accepted = (): void =>
			this.publish(channels, 'quote:accepted', {
				quote_id: acceptance.quoteId,
				rfq_id: acceptance.rfqId,
				confirmation_deadline: acceptance.confirmationDeadline,
			});
		const details = (): void =>
			this.publish(channels, 'mm_quote:accepted', {
				rfq_id: acceptance.rfqId,
				quote_id: acceptance.quoteId,
				market_maker_id: quote.mmId,
				user_id: request.takerUserId,
				source: 'quote_request_commit',
				quote_request_id: request.id,
				draft_quote_id: quote.id,
				request_version: quote.requestVersion,
				request_hash: quote.requestHash,
				confirmation_deadline: acceptance.confirmationDeadline,
				accepted_at: acceptance.acceptedAt,
				quote: pricing(quote),
				exposure_legs: exposureLegsOf(request.legs),
			});
		state.acceptanceSentAt = preciseNow();
		if (order !== 'mm-only' && order !== 'mm-first') accepted();
		if (order !== 'accepted-only') details();
		if (order === 'mm-first') accepted();

		for (const rival of rivals) {
			rival.status = 'rejected';
			this.publish([mmChannel(rival.mmId)], 'quote:rejected', {
				quote_id: rival.id,
				rfq_id: request.rfqId,
				reason: 'another_quote_accepted',
			});
		}
		state.deadlineTimer = this.timers.after(deadlineMs - now, () => this.expireAcceptance(state));
		return acceptance;
	}

	/** The market maker confirms (REST `POST /mm/quotes/{quoteId}/confirm`). */
	confirmQuote(mmId: string, quoteId: string, arrivedAt?: number): { status: 'confirmed'; quote_id: string; execution_id: string } {
		const state = this.acceptances.get(quoteId);
		if (!state) {
			const draft = this.quotes.get(quoteId);
			if (!draft) throw new TotalisError('NOT_FOUND', `Quote ${quoteId} not found`);
			if (draft.mmId !== mmId) throw new TotalisError('FORBIDDEN', 'This quote belongs to another market maker');
			// A quote the PUT returned is never in the accepted state itself: the docs' 409 [inferred].
			throw new TotalisError('CONFLICT', `Quote ${quoteId} is not in accepted state`, { reason: 'not_accepted', status: 'draft' });
		}
		const { acceptance } = state;
		if (acceptance.marketMakerId !== mmId) throw new TotalisError('FORBIDDEN', 'This quote belongs to another market maker');
		// A deadline timer that has not fired yet still counts as missed.
		if (state.status === 'awaiting' && this.clock.now() > state.deadlineMs) this.expireAcceptance(state);
		if (state.status !== 'awaiting') {
			throw new TotalisError('CONFLICT', `Quote is not in accepted state (${state.status})`, {
				reason: 'not_accepted',
				status: state.status,
			});
		}
		state.status = 'confirmed';
		this.timers.cancel(state.deadlineTimer);
		const draft = this.quotes.get(acceptance.draftQuoteId);
		if (draft) draft.status = 'confirmed';
		const executionId = this.random.uuid();
		this.publish([mmChannel(mmId)], 'quote:confirmed', {
			quote_id: acceptance.quoteId,
			rfq_id: acceptance.rfqId,
			execution_id: executionId,
		});
		this.events.emit('quote:confirmed', {
			quoteId: acceptance.quoteId,
			rfqId: acceptance.rfqId,
			executionId,
			latencyMs: this.clock.now() - state.acceptedAtMs,
			stamps: { acceptanceSent: state.acceptanceSentAt, confirmArrived: arrivedAt, confirmed: preciseNow() },
		});
		this.timers.after(this.timing.executeDelayMs, () => this.execute(state));
		return { status: 'confirmed', quote_id: acceptance.quoteId, execution_id: executionId };
	}

	/** Publishes a raw venue event (used by the control API). */
	publishRaw(channels: string[], type: string, data: unknown): void {
		this.events.emit('venue-event', { channels, type: type as TotalisEventType, data: data as TotalisEventPayloads[TotalisEventType] });
	}

	/**
	 * Forgets requests closed and trades finished more than `retentionMs` ago, so a market that
	 * runs for hours keeps a bounded state. Their ids then answer 404.
	 */
	prune(retentionMs: number): void {
		const cutoff = this.clock.now() - retentionMs;
		for (const [id, request] of this.requests) {
			if (request.closedAtMs === undefined || request.closedAtMs > cutoff) continue;
			// Trades keep what they need in their acceptance, so the request can go.
			for (const quote of this.quotesOf(id)) this.quotes.delete(quote.id);
			this.quotesByRequest.delete(id);
			this.requests.delete(id);
		}
		for (const [id, state] of this.acceptances) {
			if (state.finishedAtMs !== undefined && state.finishedAtMs <= cutoff) this.acceptances.delete(id);
		}
	}

	/** Stops every timer (request expiry, deadlines, settlements). */
	dispose(): void {
		this.timers.clear();
	}

	// ---- internals ----

	private execute(state: AcceptanceState): void {
		const { rfqId, quoteId, marketMakerId } = state.acceptance;
		if (state.settlement === 'error') {
			state.finishedAtMs = this.clock.now();
			this.publishPosition(state, 'position:error', {
				rfq_id: rfqId,
				error: 'Vault execution failed (simulated)',
				timestamp: iso(this.clock.now()),
			});
			return;
		}
		const positionPda = this.random.base58(32);
		this.publish([mmChannel(marketMakerId)], 'quote:executed', { quote_id: quoteId, rfq_id: rfqId });
		this.publishPosition(state, 'position:created', { rfq_id: rfqId, position_pda: positionPda, timestamp: iso(this.clock.now()) });
		this.timers.after(this.timing.settleDelayMs, () => {
			state.finishedAtMs = this.clock.now();
			const timestamp = iso(this.clock.now());
			if (state.settlement === 'cancelled') {
				this.publishPosition(state, 'position:cancelled', { rfq_id: rfqId, position_pda: positionPda, reason: 'market_voided', timestamp });
				return;
			}
			this.publishPosition(state, 'position:settled', {
				rfq_id: rfqId,
				position_pda: positionPda,
				outcome: state.settlement === 'win' ? 'win' : 'loss',
				tx_signature: this.random.base58(64),
				timestamp,
			});
		});
	}

	/**
	 * A position event goes to rfq:<rfq_id>, as the docs' channel table says. The `mm-channel`
	 * dialect also sends it on the market maker's channel, as a frame of its own: a socket on
	 * both channels gets it twice, as from a venue that publishes per channel.
	 */
	private publishPosition<T extends TotalisEventType>(state: AcceptanceState, type: T, data: TotalisEventPayloads[T]): void {
		this.publish([`${RFQ_CHANNEL_PREFIX}${state.acceptance.rfqId}`], type, data);
		if (this.dialect === 'mm-channel') this.publish([mmChannel(state.acceptance.marketMakerId)], type, data);
	}

	private expireAcceptance(state: AcceptanceState): void {
		if (state.status !== 'awaiting') return;
		state.status = 'expired';
		state.finishedAtMs = this.clock.now();
		this.timers.cancel(state.deadlineTimer);
		const draft = this.quotes.get(state.acceptance.draftQuoteId);
		if (draft) draft.status = 'expired';
		this.publish([mmChannel(state.acceptance.marketMakerId)], 'quote:expired', {
			quote_id: state.acceptance.quoteId,
			rfq_id: state.acceptance.rfqId,
		});
	}

	private expireRequest(id: string): void {
		const request = this.requests.get(id);
		if (request?.status === 'active') this.closeRequest(request, 'expired');
	}

	private closeRequest(request: RequestState, reason: RemovalReason): void {
		request.status = reason;
		request.closedAtMs = this.clock.now();
		this.timers.cancel(request.expiryTimer);
		request.expiryTimer = undefined;
		this.events.emit('book-event', { event: 'quote_request:removed', data: { id: request.id, reason } });
	}

	private publish<T extends TotalisEventType>(channels: string[], type: T, data: TotalisEventPayloads[T]): void {
		this.events.emit('venue-event', { channels, type, data });
	}

	private activeRequestOrThrow(id: string): RequestState {
		const request = this.requests.get(id);
		if (!request) throw new TotalisError('NOT_FOUND', `Quote request ${id} not found`);
		if (request.status !== 'active') throw new TotalisError('CONFLICT', `Quote request ${id} is ${request.status}`);
		return request;
	}

	/** The request's quotes in submission order (the live array). */
	private quotesOf(requestId: string): QuoteState[] {
		let list = this.quotesByRequest.get(requestId);
		if (!list) {
			list = [];
			this.quotesByRequest.set(requestId, list);
		}
		return list;
	}

	/** Open quotes on the current version that have not run out. */
	private activeQuotesOf(request: RequestState): QuoteState[] {
		return this.quotesOf(request.id).filter((quote) => quote.status === 'open' && this.isLive(quote, request));
	}

	private isLive(quote: QuoteState, request: RequestState): boolean {
		return quote.requestVersion === request.version && quote.validUntilMs > this.clock.now();
	}
}

export function mmChannel(mmId: string): string {
	return `${MM_QUOTES_CHANNEL_PREFIX}${mmId}`;
}
