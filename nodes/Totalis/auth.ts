/**
 * The `totalisApi` credential as both Totalis nodes read it. Totalis has no login: every REST
 * call and the WebSocket's `auth` message carry the API key as it is. The fast path's worker thread
 * loads this module too (withTotalisKey), so it makes its error without importing n8n-workflow.
 */
import type { FunctionsBase, IHttpRequestOptions } from 'n8n-workflow';

import { errorMakerOf } from '../shared/errorMaker';
import { domainRestrictionOf, type DomainRestriction } from '../shared/engine/allowedDomains';

export const TOTALIS_CREDENTIAL_TYPE = 'totalisApi';

/** The fields of the `totalisApi` credential. */
export interface TotalisCredentials {
	apiKey: string;
	baseUrl: string;
	wsUrl: string;
	/** The credential's "Allowed HTTP Request Domains" list, which the trigger's streams keep to. */
	domains?: DomainRestriction;
}

/** Reads the credential and refuses an empty API key, which no Totalis call could use. */
export async function readTotalisCredentials(ctx: Pick<FunctionsBase, 'getCredentials' | 'getNode'>): Promise<TotalisCredentials> {
	const raw = await ctx.getCredentials(TOTALIS_CREDENTIAL_TYPE);
	const credentials: TotalisCredentials = {
		apiKey: String(raw.apiKey ?? ''),
		baseUrl: String(raw.baseUrl ?? ''),
		wsUrl: String(raw.wsUrl ?? ''),
		domains: domainRestrictionOf(raw, 'Totalis API'),
	};
	if (!credentials.apiKey) {
		throw errorMakerOf(ctx).operationError(ctx.getNode(), 'Credential → API Key is empty: a Totalis API key is required');
	}
	return credentials;
}

/** Signs a REST request as Totalis wants it: the API key as it is, in X-API-Key (the credential's `authenticate`). */
export function withTotalisKey(request: IHttpRequestOptions, apiKey: string): IHttpRequestOptions {
	return { ...request, headers: { ...request.headers, 'X-API-Key': apiKey } };
}
