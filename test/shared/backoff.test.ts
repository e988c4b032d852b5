import { Backoff, RefusalBackoff } from '../../nodes/shared/engine/backoff';
import { DEFAULT_REFUSAL_RETRY } from '../../nodes/shared/engine/StreamEngine';

describe('Backoff', () => {
	const policy = { initialDelayMs: 100, maxDelayMs: 1000, resetAfterMs: 5000 };

	it('grows the ceiling exponentially up to the cap (random at its top)', () => {
		const backoff = new Backoff(policy, () => 0.999999);
		const delays = Array.from({ length: 7 }, () => backoff.nextDelayMs());
		expect(delays).toEqual([99, 199, 399, 799, 999, 999, 999]);
	});

	it('uses full jitter: any delay between 0 and the ceiling', () => {
		const draws = [0, 0.5, 0.25];
		const backoff = new Backoff(policy, () => draws.shift()!);
		expect([backoff.nextDelayMs(), backoff.nextDelayMs(), backoff.nextDelayMs()]).toEqual([0, 100, 100]);
	});

	it('starts again from the initial delay after a stable connection, not after a short one', () => {
		const backoff = new Backoff(policy, () => 0.999999);
		backoff.nextDelayMs();
		backoff.nextDelayMs();
		backoff.nextDelayMs();
		backoff.connectionEnded(4999);
		expect(backoff.nextDelayMs()).toBe(799);
		backoff.connectionEnded(5000);
		expect(backoff.nextDelayMs()).toBe(99);
	});
});

describe('RefusalBackoff', () => {
	it('waits 15 s, doubling up to 5 min by default, each wait shortened by at most a fifth', () => {
		const longest = new RefusalBackoff(DEFAULT_REFUSAL_RETRY, () => 0.999999);
		expect(Array.from({ length: 7 }, () => Math.round(longest.nextDelayMs() / 1000))).toEqual([15, 30, 60, 120, 240, 300, 300]);
		const shortest = new RefusalBackoff(DEFAULT_REFUSAL_RETRY, () => 0);
		expect([shortest.nextDelayMs(), shortest.nextDelayMs()]).toEqual([12_000, 24_000]);
	});

	it('starts again from the first wait once reset (the venue accepted again)', () => {
		const backoff = new RefusalBackoff({ initialDelayMs: 100, maxDelayMs: 1000 }, () => 0);
		backoff.nextDelayMs();
		backoff.nextDelayMs();
		backoff.reset();
		expect(backoff.nextDelayMs()).toBe(80);
	});
});
