import { BookThrottle, immediateEmission, TimedBookThrottle } from '../../nodes/AggMarket/book/emission';
import { OrderBooks } from '../../nodes/AggMarket/book/OrderBooks';
import type { BookSnapshot } from '../../nodes/AggMarket/book/snapshot';
import { deltaFrame, expectUpdated, snapshotFrame } from './bookHelpers';

function book(outcomeId: string, seq: number, extra: Partial<BookSnapshot> = {}): BookSnapshot {
	return { outcomeId, seq, bids: [], asks: [], bestBid: null, bestAsk: null, midpoint: null, spread: null, updatedAt: 't', ...extra };
}

describe('immediateEmission', () => {
	const keeper = new OrderBooks({ verifyChecksum: false });
	const first = expectUpdated(
		keeper.apply(
			snapshotFrame(
				'o1',
				1,
				[
					[0.5, 1],
					[0.4, 1],
				],
				[[0.6, 1]],
			),
		),
	);
	const deep = expectUpdated(keeper.apply(deltaFrame('o1', 2, { bids: [[0.4, 9]] }, { checksum: 0 })));

	it('emits every change in full', () => {
		expect(immediateEmission(deep, 'everyChange')).toBe(deep.book);
	});

	it('emits only the top, and only when it changed', () => {
		expect(immediateEmission(deep, 'topOfBook')).toBeUndefined();
		const top = immediateEmission(first, 'topOfBook');
		expect(top).toEqual({
			outcomeId: 'o1',
			seq: 1,
			bestBid: first.book.bestBid,
			bestAsk: first.book.bestAsk,
			midpoint: 0.55,
			spread: 0.1,
			updatedAt: first.book.updatedAt,
		});
		expect(top).not.toHaveProperty('bids');
	});

	it('carries the resync into the top of book', () => {
		const stale = new OrderBooks();
		stale.apply(deltaFrame('o2', 3, {}, { checksum: 0 }));
		const back = expectUpdated(stale.apply(snapshotFrame('o2', 4, [[0.5, 1]], [])));
		expect(immediateEmission(back, 'topOfBook')).toMatchObject({ resynced: { cause: 'noSnapshot' } });
	});
});

describe('BookThrottle (injected clock)', () => {
	it('lets the first book through, holds the latest within the interval, releases it when due', () => {
		const throttle = new BookThrottle(1000);
		expect(throttle.offer(book('a', 1), 0)).toEqual(book('a', 1));
		expect(throttle.offer(book('a', 2), 100)).toBeUndefined();
		expect(throttle.offer(book('a', 3), 200)).toBeUndefined();
		expect(throttle.nextDueAt()).toBe(1000);
		expect(throttle.due(999)).toEqual([]);
		expect(throttle.due(1000).map((b) => b.seq)).toEqual([3]);
		// The released book opened a new interval.
		expect(throttle.offer(book('a', 4), 1500)).toBeUndefined();
		expect(throttle.due(2000).map((b) => b.seq)).toEqual([4]);
		// Quiet for a whole interval: the next book goes at once.
		expect(throttle.due(3000)).toEqual([]);
		expect(throttle.offer(book('a', 5), 3001)?.seq).toBe(5);
	});

	it('throttles each outcome on its own', () => {
		const throttle = new BookThrottle(1000);
		expect(throttle.offer(book('a', 1), 0)).toBeDefined();
		expect(throttle.offer(book('b', 1), 10)).toBeDefined();
		expect(throttle.offer(book('a', 2), 20)).toBeUndefined();
		expect(throttle.offer(book('b', 2), 500)).toBeUndefined();
		expect(throttle.due(1005).map((b) => [b.outcomeId, b.seq])).toEqual([['a', 2]]);
		expect(throttle.nextDueAt()).toBe(1010);
		expect(throttle.due(1010).map((b) => [b.outcomeId, b.seq])).toEqual([['b', 2]]);
		expect(throttle.nextDueAt()).toBeUndefined();
	});

	it('keeps the news of a resync when a later book replaces the held one', () => {
		const throttle = new BookThrottle(1000);
		throttle.offer(book('a', 1), 0);
		const resynced = { cause: 'gap' as const, detail: 'delta seq 9 after seq 5' };
		throttle.offer(book('a', 10, { resynced }), 100);
		throttle.offer(book('a', 11), 200);
		expect(throttle.due(1000)).toEqual([book('a', 11, { resynced })]);
	});

	it('takes one outcome or flushes all', () => {
		const throttle = new BookThrottle(1000);
		throttle.offer(book('a', 1), 0);
		throttle.offer(book('a', 2), 1);
		throttle.offer(book('b', 1), 0);
		throttle.offer(book('b', 2), 1);
		expect(throttle.take('a')?.seq).toBe(2);
		expect(throttle.take('a')).toBeUndefined();
		expect(throttle.flush().map((b) => b.outcomeId)).toEqual(['b']);
		expect(throttle.nextDueAt()).toBeUndefined();
	});
});

describe('TimedBookThrottle (fake timers)', () => {
	beforeEach(() => jest.useFakeTimers({ now: 0 }));
	afterEach(() => jest.useRealTimers());

	it('emits at once, then the latest when the interval ends', () => {
		const emitted: number[] = [];
		const throttle = new TimedBookThrottle(1000, (b) => emitted.push(b.seq));
		throttle.offer(book('a', 1));
		jest.advanceTimersByTime(300);
		throttle.offer(book('a', 2));
		throttle.offer(book('a', 3));
		expect(emitted).toEqual([1]);
		expect(jest.getTimerCount()).toBe(1);
		jest.advanceTimersByTime(699);
		expect(emitted).toEqual([1]);
		jest.advanceTimersByTime(1);
		expect(emitted).toEqual([1, 3]);
		expect(jest.getTimerCount()).toBe(0);
		throttle.offer(book('a', 4));
		jest.advanceTimersByTime(1000);
		expect(emitted).toEqual([1, 3, 4]);
	});

	it('flushes one outcome before its end, and all on demand', () => {
		const emitted: string[] = [];
		const throttle = new TimedBookThrottle(1000, (b) => emitted.push(`${b.outcomeId}${b.seq}`));
		throttle.offer(book('a', 1));
		throttle.offer(book('a', 2));
		throttle.offer(book('b', 1));
		throttle.offer(book('b', 2));
		throttle.flushOutcome('a');
		expect(emitted).toEqual(['a1', 'b1', 'a2']);
		throttle.flush();
		expect(emitted).toEqual(['a1', 'b1', 'a2', 'b2']);
		expect(jest.getTimerCount()).toBe(0);
	});

	it('cancels its timer on dispose and emits nothing after', () => {
		const emit = jest.fn();
		const throttle = new TimedBookThrottle(1000, emit);
		throttle.offer(book('a', 1));
		throttle.offer(book('a', 2));
		expect(jest.getTimerCount()).toBe(1);
		throttle.dispose();
		expect(jest.getTimerCount()).toBe(0);
		throttle.offer(book('a', 3));
		jest.advanceTimersByTime(5000);
		expect(emit).toHaveBeenCalledTimes(1);
	});
});
