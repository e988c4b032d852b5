/**
 * Totalis over the shared REST client: the error envelope `{error:{code, message, details?,
 * retry_after?}}`, the wording of Totalis' refusals, and one call helper used by the action
 * node and by the trigger's market-maker heartbeat.
 */
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
import { TOTALIS_CREDENTIAL_TYPE } from './auth';

export const TOTALIS_VENUE = 'Totalis';

/** Reads Totalis' error envelope; anything else (a proxy page, an empty body) falls back to the status. */
export function parseTotalisError(status: number, body: unknown): VenueError {
	return venueErrorFromEnvelope(status, body, 'code');
}

/** Why a 409 happened, from `details.reason` or, as the docs name it, the code itself ('version_mismatch'). */
export function conflictReason(error: VenueError): string | undefined {
	if (error.code.toLowerCase() === 'version_mismatch') return 'version_mismatch';
	const details = error.details;
	if (details && typeof details === 'object') {
		const reason = (details as Record<string, unknown>).reason;
		if (typeof reason === 'string') return reason;
	}
	return undefined;
}

/** The version a version_mismatch points to, when Totalis says it. */
export function currentVersionOf(error: VenueError): number | undefined {
	const details = error.details;
	if (!details || typeof details !== 'object') return undefined;
	const record = details as Record<string, unknown>;
	for (const key of ['current_version', 'version', 'request_version', 'latest_version']) {
		const value = record[key];
		if (typeof value === 'number' && Number.isFinite(value)) return value;
	}
	return undefined;
}

/** Totalis' wording of the statuses every call shares; operations add their own on top. */
function commonWording(error: VenueError, status: number): ErrorWording | undefined {
	if (status === 401) {
		return { description: 'Totalis did not accept the API key: check the API key in the Totalis API credential.' };
	}
	if (status === 403) {
		return {
			description:
				'The API key is valid but may not do this: market-maker calls need a key with the mm:quote scope, and quotes or requests of another account are refused.',
		};
	}
	if (status === 413) return { description: 'Totalis accepts request bodies up to 256 KB.' };
	if (error.code === 'SERVICE_UNAVAILABLE' || status === 503) {
		return { description: 'Totalis is temporarily unavailable; it asks to retry shortly.' };
	}
	return undefined;
}

export type TotalisCallOptions<T> = Omit<VenueCallOptions<T>, 'qs'>;

/** One authenticated Totalis call through the shared REST client. */
export async function totalisRequest<T = unknown>(context: RestContext, options: TotalisCallOptions<T>): Promise<JsonResponse<T>> {
	return await requestJson<T>(context, {
		...options,
		credentialType: TOTALIS_CREDENTIAL_TYPE,
		venue: TOTALIS_VENUE,
		parseError: parseTotalisError,
		describeError: (error, status) => layeredWording(options.describeError?.(error, status), commonWording(error, status)),
	});
}
