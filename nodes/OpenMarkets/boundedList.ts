/**
 * Reads an OpenMarkets list page by page up to a bound. The follow rule and the action node's
 * Get Many read lists a venue may not filter, which can be long, so the pages read are counted.
 */
import type { IDataObject } from 'n8n-workflow';

import { readCursorPages } from '../shared/actions/cursorPages';
import type { Page } from '../shared/actions/paging';
import { MAX_PAGE_SIZE } from './transport';

export interface BoundedList {
	records: IDataObject[];
	/** Whether pages were left unread at `maxPages`. */
	truncated: boolean;
}

/**
 * Follows the next cursor until the last page, `want` records (pages no larger than needed), or
 * `maxPages`; a cursor handed out twice ends the list (readCursorPages' bounds).
 */
export async function readBoundedList(
	fetchPage: (cursor: string | undefined, pageSize: number) => Promise<Page>,
	maxPages: number,
	want = Number.POSITIVE_INFINITY,
): Promise<BoundedList> {
	const { items: records, next } = await readCursorPages<Page, IDataObject>({
		request: (cursor, read) => fetchPage(cursor, Math.min(MAX_PAGE_SIZE, want - read)),
		itemsOf: (page) => page.records,
		nextCursorOf: (page) => page.next,
		maxPages,
		// Kept whole: the callers filter and cut the records themselves.
		maxItems: Number.POSITIVE_INFINITY,
		enough: (read) => read.length >= want,
	});
	// A cursor is left only when reading stopped at enough records or at maxPages: only the latter leaves pages unread.
	return { records, truncated: next !== undefined && records.length < want };
}
