/**
 * What every OpenMarkets operation shares: the per-execution session (base URL, redactor, credentials), the
 * authenticated call, Get Many over cursor pages, and the contest ID field.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import type { ActionHandler } from '../../shared/actions/runActions';
import { invalid, isEmpty } from '../../shared/actions/inputs';
import { idLocatorField, readPickedId } from '../../shared/actions/idPicker';
import { pagingFields as sharedPagingFields, readPages } from '../../shared/actions/paging';
import type { JsonResponse } from '../../shared/rest';
import type { Redactor } from '../../shared/redact';
import type { OpenMarketsCredentials } from '../auth';
import { MAX_PAGE_SIZE, listPageSchema, openMarketsRequest, toPage, type OpenMarketsCallOptions } from '../transport';

export { invalid, isEmpty, optionalDate, refuse, requiredText } from '../../shared/actions/inputs';

export interface OpenMarketsSession {
	baseUrl: string;
	redactor: Redactor;
	/** For Contest → Watch, which opens the stream with the key. */
	credentials: OpenMarketsCredentials;
}

export type OperationHandler = ActionHandler<OpenMarketsSession>;

/** One OpenMarkets call for item `itemIndex`, with the session's base URL and redactor. */
export async function sessionRequest<T = unknown>(
	context: IExecuteFunctions,
	session: OpenMarketsSession,
	itemIndex: number,
	call: Omit<OpenMarketsCallOptions<T>, 'baseUrl' | 'redactor' | 'itemIndex'>,
): Promise<JsonResponse<T>> {
	return await openMarketsRequest<T>(context, { ...call, baseUrl: session.baseUrl, redactor: session.redactor, itemIndex });
}

/** Return All and Limit, shown for one resource's Get Many. */
export function pagingFields(resource: string, what: string): INodeProperties[] {
	return sharedPagingFields(resource, what, MAX_PAGE_SIZE);
}

/** Get Many: follows `pagination.next_cursor` with the same filters (`qs`) until the limit or the last page. */
export async function readList(
	context: IExecuteFunctions,
	session: OpenMarketsSession,
	itemIndex: number,
	path: string,
	action: string,
	qs: IDataObject = {},
): Promise<IDataObject[]> {
	return await readPages(context, itemIndex, MAX_PAGE_SIZE, async (cursor, pageSize) => {
		const response = await sessionRequest(context, session, itemIndex, {
			method: 'GET',
			path,
			action,
			qs: { ...qs, limit: pageSize, ...(cursor ? { cursor } : {}) },
			schema: listPageSchema,
		});
		return toPage(response.body);
	});
}

/** The Contest ID field of a resource's operations: picked from the contests (searchable), or by ID. */
export function contestIdField(resource: string, operations: string[], description: string): INodeProperties {
	return idLocatorField({
		displayName: 'Contest ID',
		name: 'contestId',
		searchListMethod: 'searchContests',
		listPlaceholder: 'Select a contest…',
		idPlaceholder: 'ct_abc123',
		displayOptions: { show: { resource: [resource], operation: operations } },
		description,
	});
}

export function readContestId(context: IExecuteFunctions, itemIndex: number): string {
	return readPickedId(
		context,
		itemIndex,
		'contestId',
		'Contest ID',
		'the ID of a contest (ct_…)',
		'Contest → Get Many lists them, with their IDs.',
	);
}

/**
 * An optional list of IDs: comma-separated text, or an array from an expression. Empty means
 * no filter; an ID with spaces inside, or an empty one between commas, is refused.
 */
export function readIdList(
	context: IExecuteFunctions,
	itemIndex: number,
	raw: unknown,
	field: string,
	example = 'lg_nba, lg_nfl',
): string[] | undefined {
	// An empty pick of a multi-options field is an empty array.
	if (isEmpty(raw) || (Array.isArray(raw) && raw.length === 0)) return undefined;
	const parts = Array.isArray(raw)
		? raw.map((part) => (typeof part === 'number' ? String(part) : part))
		: typeof raw === 'string'
			? raw.split(',')
			: undefined;
	const ids = parts?.map((part) => (typeof part === 'string' ? part.trim() : part));
	if (!ids || ids.length === 0 || ids.some((id) => typeof id !== 'string' || !/^[^\s,]+$/.test(id))) {
		throw invalid(context, itemIndex, field, `IDs separated by commas, such as ${example}`, raw);
	}
	return ids as string[];
}
