/**
 * The confirm call (`POST /mm/quotes/{quoteId}/confirm`), its retry rules and its wording, in one
 * place: Quote → Confirm and the trigger's fast path (Confirm Accepted Quotes) both call it, so a
 * 503 is retried alike (on a short backoff until the confirmation deadline, never after it) and a
 * 409 is explained alike.
 */
import type { IDataObject } from 'n8n-workflow';
import { z } from 'zod';

import { compileGuard } from '../shared/engine/validation';
import { pathSegment } from '../shared/pathSegment';
import type { Redactor } from '../shared/redact';
import type { RequestJsonOptions, RestContext, VenueError } from '../shared/rest';
import { conflictReason, totalisRequest } from './transport';

type RestCallSender = NonNullable<RequestJsonOptions['sendVia']>;

export interface ConfirmQuoteOptions {
	baseUrl: string;
	redactor: Redactor;
	/** The quote_id of the accepted quote; checked as a path segment here. */
	quoteId: string;
	/** With it, a 503 is retried until this time, never after; without it, a 503 fails at once. */
	deadline: Date | undefined;
	rateLimitMaxWaitMs: number;
	/** For errors raised while processing one item of the action node. */
	itemIndex?: number;
	/** Ends the call and its waits (the trigger closing). */
	signal?: AbortSignal;
	/** One attempt, from sending to the last byte (default: the REST client's). */
	timeoutMs?: number;
	/** The trigger's keep-alive client instead of n8n's helper (see shared/rest/directHttp.ts). */
	sendVia?: RestCallSender;
}

/** Totalis' answer (`status`, `quote_id`, `execution_id`, unknown fields kept) plus how the call went. */
export interface ConfirmedQuote extends IDataObject {
	status: string;
	quote_id: string;
	execution_id?: string;
	latencyMs: number;
	attempts: number;
}

// Passthrough all the way, so that a body the guard accepts is what zod would have returned.
const confirmResponse = z
	.object({
		data: z
			.object({
				status: z.string(),
				quote_id: z.string(),
				execution_id: z.string().optional(),
			})
			.passthrough(),
	})
	.passthrough();
/** The answer of every confirm checked without zod's copy of it (the fast path confirms on this). */
const acceptsConfirmResponse = compileGuard(confirmResponse);

/** Says to use the accepted quote's id: the id Submit Quote returned is a draft, never in the accepted state. */
const USE_ACCEPTED_ID =
	'If this is the ID Submit Quote returned (a draft quote ID; mm_quote:accepted calls it draft_quote_id), confirm with the quote_id of the quote:accepted event instead.';

/** Why a confirm answered 409, from what Totalis said (details.reason and details.status, when given). */
function whyNotConfirmable(error: VenueError): string {
	const details = error.details && typeof error.details === 'object' ? (error.details as Record<string, unknown>) : {};
	const state = typeof details.status === 'string' ? details.status : undefined;
	if (conflictReason(error) === 'not_accepted' && (state === 'confirmed' || state === 'expired')) {
		return 'The quote is no longer waiting for confirmation: it was already confirmed, or its confirmation deadline passed.';
	}
	if (state === 'draft') return `The quote is not in the accepted state. ${USE_ACCEPTED_ID}`;
	return `The quote cannot be confirmed now: it is not in the accepted state, or your balance does not cover it. ${USE_ACCEPTED_ID}`;
}

/** Confirms one accepted quote; throws a NodeApiError (redacted) when Totalis refuses or never answers. */
export async function confirmQuote(context: RestContext, options: ConfirmQuoteOptions): Promise<ConfirmedQuote> {
	const { quoteId, deadline } = options;
	const response = await totalisRequest(context, {
		baseUrl: options.baseUrl,
		redactor: options.redactor,
		method: 'POST',
		// Documented without the /v1 prefix.
		path: `/mm/quotes/${pathSegment('Quote ID', quoteId)}/confirm`,
		action: `confirm quote "${quoteId}"`,
		retry: { rateLimitMaxWaitMs: options.rateLimitMaxWaitMs, retryUntil: deadline, retryOnStatus: [503] },
		schema: confirmResponse,
		accepts: acceptsConfirmResponse,
		itemIndex: options.itemIndex,
		signal: options.signal,
		timeoutMs: options.timeoutMs,
		sendVia: options.sendVia,
		describeError: (error, status) => {
			if (status === 404) {
				return {
					description:
						'Totalis knows no accepted quote with this ID. Confirm with the quote_id of the quote:accepted (or mm_quote:accepted) event, not the ID Submit Quote returned.',
				};
			}
			if (status === 409) return { description: whyNotConfirmable(error) };
			if (status === 503 && !deadline) {
				return {
					description:
						'Totalis could not verify your balance. No Confirmation Deadline was given, so the node did not retry: map {{ $json.data.confirmation_deadline }} to retry until the deadline.',
				};
			}
			return undefined;
		},
	});
	return {
		...response.body.data,
		latencyMs: response.elapsedMs,
		attempts: response.attempts,
	};
}
