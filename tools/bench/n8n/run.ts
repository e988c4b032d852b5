/**
 * `npm run bench:n8n`: the package inside a real n8n 2.41.1 with the venue simulator, in one run:
 *
 * 1. n8n settings: CPU per execution with each expression engine and execution saving;
 * 2. accepted → confirm latency: fast path vs one execution per event vs batched, quiet and with
 *    every CPU kept busy by spinning processes;
 * 3. per rate: both delivery modes with and without the cap on executions in flight;
 * 4. throughput: the highest rate one trigger sustains with n8n's memory flat.
 *
 * BENCH_SMOKE=1 (`npm run bench:n8n:smoke`, run by CI) uses tiny counts so that a broken bench
 * fails in about a minute; its figures mean nothing. BENCH_N8N_TABLES=latency,rates (say) runs
 * only those tables. Overrides: see CONFIG below and docs/performance.md.
 */
import { TOTALIS_TRIGGER_TYPE } from '../../e2e';
import { DEFAULT_MAX_IN_FLIGHT } from '../../../nodes/shared/delivery/executionGate';
import { CONFIRMATION_WINDOW_MS, envNumber, envRates, log, runBench, SMOKE } from './benchRun';
import { burnCpus } from './cpuBurner';
import { runFlood, type FloodPlan, type FloodResult } from './flood';
import { MEASURE_CPU_WAITS } from './confirmTraces';
import { BenchN8n, N8N_NODE_ARGS, N8N_NODE_OPTIONS, type ExpressionEngine } from './instance';
import { LATENCY_COLUMNS, runLatency } from './latency';
import { startLatencyVenue } from './latencyVenue';
import { parseTables, rateRuns, TABLES } from './plan';
import {
	formatLatency,
	formatRates,
	formatSettings,
	formatThroughput,
	type LatencyRow,
	type N8nBenchResults,
	type SettingsRow,
	type ThroughputRow,
} from './report';
import { FAST_PATH_PARAMETER, type DeliveryChoice, type DeliveryMode, type Saving } from './workflows';

const CONFIG = {
	tables: parseTables(process.env.BENCH_N8N_TABLES),
	acceptances: envNumber('BENCH_N8N_ACCEPTANCES', 300, 10),
	acceptancesPerSecond: 20,
	settingsRate: envNumber('BENCH_N8N_SETTINGS_RATE', 50, 50),
	settingsSeconds: envNumber('BENCH_N8N_SETTINGS_SECONDS', 20, 2),
	rates: envRates('BENCH_N8N_RATES', [50, 200, 1000, 5000, 20_000], [50]),
	rateSeconds: envNumber('BENCH_N8N_RATE_SECONDS', 15, 2),
	sustainSeconds: envNumber('BENCH_N8N_SUSTAIN_SECONDS', 60, 3),
	sustainRatesEach: envRates('BENCH_N8N_SUSTAIN_RATES_EACH', [20, 35, 50, 75, 100], [20]),
	sustainRatesBatch: envRates('BENCH_N8N_SUSTAIN_RATES_BATCH', [5000, 10_000, 20_000, 30_000], [2000]),
	drainSeconds: envNumber('BENCH_N8N_DRAIN_SECONDS', 30, 3),
	/** Past this, a run stops sending: enough to show the flood, far from what the machine holds. */
	rssLimitMb: envNumber('BENCH_N8N_RSS_LIMIT_MB', 3000, 3000),
	/** The issue's batch for a fast stream. */
	floodBatch: { batchWindowMs: 200, batchMaxItems: 1000 },
	/** What the bench recommends and runs everything else with. */
	saving: 'light' as Saving,
	engine: 'legacy' as ExpressionEngine,
};

