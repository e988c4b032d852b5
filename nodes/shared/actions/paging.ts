/**
 * Get Many over a venue's cursor pages: the Return All / Limit fields, and the loop that follows
 * the venue's next cursor until enough records (or the last page).
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
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
 * Reads Return All / Limit (refusing a bad Limit before any request), then asks for pages of at
 * most `maxPageSize` (no more than still needed) until the limit or the last page.
 */
export async function readPages(
	context: IExecuteFunctions,
	itemIndex: number,
	maxPageSize: number,
	fetchPage: (cursor: string | undefined, pageSize: number) => Promise<Page>,
): Promise<IDataObject[]> {
	const limit = readLimit(context, itemIndex);
	const records: IDataObject[] = [];
	let cursor: string | undefined;
	for (;;) {
		const page = await fetchPage(cursor, Math.min(maxPageSize, limit - records.length));
		records.push(...page.records);
		if (records.length >= limit || !page.next) break;
		cursor = page.next;
	}
	return records.slice(0, Number.isFinite(limit) ? limit : undefined);
}
