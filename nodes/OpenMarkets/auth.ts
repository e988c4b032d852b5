/**
 * The OpenMarkets credential: one API key, sent as X-API-Key to the REST API (the credential's
 * `authenticate`) and as `api_key` in the stream URL (stream/setup.ts). Nothing to renew.
 */
import { NodeOperationError, type FunctionsBase } from 'n8n-workflow';

import { domainRestrictionOf, type DomainRestriction } from '../shared/engine/allowedDomains';

/** The credential type's name, as the nodes and n8n know it. */
export const OPENMARKETS_CREDENTIAL_TYPE = 'openMarketsApi';

/** The fields of the `openMarketsApi` credential. */
export interface OpenMarketsCredentials {
	apiKey: string;
	baseUrl: string;
	streamUrl: string;
	/** The credential's "Allowed HTTP Request Domains" list, which the trigger's streams keep to. */
	domains?: DomainRestriction;
}

/** The credential as both nodes use it, refused before any call or connection without a key. */
export async function readOpenMarketsCredentials(ctx: Pick<FunctionsBase, 'getCredentials' | 'getNode'>): Promise<OpenMarketsCredentials> {
	const stored = await ctx.getCredentials(OPENMARKETS_CREDENTIAL_TYPE);
	const credentials: OpenMarketsCredentials = {
		apiKey: String(stored.apiKey ?? ''),
		baseUrl: String(stored.baseUrl ?? ''),
		streamUrl: String(stored.streamUrl ?? ''),
		domains: domainRestrictionOf(stored, 'OpenMarkets API'),
	};
	if (!credentials.apiKey)
		throw new NodeOperationError(ctx.getNode(), 'Credential → API Key is empty: your OpenMarkets API key is required');
	return credentials;
}
