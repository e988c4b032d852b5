/**
 * What `npm run bench:n8n`'s latency table rests on, not its figures: the venue in a thread of its
 * own (latencyVenue.ts) accepts quotes, counts the warm-up apart and stamps each confirm, here
 * against the Totalis Trigger's fast path run by n8n-core's real TriggerContext; and the
 * trigger's own stamps and GC pauses are read from n8n's output as written (confirmTraces.ts).
 */
import { ConfirmTraces } from '../../tools/bench/n8n/confirmTraces';
import { startLatencyVenue, type LatencyVenue } from '../../tools/bench/n8n/latencyVenue';
import { breakdownOf, confirmLatencyMs, withBreakdown } from '../../tools/e2e/latency';
import { createHarness, FAST } from '../totalis/fixtures';

describe('bench:n8n latency venue', () => {
	const harness = createHarness();
	let venue: LatencyVenue | undefined;

	afterEach(async () => {
		await venue?.close();
		venue = undefined;
	});

	it('accepts quotes from its own thread, counts the warm-up apart, and stamps each confirm in order', async () => {
		venue = await startLatencyVenue({ measureCpuWaits: true });
		harness.setCredentials('totalisApi', { ...venue.credentials });
		const trigger = await harness.startTrigger(
			'totalisTrigger',
			{ followTrades: false, confirmAcceptedQuotes: true, options: { ...FAST } } as never,
			'totalisApi',
		);
		try {
			const measuring = performance.now();
			const summary = await venue.measure(4, 20, { warmUp: 2 });
			const measuredMs = performance.now() - measuring;
			expect(summary).toMatchObject({ acceptances: 4, confirmed: 4, expired: 0 });
			expect(summary.coldStartMs).toHaveLength(2);
			expect(summary.coldStartMs?.every((ms) => typeof ms === 'number')).toBe(true);
			expect(summary.first?.place).toBe(0);
			// The venue's own work comes after the confirm is received: to its confirm done is never shorter.
			expect(summary.toConfirmDone?.p99Ms).toBeGreaterThanOrEqual(summary.p99Ms);
			expect(summary.toConfirmDone?.maxMs).toBeGreaterThanOrEqual(summary.maxMs);
			expect(summary.slowest.map(({ place }) => place).sort()).toEqual([0, 1, 2, 3]);
			for (const { stamps, ms } of summary.slowest) {
				expect(stamps.acceptanceSent).toBeLessThanOrEqual(stamps.confirmArrived as number);
				expect(stamps.confirmArrived).toBeLessThanOrEqual(stamps.confirmed);
				// Accepted → confirm received: up to the venue reading the request, not its work after.
				expect(ms).toBeCloseTo((stamps.confirmArrived as number) - stamps.acceptanceSent, 1);
			}
			// Where Linux keeps scheduler statistics, the venue's thread says how long it waited for a
			// CPU since its previous confirm: in ms, never longer than the whole measure.
			if (process.platform === 'linux') {
				for (const { venueWaitedForCpu } of summary.slowest) {
					expect(venueWaitedForCpu).toBeGreaterThanOrEqual(0);
					expect(venueWaitedForCpu).toBeLessThanOrEqual(measuredMs);
				}
				expect(withBreakdown(summary).slowest[0].breakdown?.venueWaitedForCpu).toBe(summary.slowest[0].venueWaitedForCpu);
			}
			// Without the trigger's stamps, the breakdown runs from the acceptance to the venue reading the confirm.
			const { breakdown } = withBreakdown(summary).slowest[0];
			expect(breakdown?.toTrigger).toBeUndefined();
			expect(breakdown?.toVenue).toBeGreaterThanOrEqual(0);
		} finally {
			await trigger.close();
		}
	});
});

describe('confirmLatencyMs', () => {
	it('runs from the acceptance sent to the confirm received, on the µs clock, and falls back to the venue’s ms figure', () => {
		expect(confirmLatencyMs(7, { acceptanceSent: 1000.25, confirmArrived: 1004.125, confirmed: 1006.5 })).toBe(3.88);
		expect(confirmLatencyMs(7, { acceptanceSent: 1000.25, confirmed: 1006.5 })).toBe(7);
	});
});

describe('bench:n8n confirm traces', () => {
	it('reads the trigger’s stamps and GC pauses from n8n’s output, ignoring everything else', () => {
		const traces = new ConfirmTraces();
		for (const line of [
			'Editor is now accessible via: http://127.0.0.1:5678',
			'TRADING-VENUES-CONFIRM 4242: read q-1 1000.250',
			'TRADING-VENUES-CONFIRM 4242: sent q-1 1001.000',
			'TRADING-VENUES-CONFIRM 4242: sent q-1 1090.000', // a retry: the first send counts
			'TRADING-VENUES-CONFIRM 4242: waited q-1 0.125',
			'TRADING-VENUES-CONFIRM 4242: gc 1 1002.000 3.000',
			'TRADING-VENUES-CONFIRM 4242: gc 4 1020.000 10.000',
		])
			traces.readLine(line);
		expect(traces.stampsOf('q-1')).toEqual({ read: 1000.25, sent: 1001, waited: 0.125 });
		expect(traces.stampsOf('q-2')).toBeUndefined();
		// Only the part of each pause inside the span counts.
		expect(traces.gcBetween(1000, 1025)).toEqual({ ms: 8, kinds: ['scavenge', 'mark-compact'] });
		// Over the whole row, per kind: how many, how long in all, the longest.
		traces.readLine('TRADING-VENUES-CONFIRM 4242: gc 1 1030.000 1.000');
		expect(traces.gcPauses()).toEqual([
			{ kind: 'scavenge', count: 2, totalMs: 4, maxMs: 3 },
			{ kind: 'mark-compact', count: 1, totalMs: 10, maxMs: 10 },
		]);
		const breakdown = breakdownOf({ acceptanceSent: 1000, confirmArrived: 1003, confirmed: 1003.5 }, traces.stampsOf('q-1'));
		expect(breakdown).toEqual({ toTrigger: 0.25, inTrigger: 0.75, toVenue: 2, atVenue: 0.5, workerWaitedForCpu: 0.13 });
		traces.clear();
		expect(traces.stampsOf('q-1')).toBeUndefined();
		expect(traces.gcBetween(0, 2000)).toEqual({ ms: 0, kinds: [] });
		expect(traces.gcPauses()).toEqual([]);
	});
});
