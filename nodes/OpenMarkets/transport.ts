/**
 * OpenMarkets over the shared REST client: the key in `X-API-Key` (the credential's
 * `authenticate`), the error envelope `{error:{code, message, field?}}` [inferred: OpenMarkets
 * does not document it; anything else falls back to the status], the wording of its refusals,
 * and the cursor pages `{data, pagination:{next_cursor, has_more}}` of its lists.
 */
import type { IDataObject } from 'n8n-workflow';
import { z } from 'zod';
import type { Page } from '../shared/actions/paging';
import {
	venueErrorFromEnvelope,
	layeredWording,
	requestJson,
	type ErrorWording,
	type JsonResponse,
	type RestContext,
	type VenueCallOptions,
	type VenueError,
} from '../shared/rest';
import { OPENMARKETS_CREDENTIAL_TYPE } from './auth';

export const OPENMARKETS_VENUE = 'OpenMarkets';
/** The largest `limit` OpenMarkets lists accept. */
export const MAX_PAGE_SIZE = 100;

/** Reads OpenMarkets' error envelope; anything else (a proxy page, an empty body) falls back to the status. */
export function parseOpenMarketsError(status: number, body: unknown): VenueError {
	return venueErrorFromEnvelope(status, body, 'code');
}

/** OpenMarkets' wording of the statuses every call shares; operations add their own on top. */
function commonWording(error: VenueError, status: number, action: string): ErrorWording | undefined {
	if (status === 401) {
		return {
			message: `OpenMarkets refused the API key (HTTP 401), so it could not ${action}`,
			description: 'Check the API Key of the OpenMarkets API credential, and that the key is not revoked.',
		};
	}
	if (status === 400 && error.field) {
		return { description: `OpenMarkets refused the value of "${error.field}": check the node field that sets it.` };
	}
	if (status === 404) return { description: 'OpenMarkets does not know what the request names: check the IDs given to the node.' };
	if (status >= 500) return { description: 'OpenMarkets had a problem on its side; try again shortly.' };
	return undefined;
}

export interface OpenMarketsCallOptions<T> extends Omit<VenueCallOptions<T>, 'retry'> {
	/** Under the REST base URL, e.g. '/contests'. */
	path: string;
}

/** One authenticated OpenMarkets call through the shared REST client; a 429 waits as long as Retry-After asks, up to 10 s. */
export async function openMarketsRequest<T = unknown>(context: RestContext, options: OpenMarketsCallOptions<T>): Promise<JsonResponse<T>> {
	return await requestJson<T>(context, {
		...options,
		credentialType: OPENMARKETS_CREDENTIAL_TYPE,
		venue: OPENMARKETS_VENUE,
		retry: { rateLimitMaxWaitMs: 10_000 },
		parseError: parseOpenMarketsError,
		describeError: (error, status) => {
			const wording = layeredWording(options.describeError?.(error, status), commonWording(error, status, options.action));
			const where = error.field ? `, field "${error.field}"` : '';
			const message =
				wording?.message ?? `OpenMarkets could not ${options.action}: ${error.message} (${error.code}${where}, HTTP ${status})`;
			return { message, description: wording?.description };
		},
	});
}

/** A list page `{data: […], pagination: {next_cursor, has_more}}`; records keep every field. */
export const listPageSchema = z
	.object({
		data: z.array(z.object({}).passthrough()),
		pagination: z.object({ next_cursor: z.string().nullable().optional(), has_more: z.boolean().optional() }).passthrough().optional(),
	})
	.passthrough();

/** A single object `{data: {…}}`. */
export const singleSchema = z.object({ data: z.object({}).passthrough() }).passthrough();

/** One page of a list, as the shared paging loop reads it. */
export function toPage(body: z.infer<typeof listPageSchema>): Page {
	const next = body.pagination?.has_more === false ? undefined : (body.pagination?.next_cursor ?? undefined);
	return { records: body.data as IDataObject[], next };
}
