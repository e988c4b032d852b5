/**
 * The REST calls of the stream (the trigger's and Contest → Watch's): full books, and the contest
 * list the follow rule reads (./followRule).
 */
import type { IDataObject } from 'n8n-workflow';

import type { Redactor } from '../../shared/redact';
import type { RestContext } from '../../shared/rest';
import { pathSegment } from '../../shared/pathSegment';
import { openMarketsRequest, singleSchema, type OpenMarketsCallOptions } from '../transport';

/** The REST calls the stream makes (the trigger's, and Contest → Watch's), with the credential's base URL and a redactor. */
export class StreamRest {
	constructor(
		private readonly ctx: RestContext,
		private readonly baseUrl: string,
		private readonly redactor: Redactor,
	) {}

	async call<T>(options: Omit<OpenMarketsCallOptions<T>, 'baseUrl' | 'redactor'>) {
		return (await openMarketsRequest<T>(this.ctx, { ...options, baseUrl: this.baseUrl, redactor: this.redactor })).body;
	}

	/** A contest's full book: `{contest_id, positions: […]}`; `signal` ends its retries and waits. */
	async liquidity(contestId: string, signal?: AbortSignal): Promise<IDataObject> {
		const body = await this.call({
			method: 'GET',
			path: `/contests/${pathSegment('Contest ID', contestId)}/liquidity`,
			action: `read the liquidity of contest "${contestId}"`,
			schema: singleSchema,
			signal,
		});
		return body.data as IDataObject;
	}
}
