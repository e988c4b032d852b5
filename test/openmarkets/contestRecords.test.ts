/**
 * What a listed contest leaves open (OpenMarkets names neither its start nor its order), read once
 * for the follow rule and Contest → Get Many. The simulator's dialects send `starts_at` and
 * `start_time` (dialects.test.ts, getManyDialects.test.ts); the other forms a venue could
 * reasonably send, and contests without a start, are checked here.
 */
import { contestStart, inStartOrder } from '../../nodes/OpenMarkets/contestRecords';

describe('contestStart', () => {
	const iso = '2026-03-01T18:30:00.000Z';
	const ms = Date.parse(iso);

	it.each([
		['starts_at', { starts_at: iso }],
		['start_time', { start_time: iso }],
		['startsAt', { startsAt: iso }],
		['startTime', { startTime: iso }],
		['epoch seconds', { start_time: ms / 1000 }],
		['epoch milliseconds', { starts_at: ms }],
		['an offset date', { starts_at: '2026-03-01T13:30:00-05:00' }],
		['the first readable field', { starts_at: 'soon', start_time: iso }],
	])('reads %s', (_name, contest) => {
		expect(contestStart(contest)).toBe(ms);
	});

	it.each([[{}], [{ starts_at: '' }], [{ starts_at: 'tomorrow' }], [{ starts_at: null }], [{ start: iso }]])(
		'finds no start in %j',
		(contest) => {
			expect(contestStart(contest)).toBeUndefined();
		},
	);
});

describe('inStartOrder', () => {
	const hour = (hours: number) => Date.parse('2026-03-01T00:00:00Z') + hours * 3_600_000;
	// Every form at once, listed out of start order; two share a start.
	const listed = [
		{ id: 'ct_d', start_time: new Date(hour(4)).toISOString() },
		{ id: 'ct_none', title: 'no start' },
		{ id: 'ct_b', startsAt: hour(2) / 1000 },
		{ id: 'ct_c', startTime: hour(2) },
		{ id: 'ct_a', starts_at: new Date(hour(1)).toISOString() },
		{ id: 'ct_e', starts_at: 'soon' },
	];
	const ids = (contests: Array<{ id?: unknown }>) => contests.map((contest) => contest.id);

	it('sorts by start, then ID; without a window, contests without a start stay, last, as listed', () => {
		const { contests, withoutStart } = inStartOrder(listed, {});
		expect(ids(contests)).toEqual(['ct_a', 'ct_b', 'ct_c', 'ct_d', 'ct_none', 'ct_e']);
		expect(withoutStart).toBe(0);
		// Passed on as listed, not rewritten.
		expect(contests[0]).toBe(listed[4]);
	});

	it('keeps the window, Starts After inclusive and Starts Before exclusive, and counts those it cannot place', () => {
		expect(inStartOrder(listed, { after: hour(2), before: hour(4) })).toEqual({ contests: [listed[2], listed[3]], withoutStart: 2 });
		expect(ids(inStartOrder(listed, { after: hour(2) }).contests)).toEqual(['ct_b', 'ct_c', 'ct_d']);
		expect(ids(inStartOrder(listed, { before: hour(2) }).contests)).toEqual(['ct_a']);
	});
});