runBench('bench:n8n', async ({ sim, counter, prepared, machine, elapsedSeconds, stopAtEnd }) => {
	let n8n: BenchN8n | undefined;
	stopAtEnd('n8n', async () => await n8n?.stop());
	const settings: SettingsRow[] = [];
	const floodPlan = (ratePerSecond: number, seconds: number, delivery: DeliveryChoice, saving: Saving = CONFIG.saving): FloodPlan => ({
		ratePerSecond,
		seconds,
		delivery,
		saving,
		drainSeconds: CONFIG.drainSeconds,
		rssLimitMb: CONFIG.rssLimitMb,
	});
	const eachCapped: DeliveryChoice = { mode: 'each', maxInFlight: DEFAULT_MAX_IN_FLIGHT, ...CONFIG.floodBatch };

	// 1. Settings. The default engine gets its own n8n (the engine is chosen at start); the smoke run skips it.
	const engines: ExpressionEngine[] = !CONFIG.tables.has('settings') ? [] : SMOKE ? [CONFIG.engine] : ['vm', CONFIG.engine];
	for (const engine of engines) {
		const instance = await BenchN8n.start(prepared, engine, sim);
		if (engine === CONFIG.engine) n8n = instance;
		for (const saving of ['default', 'light'] as Saving[]) {
			log(`settings: engine ${engine}, saving ${saving}…`);
			const result = await runFlood(instance, sim, counter, floodPlan(CONFIG.settingsRate, CONFIG.settingsSeconds, eachCapped, saving));
			settings.push({ engine, saving, result });
		}
		if (instance !== n8n) await instance.stop();
	}
	n8n ??= await BenchN8n.start(prepared, CONFIG.engine, sim);

	// 2. Latency, quiet then with every CPU busy.
	const fastPath = (await n8n.api.nodeTypeParameters(TOTALIS_TRIGGER_TYPE)).includes(FAST_PATH_PARAMETER);
	const latency: LatencyRow[] = [];
	// The venue of the latency runs has a thread of its own: the bench's bookkeeping must not be in the figure.
	const venue = CONFIG.tables.has('latency') ? await startLatencyVenue() : undefined;
	stopAtEnd('the latency venue', async () => await venue?.close());
	for (const load of ['quiet', 'CPUs saturated'] as const) {
		if (!venue) break;
		const burner = load === 'quiet' ? undefined : burnCpus();
		try {
			for (const column of LATENCY_COLUMNS) {
				if (column === 'fast path' && !fastPath) {
					latency.push({ column, load, note: `skipped: this build's Totalis Trigger has no "${FAST_PATH_PARAMETER}" parameter` });
					continue;
				}
				log(`latency: ${column}, ${load}…`);
				const { summary, wakeUps } = await runLatency(n8n, venue, column, {
					acceptances: CONFIG.acceptances,
					perSecond: CONFIG.acceptancesPerSecond,
					saving: CONFIG.saving,
					maxInFlight: DEFAULT_MAX_IN_FLIGHT,
				});
				latency.push({ column, load, summary, wakeUps });
			}
		} finally {
			await burner?.stop();
		}
	}

	// 3. Per rate, both modes, capped runs first (plan.ts says why); then a fresh n8n for what follows.
	const rates: FloodResult[] = [];
	for (const { ratePerSecond, mode, maxInFlight } of CONFIG.tables.has('rates') ? rateRuns(CONFIG.rates) : []) {
		log(`rates: ${ratePerSecond}/s ${mode} cap ${maxInFlight || 'none'}…`);
		const delivery = { mode, maxInFlight, ...CONFIG.floodBatch };
		rates.push(await runFlood(n8n, sim, counter, floodPlan(ratePerSecond, CONFIG.rateSeconds, delivery)));
	}
	if (rates.length > 0 && CONFIG.tables.has('throughput')) {
		log('rates: restarting n8n so that the throughput runs start from a fresh one…');
		await n8n.restart();
	}

	// 4. Throughput: rates in increasing order until one is not sustained.
	const throughput: ThroughputRow[] = [];
	const sustainRates: Array<[DeliveryMode, number[]]> = CONFIG.tables.has('throughput')
		? [
				['each', CONFIG.sustainRatesEach],
				['batch', CONFIG.sustainRatesBatch],
			]
		: [];
	for (const [mode, list] of sustainRates) {
		const row: ThroughputRow = { mode: mode === 'each' ? 'per event' : 'batched', tried: [] };
		for (const rate of list) {
			log(`throughput: ${row.mode} at ${rate}/s for ${CONFIG.sustainSeconds} s…`);
			const result = await runFlood(
				n8n,
				sim,
				counter,
				floodPlan(rate, CONFIG.sustainSeconds, { mode, maxInFlight: DEFAULT_MAX_IN_FLIGHT, ...CONFIG.floodBatch }),
			);
			const why = notSustained(result);
			row.tried.push({ result, sustained: why === undefined, why });
			if (why) break;
		}
		throughput.push(row);
	}

	const results: N8nBenchResults = {
		generatedAt: new Date().toISOString(),
		smoke: SMOKE,
		machine: machine(),
		config: {
			...CONFIG,
			tables: [...CONFIG.tables],
			confirmationWindowMs: CONFIRMATION_WINDOW_MS,
			fastPath,
			n8nNodeOptions: N8N_NODE_OPTIONS,
			n8nNodeArgs: N8N_NODE_ARGS,
			measureCpuWaits: MEASURE_CPU_WAITS,
		},
		latency,
		settings,
		rates,
		throughput,
		durationSeconds: elapsedSeconds(),
	};
	// A run of some tables only does not replace the figures of the last full run.
	const resultsFile = CONFIG.tables.size === TABLES.length ? 'n8n-latest.json' : 'n8n-partial.json';
	return { results, report: formatReport(results), resultsFile };
});

