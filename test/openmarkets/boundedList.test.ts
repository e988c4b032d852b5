/**
 * The bounded page loop under the follow rule and Contest / Participant → Get Many: a venue that
 * ignores the filters can list without end, so the pages read are counted. A stand-in list here
 * (the bound is 50 and 100 pages of 100: too many contests for the simulator in a unit test).
 */
import type { IDataObject } from 'n8n-workflow';
import { readBoundedList } from '../../nodes/OpenMarkets/boundedList';
import type { Page } from '../../nodes/shared/actions/paging';

/** `total` records served in pages of the size asked for; the cursor is the next record's index. */
function list(total: number, cursorOf = (index: number) => String(index)) {
	const asked: Array<{ cursor: string | undefined; pageSize: number }> = [];
	const fetchPage = async (cursor: string | undefined, pageSize: number): Promise<Page> => {
		asked.push({ cursor, pageSize });
		const from = cursor === undefined ? 0 : Number(cursor);
		const records: IDataObject[] = Array.from({ length: Math.max(0, Math.min(pageSize, total - from)) }, (_, i) => ({ id: from + i }));
		const next = from + records.length < total ? cursorOf(from + records.length) : undefined;
		return { records, next };
	};
	return { asked, fetchPage };
}

describe('readBoundedList', () => {
	it('reads to the last page when it comes within the bound', async () => {
		const { asked, fetchPage } = list(250);
		const { records, truncated } = await readBoundedList(fetchPage, 3);
		expect(truncated).toBe(false);
		expect(records.map((record) => record.id)).toEqual(Array.from({ length: 250 }, (_, i) => i));
		expect(asked).toEqual([
			{ cursor: undefined, pageSize: 100 },
			{ cursor: '100', pageSize: 100 },
			{ cursor: '200', pageSize: 100 },
		]);
	});

	it('stops at the bound and says pages were left unread', async () => {
		const { asked, fetchPage } = list(350);
		const { records, truncated } = await readBoundedList(fetchPage, 3);
		expect(truncated).toBe(true);
		expect(records).toHaveLength(300);
		expect(asked).toHaveLength(3);
	});

	it('asks for no more than it wants, and stops there', async () => {
		const { asked, fetchPage } = list(1000);
		const { records, truncated } = await readBoundedList(fetchPage, 10, 130);
		expect(truncated).toBe(false);
		expect(records).toHaveLength(130);
		expect(asked.map((page) => page.pageSize)).toEqual([100, 30]);
	});

	it('ends on a cursor handed out twice instead of looping', async () => {
		const { asked, fetchPage } = list(1000, () => 'same');
		const { truncated } = await readBoundedList(fetchPage, 10);
		expect(truncated).toBe(false);
		expect(asked).toHaveLength(2);
	});
});
