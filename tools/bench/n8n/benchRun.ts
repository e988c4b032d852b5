/**
 * What `npm run bench:n8n` (run.ts) and `npm run bench:n8n:queue` (queueRun.ts) share around their
 * tables: smoke mode and the environment overrides, the progress log, n8n installed and the
 * package packed once, a venue simulator and an execution counter, the results file, the report,
 * and everything stopped at the end whatever happened.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';

import { startSimulator, type VenueSimulator } from 'trading-venues-simulator';

import { logToStderr } from '../../e2e/progress';
import { startExecutionCounter, type ExecutionCounter } from './counter';
import { prepareN8n, type PreparedN8n } from './instance';
import { loadAverage } from './processStats';

/** BENCH_SMOKE=1 (the `:smoke` scripts, run by CI): tiny counts so that a broken bench fails; the figures mean nothing. */
export const SMOKE = process.env.BENCH_SMOKE === '1';

/** The simulated venue's confirmation window for accepted quotes. */
export const CONFIRMATION_WINDOW_MS = 5000;

const benchStarted = performance.now();
/** Progress on stderr, with the time since the start (to see where a run spends it). */
export const log = (line: string): void => logToStderr(`[+${((performance.now() - benchStarted) / 1000).toFixed(0)} s] ${line}`);

/** A number from the environment, else `full` (or `smoke` in smoke mode); refused below 0, or at 0 when `positive`. */
export function envNumber(name: string, full: number, smoke: number, { positive = false } = {}): number {
	const value = process.env[name];
	if (value === undefined || value === '') return SMOKE ? smoke : full;
	const number = Number(value);
	if (!Number.isFinite(number) || number < 0 || (positive && number === 0))
		throw new Error(`${name} must be a number ${positive ? '> 0' : '≥ 0'}, got ${value}`);
	return number;
}

/** Rates separated by commas from the environment, else `full` (or `smoke` in smoke mode). */
export function envRates(name: string, full: number[], smoke: number[]): number[] {
	const value = process.env[name];
	if (value === undefined || value === '') return SMOKE ? smoke : full;
	const rates = value.split(',').map((part) => Number(part.trim()));
	if (rates.some((rate) => !Number.isFinite(rate) || rate <= 0))
		throw new Error(`${name} must list rates > 0 separated by commas, got ${value}`);
	return rates;
}

export interface Machine {
	node: string;
	cpus: number;
	loadBefore: number;
	loadAfter: number;
}

/** What a bench's tables run against; n8n itself is started by the tables (regular or queue mode). */
export interface BenchEnvironment {
	sim: VenueSimulator;
	counter: ExecutionCounter;
	prepared: PreparedN8n;
	/** The machine, with its load average before the run and now. */
	machine(): Machine;
	/** Seconds since the bench started. */
	elapsedSeconds(): number;
	/**
	 * Calls `stop` at the end, before the counter and the simulator close, even when the run
	 * failed; a failure to stop is logged. Called in the order registered.
	 */
	stopAtEnd(what: string, stop: () => Promise<void>): void;
}

export interface BenchOutcome<R> {
	results: R;
	/** Printed on stdout at the end. */
	report: string;
	/** Written to tools/bench/results/ under this name, except in smoke mode. */
	resultsFile: string;
}

/**
 * Runs a bench as the process's whole work: prepares n8n, starts the simulator and the counter,
 * runs `tables`, writes and prints what they found, then stops everything. A failure sets the
 * exit code.
 */
export function runBench<R>(name: string, tables: (bench: BenchEnvironment) => Promise<BenchOutcome<R>>): void {
	runBenchOnce(name, tables).catch((error: unknown) => {
		console.error(`\n${name} failed:`, error);
		process.exitCode = 1;
	});
}

async function runBenchOnce<R>(name: string, tables: (bench: BenchEnvironment) => Promise<BenchOutcome<R>>): Promise<void> {
	const loadBefore = loadAverage();
	if (SMOKE) log(`${name}: smoke mode (BENCH_SMOKE=1): tiny counts, the figures mean nothing`);
	const sim = await startSimulator({
		// The confirm calls of a few hundred acceptances must not meet the venue's per-minute limit.
		totalis: { confirmationWindowMs: CONFIRMATION_WINDOW_MS, settleDelayMs: 300, executeDelayMs: 20, rateLimit: { withKey: 1_000_000 } },
	});
	const counter = await startExecutionCounter();
	const stops: Array<{ what: string; stop: () => Promise<void> }> = [];
	let prepared: PreparedN8n | undefined;
	try {
		prepared = await prepareN8n(log);
		const { results, report, resultsFile } = await tables({
			sim,
			counter,
			prepared,
			machine: () => ({ node: process.version, cpus: availableParallelism(), loadBefore, loadAfter: loadAverage() }),
			elapsedSeconds: () => (performance.now() - benchStarted) / 1000,
			stopAtEnd: (what, stop) => stops.push({ what, stop }),
		});
		if (!SMOKE) {
			// .build/tools/bench/n8n/benchRun.js → <repository>/tools/bench/results
			const directory = join(__dirname, '..', '..', '..', '..', 'tools', 'bench', 'results');
			mkdirSync(directory, { recursive: true });
			writeFileSync(join(directory, resultsFile), `${JSON.stringify(results, null, '\t')}\n`);
		}
		process.stdout.write(`\n${report}\n`);
	} finally {
		for (const { what, stop } of stops) await stop().catch((error: unknown) => log(`${name}: stopping ${what} failed: ${String(error)}`));
		await counter.close();
		await sim.close();
		await prepared?.dispose();
	}
}
