/** Cursor pages `{data, nextCursor, hasMore}`; a cursor is an opaque offset. */
import type { CursorFault } from '../faults';
import { AggError } from './errors';

/** `limit` items from the cursor's offset (`fault`: see CursorFault). */
export function page<T>(
	items: readonly T[],
	cursor: string | undefined,
	limit: number,
	fault?: CursorFault,
): { data: T[]; nextCursor: string | null; hasMore: boolean } {
	const start = cursor === undefined ? 0 : decodeCursor(cursor);
	const data = items.slice(start, start + limit);
	if (fault === 'repeat') return { data, nextCursor: cursor ?? encodeCursor(start + limit), hasMore: true };
	if (fault === 'endless') return { data, nextCursor: encodeCursor(start + limit), hasMore: true };
	const hasMore = start + limit < items.length;
	return { data, nextCursor: hasMore ? encodeCursor(start + limit) : null, hasMore };
}

function encodeCursor(offset: number): string {
	return Buffer.from(`o:${offset}`).toString('base64url');
}

function decodeCursor(cursor: string): number {
	const match = /^o:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
	if (!match) throw new AggError('BAD_REQUEST', 'cursor: Invalid cursor', 'cursor');
	return Number(match[1]);
}
