import type { ICredentialsDecrypted, ICredentialTestFunctions, INodeCredentialTestResult } from 'n8n-workflow';

import { describeRequest, failed, passed, pick, probe, unreachable, type ProbeRequest } from '../shared/credentialTest';

/** The nil UUID: a well-formed quote request ID that never exists. */
const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/**
 * The Totalis API credential's test (both Totalis nodes name it in `testedBy`): it reads a quote
 * request that cannot exist, which changes nothing at the venue (unlike `POST /v1/mm/heartbeat`,
 * which marks the market maker as live). Totalis' `404 NOT_FOUND` proves the key; every other
 * answer is a failure that names the URL called and what to check.
 */
export async function testTotalisCredential(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const data = credential.data ?? {};
	const apiKey = String(data.apiKey ?? '');
	if (!apiKey) return failed('The API Key is empty: enter your Totalis API key.');
	const baseUrl = String(data.baseUrl ?? '')
		.trim()
		.replace(/\/+$/, '');
	const request: ProbeRequest = {
		method: 'GET',
		url: `${baseUrl}/v1/quote-requests/${NIL_UUID}`,
		headers: { 'X-API-Key': apiKey, Accept: 'application/json' },
	};
	const result = await probe(this, request, [apiKey]);
	if (!result.answered) return unreachable(request, result.reason, 'REST Base URL');
	const at = `at ${describeRequest(request)}`;
	switch (pick(result.body, 'error.code')) {
		case 'UNAUTHORIZED':
			return failed(`Totalis did not accept this API key (401 UNAUTHORIZED ${at}). Check the API Key and that it is not revoked.`);
		case 'FORBIDDEN':
			return failed(`Totalis knows this API key but refused it (403 FORBIDDEN ${at}): check its scopes.`);
		case 'RATE_LIMITED':
			return failed(`Totalis is rate-limiting this key (429 ${at}); test again in a minute.`);
		case 'INTERNAL_ERROR':
			return failed(`Totalis answered with an internal error (${result.status} ${at}); test again shortly.`);
		case 'SERVICE_UNAVAILABLE':
			return failed(`Totalis is temporarily unavailable (503 ${at}); test again shortly.`);
		case undefined:
			// A quote request is never found at the nil UUID: an answer without Totalis' error envelope is another service.
			return failed(
				`${describeRequest(request)} answered HTTP ${result.status}, but not like the Totalis API. Check the REST Base URL: the Totalis API root (such as https://api.totalis.trade), without /v1.`,
			);
		default:
			// NOT_FOUND, or a VALIDATION_ERROR about the ID: Totalis read the key and accepted it.
			return passed();
	}
}
