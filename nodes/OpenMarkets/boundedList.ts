/**
 * Reads an OpenMarkets list page by page up to a bound. The follow rule and the action node's
 * Get Many read lists a venue may not filter, which can be long, so the pages read are counted.
 */
import type { IDataObject } from 'n8n-workflow';

import type { Page } from '../shared/actions/paging';
import { MAX_PAGE_SIZE } from './transport';

export interface BoundedList {
	records: IDataObject[];
	/** Whether pages were left unread at `maxPages`. */
	truncated: boolean;
}

/** Follows the next cursor until the last page, `want` records (pages no larger than needed), or `maxPages`. */
export async function readBoundedList(
	fetchPage: (cursor: string | undefined, pageSize: number) => Promise<Page>,
	maxPages: number,
	want = Number.POSITIVE_INFINITY,
): Promise<BoundedList> {
	const records: IDataObject[] = [];
	const seen = new Set<string>();
	let cursor: string | undefined;
	for (let page = 0; page < maxPages; page++) {
		const { records: read, next } = await fetchPage(cursor, Math.min(MAX_PAGE_SIZE, want - records.length));
		records.push(...read);
		// A cursor handed out twice would loop for ever.
		if (records.length >= want || !next || seen.has(next)) return { records, truncated: false };
		seen.add(next);
		cursor = next;
	}
	return { records, truncated: true };
}
