/**
 * `npm run bench:n8n:queue`: the same package and workflows in n8n's regular mode and in queue
 * mode with one and with two workers, in one run on this machine:
 *
 * 1. accepted → confirm received at the venue, for the fast path (the trigger confirms in the
 *    main) and the workflow path (Quote Accepted → Confirm, one execution per event, which in
 *    queue mode runs on a worker);
 * 2. executions/s completed with the venue sending at a fixed rate, one execution per event.
 *
 * Queue mode runs on Redis and Postgres of its own (tools/e2e/queueMode.ts), started and removed by
 * the bench. One queue setup serves both worker counts: the second worker is stopped for the
 * one-worker runs and started again for the two-worker runs. BENCH_SMOKE=1
 * (`npm run bench:n8n:queue:smoke`, run by CI) uses tiny counts; its figures mean nothing.
 */
import type { VenueSimulator } from 'trading-venues-simulator';

import { DEFAULT_MAX_IN_FLIGHT } from '../../../nodes/shared/delivery/executionGate';
import { CONFIRMATION_WINDOW_MS, envNumber, log, runBench, SMOKE } from './benchRun';
import type { ExecutionCounter } from './counter';
import { runFlood } from './flood';
import { BenchN8n, type ExpressionEngine, type N8nUnderBench } from './instance';
import { runLatency } from './latency';
import { inProcessVenue } from './latencyVenue';
import { cpuMs, rssMb } from './processStats';
import { QueueBenchN8n } from './queueInstance';
import {
	formatQueueLatency,
	formatQueueThroughput,
	type N8nSetup,
	type QueueBenchResults,
	type QueueLatencyPath,
	type QueueLatencyRow,
	type QueueThroughputRow,
} from './queueReport';
import type { Saving } from './workflows';

/** Every override here must be > 0. */
const envPositive = (name: string, full: number, smoke: number) => envNumber(name, full, smoke, { positive: true });

const CONFIG = {
	acceptances: envPositive('BENCH_N8N_QUEUE_ACCEPTANCES', 200, 10),
	acceptancesPerSecond: 20,
	rate: envPositive('BENCH_N8N_QUEUE_RATE', 50, 20),
	rateSeconds: envPositive('BENCH_N8N_QUEUE_RATE_SECONDS', 20, 2),
	drainSeconds: envPositive('BENCH_N8N_QUEUE_DRAIN_SECONDS', 30, 5),
	/** n8n's own default for `n8n worker`. */
	concurrency: envPositive('BENCH_N8N_QUEUE_CONCURRENCY', 10, 10),
	/** The settings bench:n8n recommends, in every setup. */
	engine: 'legacy' as ExpressionEngine,
	saving: 'light' as Saving,
	rssLimitMb: 3000,
};

const PATHS: readonly QueueLatencyPath[] = ['fast path', 'per event'];

interface Measured {
	latency: QueueLatencyRow[];
	throughput: QueueThroughputRow[];
}

/** Both latency paths, then the fixed-rate flood, on one n8n setup. */
async function measure(
	setup: N8nSetup,
	n8n: N8nUnderBench,
	processIds: () => number[],
	sim: VenueSimulator,
	counter: ExecutionCounter,
	into: Measured,
): Promise<void> {
	for (const path of PATHS) {
		log(`${setup}: latency, ${path}…`);
		const { summary } = await runLatency(n8n, inProcessVenue(sim), path, {
			acceptances: CONFIG.acceptances,
			perSecond: CONFIG.acceptancesPerSecond,
			saving: CONFIG.saving,
			maxInFlight: DEFAULT_MAX_IN_FLIGHT,
		});
		into.latency.push({ setup, path, summary });
	}
	log(`${setup}: ${CONFIG.rate} events/s for ${CONFIG.rateSeconds} s, one execution per event…`);
	const cpuBefore = totalCpuMs(processIds());
	const flood = await runFlood(n8n, sim, counter, {
		ratePerSecond: CONFIG.rate,
		seconds: CONFIG.rateSeconds,
		delivery: { mode: 'each', maxInFlight: DEFAULT_MAX_IN_FLIGHT, batchWindowMs: 200, batchMaxItems: 1000 },
		saving: CONFIG.saving,
		drainSeconds: CONFIG.drainSeconds,
		rssLimitMb: CONFIG.rssLimitMb,
	});
	// A restarted main has a new pid and its CPU starts again from zero: no figure then.
	const executions = counter.read().executions;
	const cpuMsPerExecutionAll = flood.restarted || executions === 0 ? NaN : (totalCpuMs(processIds()) - cpuBefore) / executions;
	const rssAllMb = processIds().reduce((sum, pid) => sum + rssMb(pid), 0);
	into.throughput.push({ setup, flood, cpuMsPerExecutionAll, rssAllMb });
}

function totalCpuMs(pids: number[]): number {
	return pids.reduce((sum, pid) => sum + cpuMs(pid), 0);
}

runBench('bench:n8n:queue', async ({ sim, counter, prepared, machine, elapsedSeconds, stopAtEnd }) => {
	const measured: Measured = { latency: [], throughput: [] };
	let regular: BenchN8n | undefined;
	stopAtEnd('regular n8n', async () => await regular?.stop());

	regular = await BenchN8n.start(prepared, CONFIG.engine, sim);
	const regularN8n = regular;
	await measure('regular', regularN8n, () => [regularN8n.pid], sim, counter, measured);
	await regular.stop();
	regular = undefined;

	log('queue mode: starting Redis, Postgres, a main and two workers…');
	const queue = await QueueBenchN8n.start({ workers: 2, concurrency: CONFIG.concurrency, engine: CONFIG.engine, sim, log });
	stopAtEnd('queue mode', async () => await queue.stop());
	await queue.stopWorker(1);
	await measure('queue, 1 worker', queue, () => queue.processIds(), sim, counter, measured);
	await queue.startWorker(1);
	await measure('queue, 2 workers', queue, () => queue.processIds(), sim, counter, measured);

	const results: QueueBenchResults = {
		generatedAt: new Date().toISOString(),
		smoke: SMOKE,
		machine: machine(),
		config: { ...CONFIG, confirmationWindowMs: CONFIRMATION_WINDOW_MS, maxInFlight: DEFAULT_MAX_IN_FLIGHT },
		...measured,
		durationSeconds: elapsedSeconds(),
	};
	return { results, report: formatReport(results), resultsFile: 'n8n-queue-latest.json' };
});

function formatReport(results: QueueBenchResults): string {
	const { machine } = results;
	return [
		`bench:n8n:queue — n8n 2.41.1, expression engine ${CONFIG.engine}, ${CONFIG.saving} execution saving, workers at concurrency ${CONFIG.concurrency}; Node ${machine.node}, ${machine.cpus} CPUs, load average ${machine.loadBefore} before, ${machine.loadAfter} after; ${results.durationSeconds.toFixed(0)} s${results.smoke ? ' (SMOKE: the figures mean nothing)' : ''}`,
		formatQueueLatency(results.latency, CONFIG.acceptances, CONFIG.acceptancesPerSecond, CONFIRMATION_WINDOW_MS),
		formatQueueThroughput(results.throughput),
	].join('\n\n');
}
