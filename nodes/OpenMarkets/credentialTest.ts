import type { ICredentialsDecrypted, ICredentialTestFunctions, INodeCredentialTestResult } from 'n8n-workflow';

import { describeRequest, failed, passed, probe, unreachable, type ProbeRequest } from '../shared/credentialTest';

/**
 * The OpenMarkets API credential's test (both OpenMarkets nodes name it in `testedBy`): it lists
 * one league, the cheapest read there is, and it changes nothing. Refusals go by HTTP status, as
 * OpenMarkets does not document its REST error codes; each names the URL called.
 */
export async function testOpenMarketsCredential(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const data = credential.data ?? {};
	const apiKey = String(data.apiKey ?? '');
	if (!apiKey) return failed('The API Key is empty: enter your OpenMarkets data API key.');
	const baseUrl = String(data.baseUrl ?? '')
		.trim()
		.replace(/\/+$/, '');
	const request: ProbeRequest = {
		method: 'GET',
		url: `${baseUrl}/leagues?limit=1`,
		headers: { 'X-API-Key': apiKey, Accept: 'application/json' },
	};
	const result = await probe(this, request, [apiKey]);
	if (!result.answered) return unreachable(request, result.reason, 'REST Base URL');
	const at = `at ${describeRequest(request)}`;
	switch (result.status) {
		case 401:
			return failed(`OpenMarkets did not accept this API key (401 ${at}). Check the API Key and that it is not revoked.`);
		case 403:
			return failed(`OpenMarkets knows this API key but refused it (403 ${at}): check what the key may read.`);
		case 404:
			return failed(
				`${describeRequest(request)} answered 404: the REST Base URL should be the API root ending in /flow/v1 (such as https://api.openmarkets.ai/flow/v1).`,
			);
		case 429:
			return failed(`OpenMarkets is rate-limiting this key (429 ${at}); test again in a minute.`);
		case 503:
			return failed(`OpenMarkets is temporarily unavailable (503 ${at}); test again shortly.`);
	}
	if (result.status >= 500) return failed(`OpenMarkets answered with an internal error (${result.status} ${at}); test again shortly.`);
	if (result.status < 200 || result.status > 299)
		return failed(`${describeRequest(request)} answered HTTP ${result.status}. Check the REST Base URL.`);
	if (result.body === null || typeof result.body !== 'object') {
		return failed(
			`${describeRequest(request)} answered, but not with OpenMarkets' JSON. Check the REST Base URL: the API root ending in /flow/v1 (such as https://api.openmarkets.ai/flow/v1).`,
		);
	}
	return passed();
}
