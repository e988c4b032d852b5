/**
 * Get Many over a venue's cursor pages: the Return All / Limit fields, and the loop that follows
 * the venue's next cursor until enough records, the last page or a bound.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { readCursorPages, type CursorStop } from './cursorPages';
import { boundedNumber, isEmpty } from './inputs';

const DEFAULT_LIMIT = 50;

/** Return All and Limit, shown for one resource's Get Many. */
export function pagingFields(resource: string, what: string, maxPageSize: number): INodeProperties[] {
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
			// n8n's convention for every Limit: 50 (DEFAULT_LIMIT, written out: n8n's lint reads a literal),
			// described in n8n's words, the details in the hint.
			default: 50,
			typeOptions: { minValue: 1, numberPrecision: 0 },
			displayOptions: { show: { ...show.show, returnAll: [false] } },
			description: 'Max number of results to return',
			hint: `Counts ${what}; they are read in pages of at most ${maxPageSize}`,
		},
	];
}

/** One page as the venue answered it; `next` undefined on the last page. */
export interface Page {
	records: IDataObject[];
	next: string | undefined;
}

/** How many records Return All / Limit ask for (Infinity for Return All); a bad Limit is refused before any request. */
export function readLimit(context: IExecuteFunctions, itemIndex: number): number {
	const returnAll = context.getNodeParameter('returnAll', itemIndex, false) as boolean;
	if (returnAll) return Number.POSITIVE_INFINITY;
	const rawLimit = context.getNodeParameter('limit', itemIndex, DEFAULT_LIMIT) as unknown;
	return isEmpty(rawLimit)
		? DEFAULT_LIMIT
		: boundedNumber(
				context,
				itemIndex,
				rawLimit,
				'Limit',
				{ min: 1, max: Number.MAX_SAFE_INTEGER, whole: true },
				'a whole number, 1 or more',
				'Or switch on Return All.',
			);
}

/**
 * What one Get Many reads at most, Return All included: a venue that never stops sending a next
 * cursor must not grow memory without end. 1,000 pages of 100 (agg.market's and OpenMarkets'
 * largest page) hold the 100,000 records; the page bound stops a venue sending empty pages.
 */
export const MAX_GET_MANY_RECORDS = 100_000;
export const MAX_GET_MANY_PAGES = 1_000;

/**
 * Reads Return All / Limit (refusing a bad Limit before any request), then asks for pages of at
 * most `maxPageSize` (no more than still needed) until the limit or the last page, within the
 * bounds above and never following a cursor twice. Stopped early by those, it returns what it
 * read, the last record carrying a `warning` that says so (a `warning` the venue sent is kept as
 * `venueWarning`): the calls succeeded, so the action does not fail.
 */
export async function readPages(
	context: IExecuteFunctions,
	itemIndex: number,
	maxPageSize: number,
	fetchPage: (cursor: string | undefined, pageSize: number) => Promise<Page>,
): Promise<IDataObject[]> {
	const limit = readLimit(context, itemIndex);
	const { items: records, stoppedBy } = await readCursorPages<Page, IDataObject>({
		request: (cursor, read) => fetchPage(cursor, Math.min(maxPageSize, limit - read)),
		itemsOf: (page) => page.records,
		nextCursorOf: (page) => page.next,
		maxPages: MAX_GET_MANY_PAGES,
		maxItems: Math.min(limit, MAX_GET_MANY_RECORDS),
	});
	// A repeated cursor after enough records, or at the Limit itself, left nothing the user asked for unread.
	if (stoppedBy === 'lastPage' || records.length >= limit) return records;
	const warning = stoppedWarning(stoppedBy, records.length);
	context.logger?.warn(`${context.getNode().name}: ${warning}`);
	return withWarning(records, warning);
}

function stoppedWarning(stoppedBy: CursorStop, read: number): string {
	const why =
		stoppedBy === 'repeatedCursor'
			? 'the venue sent a next-page cursor it had sent before, so its next page would repeat one already read'
			: stoppedBy === 'maxPages'
				? `the venue still offered a next page after ${MAX_GET_MANY_PAGES} pages, the most one Get Many reads`
				: `the venue still offered records after ${MAX_GET_MANY_RECORDS}, the most one Get Many reads`;
	return `Stopped paging after ${read} records: ${why}. The list may be incomplete.`;
}

/** The records with `warning` on the last one (a lone warning item when no record came). */
function withWarning(records: IDataObject[], warning: string): IDataObject[] {
	if (records.length === 0) return [{ warning }];
	const last = { ...records[records.length - 1] };
	if (last.warning !== undefined) last.venueWarning = last.warning;
	last.warning = warning;
	return [...records.slice(0, -1), last];
}
