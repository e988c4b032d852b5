/**
 * What every agg.market operation shares: the per-execution session (credential, redactor), the
 * authenticated call, and the cursor paging of `{data, nextCursor, hasMore}` lists.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { z } from 'zod';
import type { ActionHandler } from '../../shared/actions/runActions';
import { invalid, isEmpty, toNumber } from '../../shared/actions/inputs';
import type { JsonResponse } from '../../shared/rest';
import type { Redactor } from '../../shared/redact';
import type { AggMarketCredentials } from '../auth';
import { aggRequest, type AggCallOptions } from '../transport';

export { invalid, isEmpty, refuse, requiredText, toNumber } from '../../shared/actions/inputs';

export interface AggSessionContext {
	credentials: AggMarketCredentials;
	redactor: Redactor;
}

export type OperationHandler = ActionHandler<AggSessionContext>;

/** agg.market's largest page. */
export const MAX_PAGE_SIZE = 100;

/** One agg.market call for item `itemIndex`, with the session's base URL and redactor. */
export async function sessionRequest<T = unknown>(
	context: IExecuteFunctions,
	session: AggSessionContext,
	itemIndex: number,
	call: Omit<AggCallOptions<T>, 'baseUrl' | 'redactor' | 'itemIndex'>,
): Promise<JsonResponse<T>> {
	return await aggRequest<T>(context, { ...call, baseUrl: session.credentials.baseUrl, redactor: session.redactor, itemIndex });
}

/** Return All and Limit, shown for one resource's Get Many. */
export function pagingFields(resource: string, what: string): INodeProperties[] {
	const show = { show: { resource: [resource], operation: ['getAll'] } };
	return [
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: false,
			displayOptions: show,
			description: 'Whether to return all results or only up to a given limit',
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			default: 50,
			typeOptions: { minValue: 1, numberPrecision: 0 },
			displayOptions: { show: { ...show.show, returnAll: [false] } },
			description: `Max number of results to return (${what}; read in pages of at most ${MAX_PAGE_SIZE})`,
		},
	];
}

const pageSchema = z
	.object({
		data: z.array(z.object({}).passthrough()),
		nextCursor: z.string().nullable().optional(),
		hasMore: z.boolean().optional(),
	})
	.passthrough();

/** Reads Return All / Limit, then follows `nextCursor` until enough records (or the last page). */
export async function readPages(
	context: IExecuteFunctions,
	session: AggSessionContext,
	itemIndex: number,
	path: string,
	action: string,
): Promise<IDataObject[]> {
	const returnAll = context.getNodeParameter('returnAll', itemIndex, false) as boolean;
	let limit = Number.POSITIVE_INFINITY;
	if (!returnAll) {
		const rawLimit = context.getNodeParameter('limit', itemIndex, 50) as unknown;
		const value = isEmpty(rawLimit) ? 50 : toNumber(rawLimit);
		if (value === undefined || !Number.isInteger(value) || value < 1) {
			throw invalid(context, itemIndex, 'Limit', 'a whole number, 1 or more', rawLimit, 'Or switch on Return All.');
		}
		limit = value;
	}
	const records: IDataObject[] = [];
	let cursor: string | undefined;
	for (;;) {
		const qs: IDataObject = { limit: Math.min(MAX_PAGE_SIZE, limit - records.length) };
		if (cursor) qs.cursor = cursor;
		const response = await sessionRequest(context, session, itemIndex, {
			method: 'GET',
			path,
			action,
			qs,
			schema: pageSchema,
		});
		records.push(...(response.body.data as IDataObject[]));
		const next = response.body.nextCursor;
		if (records.length >= limit || !next || response.body.hasMore === false) break;
		cursor = next;
	}
	return records.slice(0, Number.isFinite(limit) ? limit : undefined);
}
