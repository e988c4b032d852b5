/**
 * The engine's two per-frame clocks, which read the time less often than once per frame: the
 * watchdog (a flag per frame, the clock on its own timer) and the arrival time of items (one
 * reading per socket read). Jest's fake timers drive the time; promise reactions stay real.
 */
import { Watchdog } from '../../nodes/shared/engine/watchdog';
import { ArrivalClock } from '../../nodes/shared/isoClock';

const START = Date.UTC(2026, 11, 6, 0, 0, 0, 0);

describe('engine clocks', () => {
	beforeEach(() => jest.useFakeTimers({ now: START }));
	afterEach(() => jest.useRealTimers());

	describe('Watchdog', () => {
		it('keeps a connection with traffic, and calls a silence within 1¼ timeouts of the last traffic', () => {
			const silences: number[] = [];
			const watchdog = new Watchdog(1000, (silentForMs) => silences.push(silentForMs));
			watchdog.start();
			for (let i = 0; i < 10; i++) {
				jest.advanceTimersByTime(400);
				watchdog.feed();
			}
			// The last traffic was at 4,000 ms: nothing is said a full timeout after it.
			jest.advanceTimersByTime(999);
			expect(silences).toEqual([]);
			jest.advanceTimersByTime(251);
			expect(silences).toHaveLength(1);
			expect(silences[0]).toBeGreaterThanOrEqual(1000);
			// Once: the watchdog has stopped, its timer with it.
			jest.advanceTimersByTime(10_000);
			expect(silences).toHaveLength(1);
			expect(jest.getTimerCount()).toBe(0);
		});

		it('says nothing after stop()', () => {
			const silences: number[] = [];
			const watchdog = new Watchdog(1000, (silentForMs) => silences.push(silentForMs));
			watchdog.start();
			watchdog.stop();
			jest.advanceTimersByTime(5000);
			expect(silences).toEqual([]);
			expect(jest.getTimerCount()).toBe(0);
		});
	});

	describe('ArrivalClock', () => {
		it('gives the frames of one socket read one time, and the next read a new one', async () => {
			const clock = new ArrivalClock();
			const first = clock.iso();
			expect(first).toBe(new Date(START).toISOString());
			jest.advanceTimersByTime(3);
			// Still the same synchronous run (the same read): the same reading.
			expect(clock.iso()).toBe(first);
			// The next read comes in a later turn of the event loop, after the microtasks.
			await Promise.resolve();
			expect(clock.iso()).toBe(new Date(START + 3).toISOString());
		});
	});
});