/** Why a run does not count as sustained: everything out, nothing dropped, memory flat, one execution per event where asked. */
function notSustained(result: FloodResult): string | undefined {
	const { plan } = result;
	if (result.stoppedBecause) return result.stoppedBecause;
	if (result.apiFailures > 0) return `n8n's API failed ${result.apiFailures} of ${result.apiProbes} probes`;
	if (result.missing > 0) return `${result.missing} events never came out of n8n`;
	// At the end of sending, at most about a second of events may still be on their way.
	if (result.backlogAtEnd > plan.ratePerSecond * 1.5) return `${result.backlogAtEnd} events behind when the venue stopped`;
	if (result.rssGrowth > 1.1) return `n8n's RSS grew ×${result.rssGrowth.toFixed(2)} over the last third`;
	if (plan.delivery.mode === 'each' && result.executionsPerSecond < result.itemsPerSecond * 0.95)
		return 'n8n fell behind: the cap batched events (fewer executions than events)';
	return undefined;
}

function formatReport(results: N8nBenchResults): string {
	const { machine } = results;
	return [
		`bench:n8n — n8n 2.41.1, expression engine ${CONFIG.engine} and ${CONFIG.saving} execution saving unless said${N8N_NODE_OPTIONS ? `, n8n run with Node options ${N8N_NODE_OPTIONS}` : ''}${N8N_NODE_ARGS.length > 0 ? `, n8n's main started as node ${N8N_NODE_ARGS.join(' ')} …/n8n start` : ''}${MEASURE_CPU_WAITS ? ', with the CPU waits measured (BENCH_N8N_CPU_WAITS=1)' : ''}; Node ${machine.node}, ${machine.cpus} CPUs, load average ${machine.loadBefore} before, ${machine.loadAfter} after; ${results.durationSeconds.toFixed(0)} s${results.smoke ? ' (SMOKE: the figures mean nothing)' : ''}`,
		formatSettings(results.settings),
		formatLatency(
			results.latency,
			CONFIG.acceptances,
			CONFIG.acceptancesPerSecond,
			`the venue's confirmation window is ${CONFIRMATION_WINDOW_MS / 1000} s`,
		),
		formatRates(results.rates),
		formatThroughput(results.throughput),
	]
		.filter(Boolean)
		.join('\n\n');
}
