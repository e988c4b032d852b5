/**
 * Cursor pages `{data, pagination:{next_cursor, has_more, limit}}`. A cursor names the sort key
 * of the last item sent (keyset paging), so contests added meanwhile neither repeat nor shift a page.
 */
import type { CursorFault } from '../faults';
import { OpenMarketsError } from './errors';

export interface Pagination {
	next_cursor: string | null;
	has_more: boolean;
	limit: number;
}

/** `items` sorted by `keyOf` ascending; a page of those after the cursor's key (`fault`: see CursorFault). */
export function page<T>(
	items: readonly T[],
	keyOf: (item: T) => string,
	cursor: string | undefined,
	limit: number,
	fault?: CursorFault,
): { data: T[]; pagination: Pagination } {
	const after = cursor === undefined ? undefined : decodeCursor(cursor);
	const rest = after === undefined ? items : items.filter((item) => keyOf(item) > after);
	const data = rest.slice(0, limit);
	// The key of the last record sent; past the end, a key after the cursor's, so each cursor is new.
	const lastKey = data.length > 0 ? keyOf(data[data.length - 1]) : `${after ?? ''}~`;
	if (fault === 'repeat') return { data, pagination: { next_cursor: cursor ?? encodeCursor(lastKey), has_more: true, limit } };
	if (fault === 'endless') return { data, pagination: { next_cursor: encodeCursor(lastKey), has_more: true, limit } };
	const hasMore = rest.length > limit;
	return { data, pagination: { next_cursor: hasMore ? encodeCursor(lastKey) : null, has_more: hasMore, limit } };
}

function encodeCursor(key: string): string {
	return Buffer.from(`after:${key}`).toString('base64url');
}

function decodeCursor(cursor: string): string {
	const text = Buffer.from(cursor, 'base64url').toString('utf8');
	if (!text.startsWith('after:') || Buffer.from(text).toString('base64url') !== cursor) {
		throw new OpenMarketsError('bad_request', 'cursor: not a cursor this API issued', 'cursor');
	}
	return text.slice('after:'.length);
}
