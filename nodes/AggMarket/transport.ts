/**
 * agg.market over the shared REST client (docs/venues/agg-market.md#rest): the error envelope `{error:{code,
 * message, field?}}`, agg.market's wording, the token refresh's failures, the list page every
 * Get Many reads, and raw amounts as decimals.
 *
 * The `aggMarketApi` credential's preAuthentication renews the hidden, expirable session token
 * through the refresh token. An expired token answers 401; n8n-core's
 * httpRequestWithAuthentication then runs preAuthentication again and sends the request once
 * more, but only when the request fails with that 401: so calls name 401 in
 * `refreshCredentialOnStatus` (sent as `ignoreHttpStatusErrors: {ignore: true, except: [401]}`).
 */
import { z } from 'zod';

import {
	venueErrorFromEnvelope,
	layeredWording,
	requestJson,
	type ErrorWording,
	type FailureWording,
	type JsonResponse,
	type RestContext,
	type VenueCallOptions,
	type VenueError,
} from '../shared/rest';
import { AGG_CREDENTIAL_TYPE, aggBase, findAuthError, type AggMarketAuthError } from './auth';

export const AGG_VENUE = 'agg.market';

/** Reads agg.market's error envelope; anything else falls back to the status. */
export function parseAggError(status: number, body: unknown): VenueError {
	return venueErrorFromEnvelope(status, body, 'code');
}

const REFRESH_REFUSED = 'TOKEN_REFRESH_REFUSED';

function authFailureWording(error: AggMarketAuthError): FailureWording {
	return {
		message: error.message,
		description:
			error.kind === 'auth'
				? 'Check the App ID, Access Token, Refresh Token and Refresh Path of the agg.market API credential.'
				: 'Check the REST Base URL of the agg.market API credential and that agg.market is up.',
		code: error.kind === 'auth' ? REFRESH_REFUSED : 'TOKEN_REFRESH_UNAVAILABLE',
		httpStatus: error.httpStatus,
	};
}

function commonWording(error: VenueError, status: number): ErrorWording | undefined {
	if (status === 400 && error.field) {
		return { description: `agg.market refused the value of "${error.field}": check the node field that sets it.` };
	}
	if (status === 401) {
		return {
			description:
				'agg.market refused the app or the user token even after n8n renewed the token. Check the App ID and the tokens of the agg.market API credential.',
		};
	}
	if (status === 403) return { description: 'agg.market refused this app or origin: check the App ID and Origin of the credential.' };
	if (status === 404) return { description: 'agg.market does not know what the request names: check the IDs given to the node.' };
	if (status >= 500) return { description: 'agg.market had a problem on its side; try again shortly.' };
	return undefined;
}

/** A call failed because agg.market refused the token refresh n8n ran for it (perhaps a refresh token another process spent). */
export function isRefusedRefresh(error: unknown): boolean {
	const context = (error as { context?: { code?: unknown } } | undefined)?.context;
	return context?.code === REFRESH_REFUSED;
}

/** A list page `{data: […], nextCursor, hasMore}`; records keep every field. */
export const listPageSchema = z
	.object({
		data: z.array(z.object({}).passthrough()),
		nextCursor: z.string().nullable().optional(),
		hasMore: z.boolean().optional(),
	})
	.passthrough();

export interface AggCallOptions<T> extends Omit<VenueCallOptions<T>, 'retry' | 'signal' | 'timeoutMs'> {
	/** Under the REST base URL, e.g. '/execution/balances'. */
	path: string;
}

/** One authenticated agg.market call through the shared REST client. */
export async function aggRequest<T = unknown>(context: RestContext, options: AggCallOptions<T>): Promise<JsonResponse<T>> {
	return await requestJson<T>(context, {
		...options,
		credentialType: AGG_CREDENTIAL_TYPE,
		venue: AGG_VENUE,
		baseUrl: aggBase(options.baseUrl),
		retry: { rateLimitMaxWaitMs: 10_000 },
		parseError: parseAggError,
		describeError: (error, status) => {
			const wording = layeredWording(options.describeError?.(error, status), commonWording(error, status));
			const where = error.field ? `, field "${error.field}"` : '';
			const message =
				wording?.message ?? `agg.market could not ${options.action}: ${error.message} (${error.code}${where}, HTTP ${status})`;
			return { message, description: wording?.description };
		},
		refreshCredentialOnStatus: [401],
		describeFailure: (error) => {
			const auth = findAuthError(error);
			return auth ? authFailureWording(auth) : undefined;
		},
	});
}

/**
 * A raw integer amount (a string or a whole number) as a decimal number with `decimals`
 * decimals. The division is done on the digits (no float arithmetic), so the only rounding is
 * the final conversion to a JavaScript number. Undefined when the input is not a raw integer.
 */
export function rawToDecimal(raw: unknown, decimals: number): number | undefined {
	const text = typeof raw === 'number' && Number.isSafeInteger(raw) ? String(raw) : typeof raw === 'string' ? raw.trim() : '';
	const match = /^(-?)(\d+)$/.exec(text);
	if (!match || !Number.isInteger(decimals) || decimals < 0) return undefined;
	const [, sign, digits] = match;
	const padded = digits.padStart(decimals + 1, '0');
	const whole = padded.slice(0, padded.length - decimals);
	const fraction = padded.slice(padded.length - decimals).replace(/0+$/, '');
	return Number(`${sign}${whole}${fraction ? `.${fraction}` : ''}`);
}
