/**
 * The cursor loop behind the editor's ID lists and Get Many (readCursorPages in nodes/shared/actions/cursorPages.ts),
 * against a stand-in venue: the pickers run it against the simulator in test/<venue>/pickers.test.ts,
 * but a venue that never stops paging, repeats a cursor or ignores the page size is easier to make here.
 */
import { readCursorPages, type CursorPagesOptions } from '../../nodes/shared/actions/cursorPages';

interface StandInPage {
	ids: number[];
	next?: string;
}

/**
 * `total` records (Infinity: a list without end) in pages of `pageSize`; the cursor is the next
 * record's index unless `cursorAfter` says otherwise. Records every cursor asked for.
 */
function standInVenue(total: number, pageSize: number, cursorAfter = (index: number) => String(index)) {
	const asked: Array<string | undefined> = [];
	const options: Pick<CursorPagesOptions<StandInPage, number>, 'request' | 'itemsOf' | 'nextCursorOf'> = {
		request: async (cursor) => {
			asked.push(cursor);
			const from = cursor === undefined ? 0 : Number(cursor);
			const ids = Array.from({ length: Math.max(0, Math.min(pageSize, total - from)) }, (_, i) => from + i);
			return from + ids.length < total ? { ids, next: cursorAfter(from + ids.length) } : { ids };
		},
		itemsOf: (page) => page.ids,
		nextCursorOf: (page) => page.next,
	};
	return { asked, options };
}

describe('readCursorPages', () => {
	it('reads to the last page when it comes within the bounds', async () => {
		const { asked, options } = standInVenue(250, 100);
		const { items, next, stoppedBy } = await readCursorPages({ ...options, maxPages: 10, maxItems: 1000 });
		expect(items).toEqual(Array.from({ length: 250 }, (_, i) => i));
		expect(next).toBeUndefined();
		expect(asked).toEqual([undefined, '100', '200']);
		expect(stoppedBy).toBe('lastPage');
	});

	it('stops after maxPages on a list without end, and hands back the cursor of the page not read', async () => {
		const { asked, options } = standInVenue(Number.POSITIVE_INFINITY, 100);
		const { items, next, stoppedBy } = await readCursorPages({ ...options, maxPages: 3, maxItems: 1000 });
		expect(asked).toHaveLength(3);
		expect(items).toHaveLength(300);
		expect(next).toBe('300');
		expect(stoppedBy).toBe('maxPages');
	});

	it('stops at maxItems when the venue sends pages larger than asked, cutting the excess and offering no next page', async () => {
		const { asked, options } = standInVenue(Number.POSITIVE_INFINITY, 700);
		const { items, next, stoppedBy } = await readCursorPages({ ...options, maxPages: 10, maxItems: 1000 });
		expect(asked).toEqual([undefined, '700']);
		expect(items).toEqual(Array.from({ length: 1000 }, (_, i) => i));
		// A next page would start after record 1400 and skip the 400 cut.
		expect(next).toBeUndefined();
		expect(stoppedBy).toBe('maxItems');
	});

	it('stops at exactly maxItems with the next cursor, since nothing was cut', async () => {
		const { asked, options } = standInVenue(Number.POSITIVE_INFINITY, 100);
		const { items, next, stoppedBy } = await readCursorPages({ ...options, maxPages: 10, maxItems: 200 });
		expect(asked).toHaveLength(2);
		expect(items).toHaveLength(200);
		expect(next).toBe('200');
		expect(stoppedBy).toBe('maxItems');
	});

	it('ends on a cursor handed out twice instead of paging in a circle', async () => {
		// Every page points at record 100 again: the second page would be served for ever.
		const { asked, options } = standInVenue(Number.POSITIVE_INFINITY, 100, () => '100');
		const { items, next, stoppedBy } = await readCursorPages({ ...options, maxPages: 10, maxItems: 1000 });
		expect(asked).toEqual([undefined, '100']);
		expect(items).toHaveLength(200);
		expect(next).toBeUndefined();
		expect(stoppedBy).toBe('repeatedCursor');
	});

	it('ends when the first page hands back the cursor it was asked with', async () => {
		const { asked, options } = standInVenue(Number.POSITIVE_INFINITY, 100, () => '100');
		const { items, next, stoppedBy } = await readCursorPages({ ...options, from: '100', maxPages: 10, maxItems: 1000 });
		expect(asked).toEqual(['100']);
		expect(items[0]).toBe(100);
		expect(next).toBeUndefined();
		expect(stoppedBy).toBe('repeatedCursor');
	});

	it('starts at `from` and stops as soon as `enough` says so, with the cursor to go on', async () => {
		const { asked, options } = standInVenue(1000, 100);
		const { items, next, stoppedBy } = await readCursorPages({
			...options,
			from: '300',
			enough: (read) => read.filter((id) => id % 50 === 0).length >= 3,
			maxPages: 10,
			maxItems: 1000,
		});
		expect(asked).toEqual(['300', '400']);
		expect(items).toEqual(Array.from({ length: 200 }, (_, i) => 300 + i));
		expect(next).toBe('500');
		expect(stoppedBy).toBe('enough');
	});
});
