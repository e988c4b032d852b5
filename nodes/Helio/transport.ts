/**
 * Helio over the shared REST client (docs/venues/helio.md#rest): the error envelope `{error:{type, message,
 * field?}}`, the account path, the wording of Helio's refusals, and the token refresh (the login
 * itself is in auth.ts).
 *
 * The `helioApi` credential logs in inside n8n (`preAuthentication` fills the hidden, expirable
 * `accessToken`). When the token has expired Helio answers 401; n8n-core's
 * httpRequestWithAuthentication then runs `preAuthentication` again (credentialsExpired = true),
 * stores the new token and sends the request once more. That only happens when the request
 * fails with the 401, so calls name 401 in `refreshCredentialOnStatus`.
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
import { pathSegment } from '../shared/pathSegment';
import { findLoginError, HELIO_CREDENTIAL_TYPE, helioBase, loginFailureWording } from './auth';

export const HELIO_VENUE = 'Helio';

/** Reads Helio's error envelope; anything else (a proxy page, an empty body) falls back to the status. */
export function parseHelioError(status: number, body: unknown): VenueError {
	return venueErrorFromEnvelope(status, body, 'type');
}

/** Helio's wording of the statuses every call shares; operations add their own on top. */
function commonWording(error: VenueError, status: number): ErrorWording | undefined {
	if (status === 400 && error.field) {
		return { description: `Helio refused the value of "${error.field}": check the node field that sets it.` };
	}
	if (status === 401) {
		return {
			description:
				'Helio refused the session token even after n8n logged in again with the Helio API credential. Check the credential (Trader Host, Email, Password).',
		};
	}
	if (status === 403) {
		return {
			description: "This account is not one of the accounts of the credential's login. Use an Account ID from Account → List.",
		};
	}
	if (status >= 500) return { description: 'Helio had a problem on its side; try again shortly.' };
	return undefined;
}

export interface HelioCallOptions<T> extends Omit<VenueCallOptions<T>, 'retry' | 'signal' | 'timeoutMs'> {
	/** Under the trader host, starting with '/api/v1/'. */
	path: string;
}

/** One authenticated Helio call through the shared REST client. */
export async function helioRequest<T = unknown>(context: RestContext, options: HelioCallOptions<T>): Promise<JsonResponse<T>> {
	return await requestJson<T>(context, {
		...options,
		credentialType: HELIO_CREDENTIAL_TYPE,
		venue: HELIO_VENUE,
		baseUrl: helioBase(options.baseUrl),
		// Helio has no documented rate limit; a 429 is not waited on.
		retry: { rateLimitMaxWaitMs: 0 },
		parseError: parseHelioError,
		describeError: (error, status) => {
			const wording = layeredWording(options.describeError?.(error, status), commonWording(error, status));
			const where = error.field ? `, field "${error.field}"` : '';
			const message = wording?.message ?? `Helio could not ${options.action}: ${error.message} (${error.code}${where}, HTTP ${status})`;
			return { message, description: wording?.description };
		},
		refreshCredentialOnStatus: [401],
		describeFailure: (error) => {
			const login = findLoginError(error);
			return login ? loginFailureWording(login) : undefined;
		},
	});
}

/**
 * The REST path of an account: `/api/v1/accounts/{accountId}` + `rest`. `rest` builds any further
 * ID with pathSegment too: an account ID of `..` would otherwise drop the account scope.
 */
export function accountPath(accountId: string, rest = ''): string {
	return `/api/v1/accounts/${pathSegment('Account ID', accountId)}${rest}`;
}
