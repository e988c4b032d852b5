/**
 * The one loop over a venue's cursor pages, for the editor's ID lists and for Get Many: bounded in
 * pages and records, and never following a cursor twice.
 */
export interface CursorPagesOptions<P, T> {
	/**
	 * Asks the venue for one page: the first when `cursor` is undefined. `read` is how many records
	 * came so far, for a page size of no more than is still wanted.
	 */
	request: (cursor: string | undefined, read: number) => Promise<P>;
	/** The records of a page. */
	itemsOf: (page: P) => T[];
	/** The cursor of the page after this one; undefined or empty on the last page. */
	nextCursorOf: (page: P) => string | undefined;
	maxPages: number;
	/** More records than this (pages larger than asked for) are cut here. */
	maxItems: number;
	/** Where to start: a list search's paginationToken. */
	from?: string;
	/** Whether the records read so far are enough (a search with a screenful of matches). */
	enough?: (items: T[]) => boolean;
}

/** Why a cursor loop stopped: the venue's last page, a cursor it had handed out before, or a bound. */
export type CursorStop = 'lastPage' | 'repeatedCursor' | 'maxPages' | 'maxItems' | 'enough';

export interface CursorPages<T> {
	items: T[];
	/**
	 * The cursor of the first page not read, when reading stopped at `maxPages`, at exactly
	 * `maxItems` or at `enough`; undefined after the last page, a repeated cursor or a cut page
	 * (a later page would skip what was cut).
	 */
	next: string | undefined;
	stoppedBy: CursorStop;
}

/**
 * Follows a venue's cursor page by page, bounded three ways: at most `maxPages` requests, at most
 * `maxItems` records, and no cursor followed twice (a venue handing one out again would page in a
 * circle until the bound).
 */
export async function readCursorPages<P, T>(options: CursorPagesOptions<P, T>): Promise<CursorPages<T>> {
	const items: T[] = [];
	const seen = new Set<string>();
	let cursor = options.from || undefined;
	if (cursor) seen.add(cursor);
	for (let pages = 0; pages < options.maxPages; pages++) {
		const page = await options.request(cursor, items.length);
		items.push(...options.itemsOf(page));
		if (items.length > options.maxItems) return { items: items.slice(0, options.maxItems), next: undefined, stoppedBy: 'maxItems' };
		const next = options.nextCursorOf(page) || undefined;
		if (next === undefined) return { items, next: undefined, stoppedBy: 'lastPage' };
		if (seen.has(next)) return { items, next: undefined, stoppedBy: 'repeatedCursor' };
		seen.add(next);
		cursor = next;
		if (items.length === options.maxItems) return { items, next: cursor, stoppedBy: 'maxItems' };
		if (options.enough?.(items)) return { items, next: cursor, stoppedBy: 'enough' };
	}
	return { items, next: cursor, stoppedBy: 'maxPages' };
}
