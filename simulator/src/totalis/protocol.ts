/**
 * Totalis wire shapes (docs/venues/totalis.md: #stream, #quote-request-stream-sse, #rest) and the zod schemas of what
 * clients send. Field names stay in the venue's snake_case.
 */
import { z } from 'zod';

export type LegVenue = 'kalshi' | 'polymarket';
export type LegSide = 'yes' | 'no';

export interface Leg {
	id: string;
	event_ticker: string;
	market_ticker: string;
	side: LegSide;
	venue: LegVenue;
}

export interface InputLeg {
	market_ticker: string;
	side: LegSide;
	venue: LegVenue;
}

export type QuoteRequestStatus = 'active' | 'committed' | 'expired' | 'cancelled';

/** The quote_request object of `GET /v1/quote-requests/{id}` and of the SSE stream. */
export interface QuoteRequestPayload {
	id: string;
	version: number;
	request_hash: string;
	book_seq: number;
	status: QuoteRequestStatus;
	bet_amount: number;
	legs: Leg[];
	input_legs: InputLeg[];
	expires_at: string;
}

export interface QuotePricing {
	payout_odds: number;
	user_cost: number;
	total_payout: number;
	mm_cost: number;
	valid_until: string;
}

/** One entry of `quotes` in `GET /v1/quote-requests/{id}`. */
export interface BookQuotePayload extends QuotePricing {
	id: string;
	market_maker_id: string;
	leg_prices: Array<{ leg_id: string; leg_odds: number }>;
}

/** `best_quote` of `GET /v1/quote-requests/{id}`. */
export interface BestQuotePayload extends QuotePricing {
	id: string;
}

/** `data.quote` of `PUT /v1/mm/quote-requests/{id}/quote`. */
export interface SubmittedQuotePayload extends QuotePricing {
	id: string;
	market_maker_id: string;
	request_version: number;
	request_hash: string;
}

export interface QuoteRequestView {
	quote_request: QuoteRequestPayload;
	quotes: BookQuotePayload[];
	best_quote: BestQuotePayload | null;
}

export type SettlementOutcome = 'win' | 'loss';

/** The `data` of each WebSocket event, exactly the fields the documentation lists. */
export interface TotalisEventPayloads {
	'quote:accepted': { quote_id: string; rfq_id: string; confirmation_deadline: string };
	'mm_quote:accepted': {
		rfq_id: string;
		quote_id: string;
		market_maker_id: string;
		user_id: string;
		source: string;
		quote_request_id: string;
		draft_quote_id: string;
		request_version: number;
		request_hash: string;
		confirmation_deadline: string;
		accepted_at: string;
		quote: QuotePricing;
		exposure_legs: Array<Omit<Leg, 'id'>>;
	};
	'quote:confirmed': { quote_id: string; rfq_id: string; execution_id: string };
	'quote:executed': { quote_id: string; rfq_id: string };
	'quote:expired': { quote_id: string; rfq_id: string };
	'quote:rejected': { quote_id: string; rfq_id: string; reason: string };
	'quote:withdrawn': { quote_id: string; rfq_id: string };
	'position:created': { rfq_id: string; position_pda: string; timestamp: string };
	'position:settled': {
		rfq_id: string;
		position_pda: string;
		outcome: SettlementOutcome;
		tx_signature: string;
		timestamp: string;
	};
	'position:cancelled': { rfq_id: string; position_pda: string; reason: string; timestamp: string };
	'position:error': { rfq_id: string; error: string; timestamp: string };
}

export type TotalisEventType = keyof TotalisEventPayloads;

export const TOTALIS_EVENT_TYPES: readonly TotalisEventType[] = [
	'quote:accepted',
	'mm_quote:accepted',
	'quote:confirmed',
	'quote:executed',
	'quote:expired',
	'quote:rejected',
	'quote:withdrawn',
	'position:created',
	'position:settled',
	'position:cancelled',
	'position:error',
];

/** SSE events of the market-maker quote-request stream. `quote_request:removed` is our name [inferred]. */
export type BookEventName = 'quote_request' | 'quote_request:updated' | 'quote_request:removed';

export type RemovalReason = 'expired' | 'committed' | 'cancelled';

export const MM_QUOTES_CHANNEL_PREFIX = 'mm:quotes:';
export const RFQ_CHANNEL_PREFIX = 'rfq:';

// ---- What clients send ----

const channelSchema = z.string().min(1, 'channel must not be empty');

export const clientMessageSchemas = {
	auth: z.object({ type: z.literal('auth'), api_key: z.string() }),
	subscribe: z.object({ type: z.literal('subscribe'), channel: channelSchema }),
	unsubscribe: z.object({ type: z.literal('unsubscribe'), channel: channelSchema }),
	ping: z.object({ type: z.literal('ping') }),
} as const;

export type ClientMessageType = keyof typeof clientMessageSchemas;
export type ClientMessage = { [K in ClientMessageType]: z.infer<(typeof clientMessageSchemas)[K]> }[ClientMessageType];

export const submitQuoteBodySchema = z.object({
	request_version: z.number().int().min(1),
	request_hash: z.string().min(1),
	payout_odds: z.number().finite().gt(1, 'payout_odds must be greater than 1').max(10_000),
	expires_in_ms: z.number().int().min(100).max(600_000),
});

export type SubmitQuoteBody = z.infer<typeof submitQuoteBodySchema>;

export const withdrawQuoteBodySchema = z.object({
	request_version: z.number().int().min(1).optional(),
	request_hash: z.string().min(1).optional(),
});

export type WithdrawQuoteBody = z.infer<typeof withdrawQuoteBodySchema>;

export { describeZodError } from '../validation';
