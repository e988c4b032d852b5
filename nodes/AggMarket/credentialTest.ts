import type { ICredentialsDecrypted, ICredentialTestFunctions, INodeCredentialTestResult } from 'n8n-workflow';

import { describeRequest, failed, passed, pick, probe, unreachable, type ProbeRequest, type ProbeResult } from '../shared/credentialTest';
import { Redactor } from '../shared/redact';
import { aggBase, appHeaders, type AggMarketCredentials } from './auth';

/**
 * The agg.market API credential's test (both agg.market nodes name it in `testedBy`). It never uses
 * the refresh token: agg.market accepts each refresh token once and hands out a new one, which only
 * n8n's own renewal (the credential's preAuthentication, which n8n does not run before a test
 * method) stores; a test that refreshed would leave the credential holding a spent token.
 *
 * - With a token it can send as it is (the stored session token until it expires; on a credential
 *   never used, the Access Token as typed) it reads the balances, which proves the host, the App ID,
 *   the Origin and the user together (docs/nodes/agg-market.md#aggmarket-api-credential).
 * - When a renewal would be needed (the session token has expired, or only a Refresh Token is
 *   there) it reads the balances without a token: agg.market answering "who are you?" in its JSON
 *   proves the REST Base URL reaches agg.market; the refresh token is checked at first use.
 */
export async function testAggMarketCredential(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const data = (credential.data ?? {}) as Partial<Record<keyof AggMarketCredentials, unknown>>;
	const appId = String(data.appId ?? '');
	if (!appId) return failed('The App ID is empty: enter the ID of your agg.market app.');
	const baseUrl = aggBase(String(data.baseUrl ?? ''));
	if (!baseUrl) return failed('The REST Base URL is empty: enter the agg.market API root (such as https://api.agg.market).');
	const refreshToken = String(data.refreshToken ?? '');
	const token = tokenToTry(data);
	if (!token && !refreshToken) return failed("The Access Token and the Refresh Token are both empty: enter the user's tokens.");

	const redactor = new Redactor([token, refreshToken, data.accessToken, data.sessionToken]);
	const origin = String(data.origin ?? '');
	const request: ProbeRequest = {
		method: 'GET',
		url: `${baseUrl}/execution/balances`,
		headers: { ...appHeaders({ appId, origin } as AggMarketCredentials), Accept: 'application/json' },
	};
	const sent = token ? { ...request, headers: { ...request.headers, Authorization: `Bearer ${token}` } } : request;
	const result = await probe(this, sent, [token ?? '', refreshToken]);
	return verdict(request, result, { tokenSent: Boolean(token), canRenew: Boolean(refreshToken), redactor });
}

/**
 * A token the test can send without renewing first (sending one spends nothing): the session
 * token n8n stored at its last renewal, unless it is known to have expired; on a credential that
 * never renewed, the Access Token as typed. An expired session token means a renewal is due, and
 * the typed Access Token is older still, so none is tried then.
 */
function tokenToTry(data: Partial<Record<keyof AggMarketCredentials, unknown>>): string | undefined {
	const session = String(data.sessionToken ?? '');
	if (session) {
		const expiresAt = Number(data.sessionExpiresAt);
		const expired = Number.isFinite(expiresAt) && expiresAt > 0 && expiresAt <= Date.now();
		return expired ? undefined : session;
	}
	return String(data.accessToken ?? '') || undefined;
}

interface Attempt {
	/** The read carried a user token; without one agg.market must ask for it (401). */
	tokenSent: boolean;
	/** A Refresh Token is there to renew the access token at first use. */
	canRenew: boolean;
	redactor: Redactor;
}

const API_ROOT_HINT = 'the API root (such as https://api.agg.market)';
const REFRESH_AT_FIRST_USE =
	'The Refresh Token is not used by this test, because agg.market accepts each refresh token only once: it is checked at first use, when the access token is renewed.';

function verdict(request: ProbeRequest, result: ProbeResult, attempt: Attempt): INodeCredentialTestResult {
	if (!result.answered) return unreachable(request, result.reason, 'REST Base URL');
	const called = describeRequest(request);
	const at = `${result.status} at ${called}`;
	const words = venueWords(result.body, attempt.redactor);
	if (result.status === 429) return failed(`agg.market is rate-limiting this app (${at}); test again in a minute.`);
	if (result.status >= 500) return failed(`agg.market answered with an internal error${words} (${at}); test again shortly.`);
	if (result.body === null || typeof result.body !== 'object') {
		return failed(`${called} answered HTTP ${result.status}, but not with agg.market's JSON. Check the REST Base URL: ${API_ROOT_HINT}.`);
	}
	switch (result.status) {
		case 401:
			return refused(at, words, attempt);
		case 403:
			return failed(
				`agg.market refused this app or user${words} (${at}). Check the App ID and the Origin (one of the app's allowed origins).`,
			);
		case 404:
			return failed(`${called} answered 404${words}. Check the REST Base URL: ${API_ROOT_HINT}.`);
	}
	if (result.status >= 200 && result.status < 300) {
		if (attempt.tokenSent) return passed();
		return failed(`${called} answered without a user token, which agg.market never does. Check the REST Base URL: ${API_ROOT_HINT}.`);
	}
	return failed(`${called} answered HTTP ${result.status}${words}. Check the REST Base URL: ${API_ROOT_HINT}.`);
}

/** A 401: the token or the App ID refused, or (no token sent) agg.market asking for a user. */
function refused(at: string, words: string, attempt: Attempt): INodeCredentialTestResult {
	if (!attempt.tokenSent) {
		// Only a renewal can get a token; the host answered like agg.market, which is what can be proven.
		return passed(`agg.market answered at the REST Base URL and asks for a user token${words} (${at}). ${REFRESH_AT_FIRST_USE}`);
	}
	if (attempt.canRenew) {
		return failed(
			`agg.market refused the access token or the App ID${words} (${at}). Check the App ID. If the access token has expired, it is renewed with the Refresh Token at first use; clear the Access Token to test without it. ${REFRESH_AT_FIRST_USE}`,
		);
	}
	return failed(
		`agg.market refused the access token or the App ID${words} (${at}). Check the App ID and the Access Token; an expired access token is renewed only with a Refresh Token.`,
	);
}

/** agg.market's own words from its error envelope ({error: {code, message}}), cut short, secrets masked. */
function venueWords(body: unknown, redactor: Redactor): string {
	const message = pick(body, 'error.message');
	const code = pick(body, 'error.code');
	const said = typeof message === 'string' && message ? redactor.text(message.slice(0, 200)) : '';
	const tag = typeof code === 'string' && code ? redactor.text(code.slice(0, 60)) : '';
	if (said && tag) return `: ${said} (${tag})`;
	return said || tag ? `: ${said || tag}` : '';
}
