import { parseCliArgs } from '../src/cliArgs';
import { ManualClock, TimerGroup } from '../src/clock';
import { RestFaultQueue } from '../src/faults';
import { FixedWindowRateLimiter, rateLimitHeaders } from '../src/rateLimit';
import { Random, encodeBase58 } from '../src/random';
import { TypedEvents } from '../src/typedEvents';
import { startSimulator } from '../src';

describe('simulator building blocks', () => {
	it('ManualClock fires timers in time order; TimerGroup repeats and clears', () => {
		const clock = new ManualClock(0);
		const timers = new TimerGroup(clock);
		const fired: string[] = [];
		timers.after(30, () => fired.push('b@30'));
		timers.after(10, () => fired.push('a@10'));
		const tick = timers.every(25, () => fired.push(`tick@${clock.now()}`));
		clock.advance(60);
		expect(fired).toEqual(['a@10', 'tick@25', 'b@30', 'tick@50']);
		timers.cancel(tick);
		clock.advance(100);
		expect(fired).toHaveLength(4);
		timers.every(5, () => undefined);
		timers.after(5, () => undefined);
		expect(timers.size).toBe(2);
		timers.clear();
		expect(clock.pendingTimers()).toBe(0);
	});

	it('FixedWindowRateLimiter counts per bucket and resets with the window', () => {
		const clock = new ManualClock(1_000_000);
		const limiter = new FixedWindowRateLimiter(clock, 60_000);
		expect(limiter.take('a', 2)).toMatchObject({ allowed: true, remaining: 1 });
		expect(limiter.take('a', 2)).toMatchObject({ allowed: true, remaining: 0 });
		const refused = limiter.take('a', 2);
		expect(refused).toEqual({ allowed: false, limit: 2, remaining: 0, resetAtMs: 1_060_000 });
		expect(rateLimitHeaders(refused)).toEqual({ 'X-RateLimit-Limit': '2', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': '1060' });
		expect(limiter.take('b', 2).allowed).toBe(true);
		clock.advance(60_000);
		expect(limiter.take('a', 2)).toMatchObject({ allowed: true, remaining: 1 });
	});

	it('RestFaultQueue matches method and prefix, and counts uses down', () => {
		const queue = new RestFaultQueue();
		queue.add({ method: 'post', pathPrefix: '/mm/quotes', status: 503, times: 2 });
		expect(queue.take('GET', '/mm/quotes/1/confirm', '/totalis/mm/quotes/1/confirm')).toBeUndefined();
		expect(queue.take('POST', '/v1/mm/heartbeat', '/totalis/v1/mm/heartbeat')).toBeUndefined();
		expect(queue.take('POST', '/mm/quotes/1/confirm', '/totalis/mm/quotes/1/confirm')).toMatchObject({ status: 503 });
		expect(queue.pending()).toBe(1);
		expect(queue.take('POST', '/mm/quotes/2/confirm', '/totalis/mm/quotes/2/confirm')).toMatchObject({ status: 503 });
		expect(queue.take('POST', '/mm/quotes/3/confirm', '/totalis/mm/quotes/3/confirm')).toBeUndefined();
	});

	it('TypedEvents.waitFor resolves on a matching event and times out otherwise', async () => {
		const events = new TypedEvents<{ n: { value: number } }>();
		const match = events.waitFor('n', (e) => e.value > 1);
		events.emit('n', { value: 1 });
		events.emit('n', { value: 2 });
		expect(await match).toEqual({ value: 2 });
		expect(events.listenerCount('n')).toBe(0);
		await expect(events.waitFor('n', undefined, 10)).rejects.toThrow("waitFor('n') timed out after 10 ms");
		const cancelled = events.waitFor('n');
		events.dispose('closing');
		await expect(cancelled).rejects.toThrow('waitFor cancelled: closing');
	});

	it('Random makes v4-shaped UUIDs and base58 strings', () => {
		const random = new Random(5);
		expect(random.uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
		expect(encodeBase58(new Uint8Array([0, 0, 1]))).toBe('112');
		expect(encodeBase58(new Uint8Array([255]))).toBe('5Q');
		expect(random.base58(32)).toMatch(/^[1-9A-HJ-NP-Za-km-z]{32,44}$/);
	});

	it('parses the CLI options', () => {
		expect(parseCliArgs([])).toEqual({ host: '127.0.0.1', port: 5700, market: true, seed: undefined, dialects: {}, help: false });
		expect(parseCliArgs(['--port', '0', '--host=0.0.0.0', '--no-market', '--seed', '9'])).toEqual({
			host: '0.0.0.0',
			port: 0,
			market: false,
			seed: 9,
			dialects: {},
			help: false,
		});
		expect(() => parseCliArgs(['--port', 'x'])).toThrow('--port must be an integer');
		expect(() => parseCliArgs(['--port'])).toThrow('--port needs a value');
		expect(() => parseCliArgs(['--bogus'])).toThrow('unknown option --bogus');
	});

	it("parses dialects per venue, or every venue's variant at once, and refuses names a venue does not know", () => {
		expect(parseCliArgs(['--dialect', 'helio=snake', '--dialect=agg=long']).dialects).toEqual({ helio: 'snake', agg: 'long' });
		expect(parseCliArgs(['--dialect', 'variant']).dialects).toEqual({
			totalis: 'mm-channel',
			helio: 'snake',
			agg: 'long',
			openmarkets: 'variant',
		});
		expect(() => parseCliArgs(['--dialect', 'helio=kebab'])).toThrow('helio has no dialect "kebab"; expected one of camel, snake');
		expect(() => parseCliArgs(['--dialect', 'nasdaq=docs'])).toThrow('--dialect takes <venue>=<dialect> or "variant"');
	});

	it('starts each venue in the dialect asked for, and in its default otherwise', async () => {
		const sim = await startSimulator({ helio: { dialect: 'snake' } });
		try {
			expect(sim.helio.dialect).toBe('snake');
			expect(sim.totalis.dialect).toBe('docs');
			expect(sim.agg.dialect).toBe('short');
			expect(sim.openmarkets.dialect).toBe('docs');
		} finally {
			await sim.close();
		}
		// @ts-expect-error a dialect the venue does not have
		await expect(startSimulator({ agg: { dialect: 'snake' } })).rejects.toThrow('agg has no dialect "snake"');
	});
});
