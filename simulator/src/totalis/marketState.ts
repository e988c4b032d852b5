/**
 * What the market keeps per quote request and per quote, and how that state reads on the wire.
 */
import { createHash } from 'node:crypto';
import type { TimerHandle } from '../clock';
import { inputLegsOf, legPricesFor } from './legs';
import type { BestQuotePayload, BookQuotePayload, Leg, QuotePricing, QuoteRequestPayload, QuoteRequestStatus } from './protocol';

export type QuoteStatus = 'open' | 'replaced' | 'withdrawn' | 'void' | 'accepted' | 'confirmed' | 'expired' | 'rejected';

export interface RequestState {
	id: string;
	/**
	 * The trade id quote and position events carry. Assigned at creation so every quote event of
	 * one request (withdrawn, rejected, accepted, …) names the same rfq_id [inferred].
	 */
	rfqId: string;
	version: number;
	requestHash: string;
	bookSeq: number;
	status: QuoteRequestStatus;
	betAmount: number;
	legs: Leg[];
	expiresAtMs: number;
	takerUserId: string;
	expiryTimer?: TimerHandle;
	closedAtMs?: number;
}

export interface QuoteState {
	id: string;
	requestId: string;
	mmId: string;
	requestVersion: number;
	requestHash: string;
	payoutOdds: number;
	userCost: number;
	totalPayout: number;
	mmCost: number;
	validUntilMs: number;
	status: QuoteStatus;
}

export function iso(ms: number): string {
	return new Date(ms).toISOString();
}

export function round2(value: number): number {
	return Math.round(value * 100) / 100;
}

export function requestPayload(request: RequestState): QuoteRequestPayload {
	return {
		id: request.id,
		version: request.version,
		request_hash: request.requestHash,
		book_seq: request.bookSeq,
		status: request.status,
		bet_amount: request.betAmount,
		legs: request.legs.map((leg) => ({ ...leg })),
		input_legs: inputLegsOf(request.legs),
		expires_at: iso(request.expiresAtMs),
	};
}

export function pricing(quote: QuoteState): QuotePricing {
	return {
		payout_odds: quote.payoutOdds,
		user_cost: quote.userCost,
		total_payout: quote.totalPayout,
		mm_cost: quote.mmCost,
		valid_until: iso(quote.validUntilMs),
	};
}

export function bookQuotePayload(quote: QuoteState, request: RequestState): BookQuotePayload {
	return {
		id: quote.id,
		market_maker_id: quote.mmId,
		...pricing(quote),
		leg_prices: legPricesFor(request.legs, quote.payoutOdds),
	};
}

export function bestQuotePayload(quote: QuoteState): BestQuotePayload {
	return { id: quote.id, ...pricing(quote) };
}

/** Highest payout odds wins; the earlier quote wins a tie. */
export function bestOf(quotes: readonly QuoteState[]): QuoteState | undefined {
	return quotes.reduce<QuoteState | undefined>((best, quote) => (!best || quote.payoutOdds > best.payoutOdds ? quote : best), undefined);
}

/** `sha256:<hex>` over what the market maker prices: changes with every version. */
export function hashRequest(request: RequestState): string {
	const canonical = JSON.stringify({
		id: request.id,
		version: request.version,
		bet_amount: request.betAmount,
		legs: request.legs.map((leg) => [leg.id, leg.venue, leg.event_ticker, leg.market_ticker, leg.side]),
	});
	return `sha256:${createHash('sha256').update(canonical).digest('hex')}`;
}
