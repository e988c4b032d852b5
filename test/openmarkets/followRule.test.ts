/**
 * The forms of a contest's start the follow rule reads (OpenMarkets names none): the simulator's
 * dialects send `starts_at` and `start_time` (test/openmarkets/dialects.test.ts); the other forms
 * a venue could reasonably send are checked here.
 */
import { contestStart } from '../../nodes/OpenMarkets/stream/followRule';

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
