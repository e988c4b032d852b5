/**
 * bench:n8n's latency printout (tools/bench/n8n/report.ts): the CPU waits' columns and the wake-up
 * lines appear only where they were measured (BENCH_N8N_CPU_WAITS=1).
 */
import type { LatencySummary } from '../../tools/e2e/latency';
import { formatLatency, type LatencyRow } from '../../tools/bench/n8n/report';

const summary: LatencySummary = {
	acceptances: 1,
	confirmed: 1,
	expired: 0,
	medianMs: 5,
	p99Ms: 5,
	maxMs: 5,
	slowest: [
		{
			place: 3,
			ms: 5,
			quoteId: 'q-1',
			stamps: { acceptanceSent: 0, confirmArrived: 5, confirmed: 6 },
			breakdown: { toTrigger: 1, inTrigger: 1, toVenue: 3, atVenue: 1, workerGc: 0, workerWaitedForCpu: 0.5, venueWaitedForCpu: 0.25 },
		},
	],
};

const printed = (row: LatencyRow) => formatLatency([row], 1, 20, 'a 5 s window').split('\n');

describe('bench:n8n latency printout', () => {
	it('prints the CPU waits and the wake-ups only where they were measured', () => {
		const without = printed({ column: 'fast path', load: 'quiet', summary });
		expect(without.find((line) => line.startsWith('| fast path | quiet | 3 |'))).toBe(
			'| fast path | quiet | 3 | 5.0 ms | 1.00 | 1.00 | 3.00 | 1.00 | 0.00 |',
		);
		expect(without.some((line) => line.includes('waited for a CPU') || line.includes('How late'))).toBe(false);

		const wakeUps = { wakeUps: 1500, medianMs: 0.12, p99Ms: 1.5, maxMs: 4.25 };
		const measured = printed({ column: 'fast path', load: 'quiet', summary, wakeUps });
		expect(measured.find((line) => line.startsWith('| fast path | quiet | 3 |'))).toBe(
			'| fast path | quiet | 3 | 5.0 ms | 1.00 | 1.00 | 3.00 | 1.00 | 0.00 | 0.50 | 0.25 |',
		);
		expect(measured).toContain('- fast path, quiet: median 0.12 ms, p99 1.50 ms, max 4.25 ms (1,500 wake-ups)');
	});
});
