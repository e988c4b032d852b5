/**
 * What every agg.market operation shares: the per-execution session (credential, redactor), the
 * authenticated call, and the cursor paging of `{data, nextCursor, hasMore}` lists.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import type { ActionHandler } from '../../shared/actions/runActions';
import { pagingFields as sharedPagingFields, readPages as readPagesShared } from '../../shared/actions/paging';
import type { JsonResponse } from '../../shared/rest';
import type { Redactor } from '../../shared/redact';
import { retryIfRotated } from '../../shared/rotatedCredential';
import { readAggMarketCredentials, type AggMarketCredentials } from '../auth';
import { aggRequest, isRefusedRefresh, listPageSchema, type AggCallOptions } from '../transport';

export { boundedNumber, invalid, isEmpty, refuse, requiredText, toNumber } from '../../shared/actions/inputs';

export interface AggSessionContext {
	credentials: AggMarketCredentials;
	redactor: Redactor;
}

export type OperationHandler = ActionHandler<AggSessionContext>;

/** agg.market's largest page. */
export const MAX_PAGE_SIZE = 100;

/**
 * One agg.market call for item `itemIndex`, with the session's base URL and redactor. A refused
 * token refresh is tried once more when the stored refresh token changed meanwhile: another
 * process (the trigger, a queue-mode worker) spent the single-use token first and stored its own.
 */
export async function sessionRequest<T = unknown>(
	context: IExecuteFunctions,
	session: AggSessionContext,
	itemIndex: number,
	call: Omit<AggCallOptions<T>, 'baseUrl' | 'redactor' | 'itemIndex'>,
): Promise<JsonResponse<T>> {
	return await retryIfRotated({
		refreshTokenUsed: session.credentials.refreshToken,
		attempt: async () =>
			await aggRequest<T>(context, { ...call, baseUrl: session.credentials.baseUrl, redactor: session.redactor, itemIndex }),
		mayBeRotation: isRefusedRefresh,
		rereadRefreshToken: async () => {
			session.credentials = await readAggMarketCredentials(context);
			session.redactor.add(session.credentials.refreshToken).add(session.credentials.sessionToken);
			return session.credentials.refreshToken;
		},
	});
}

/** Return All and Limit, shown for one resource's Get Many. */
export function pagingFields(resource: string, what: string): INodeProperties[] {
	return sharedPagingFields(resource, what, MAX_PAGE_SIZE);
}

/** Reads Return All / Limit, then follows `nextCursor` until enough records (or the last page). */
export async function readPages(
	context: IExecuteFunctions,
	session: AggSessionContext,
	itemIndex: number,
	path: string,
	action: string,
): Promise<IDataObject[]> {
	return await readPagesShared(context, itemIndex, MAX_PAGE_SIZE, async (cursor, pageSize) => {
		const qs: IDataObject = { limit: pageSize };
		if (cursor) qs.cursor = cursor;
		const response = await sessionRequest(context, session, itemIndex, { method: 'GET', path, action, qs, schema: listPageSchema });
		const { data, nextCursor, hasMore } = response.body;
		return { records: data as IDataObject[], next: hasMore === false ? undefined : (nextCursor ?? undefined) };
	});
}
