/** The fast path's guards and their rolling windows, on a clock the test moves. */
import { ConfirmGuards } from '../../nodes/Totalis/stream/confirmGuards';
import { RollingSum } from '../../nodes/Totalis/stream/rollingSum';

const details = (mmCost: unknown, venues: string[] = ['kalshi']) => ({
	quote: { mm_cost: mmCost },
	exposure_legs: venues.map((venue) => ({ venue })),
});

describe('RollingSum', () => {
	it('forgets a value once all of its bucket is older than the window, never before', () => {
		let now = 1_000_000;
		const sum = new RollingSum(60_000, 60, () => now);
		sum.add(2);
		now += 30_000;
		sum.add(3);
		expect(sum.total()).toBe(5);
		now += 30_000; // the first value is exactly a window old: its bucket still overlaps the window
		expect(sum.total()).toBe(5);
		now += 1_000;
		expect(sum.total()).toBe(3);
		now += 60_000;
		expect(sum.total()).toBe(0);
	});

	it('reuses a slot for a new bucket without keeping the old sum', () => {
		let now = 0;
		const sum = new RollingSum(10_000, 10, () => now);
		sum.add(7);
		now += 11_000; // the same slot, a window later
		sum.add(1);
		expect(sum.total()).toBe(1);
	});
});

describe('ConfirmGuards', () => {
	it('lets everything through without guards, and needs no details', () => {
		const guards = new ConfirmGuards({});
		expect(guards.needsDetails).toBe(false);
		expect(guards.check(undefined)).toBeUndefined();
	});

	it('declines a quote without a readable mm_cost when a cost guard is set', () => {
		const guards = new ConfirmGuards({ maxCostPerQuote: 100 });
		expect(guards.needsDetails).toBe(true);
		expect(guards.check(details('12'))).toEqual({
			declinedBy: 'maxCostPerQuote',
			reason: 'mm_quote:accepted carries no quote.mm_cost (a number ≥ 0) to check',
		});
		expect(guards.check(details(100))).toBeUndefined();
	});

	it('counts the cost of a confirm in flight against the hour, and frees it when the venue refused', () => {
		let now = 0;
		const guards = new ConfirmGuards({ maxCostPerHour: 150 }, () => now);
		const ended = guards.sent(details(100));
		expect(guards.check(details(100))?.declinedBy).toBe('maxCostPerHour');
		ended(false);
		expect(guards.check(details(100))).toBeUndefined();
		guards.sent(details(100))(true);
		expect(guards.check(details(100))?.declinedBy).toBe('maxCostPerHour');
		now += 3_700_000;
		expect(guards.check(details(100))).toBeUndefined();
	});

	it('counts confirm calls per rolling minute', () => {
		let now = 0;
		const guards = new ConfirmGuards({ maxConfirmsPerMinute: 2 }, () => now);
		guards.sent(undefined)(false);
		guards.sent(undefined)(true);
		expect(guards.check(undefined)).toMatchObject({ declinedBy: 'maxConfirmsPerMinute' });
		now += 62_000;
		expect(guards.check(undefined)).toBeUndefined();
	});

	it('checks every exposure leg against the allowed venues, case-blind', () => {
		const guards = new ConfirmGuards({ allowedExposureVenues: ['kalshi', 'polymarket'] });
		expect(guards.check(details(1, ['Kalshi', 'polymarket']))).toBeUndefined();
		expect(guards.check(details(1, ['kalshi', 'novig']))).toEqual({
			declinedBy: 'allowedExposureVenues',
			reason: 'exposure on novig, not among Allowed Exposure Venues (kalshi, polymarket)',
		});
		expect(guards.check({ quote: { mm_cost: 1 } })).toMatchObject({ reason: 'mm_quote:accepted carries no exposure_legs to check' });
	});
});
