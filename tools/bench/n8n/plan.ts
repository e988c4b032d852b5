/** Which parts of `npm run bench:n8n` run, and in which order (run.ts runs them). */
import { DEFAULT_MAX_IN_FLIGHT } from '../../../nodes/shared/delivery/executionGate';
import type { DeliveryMode } from './workflows';

/** The tables, in the order they run and print. */
export const TABLES = ['settings', 'latency', 'rates', 'throughput'] as const;
export type Table = (typeof TABLES)[number];

/** BENCH_N8N_TABLES: some of TABLES, comma-separated; unset or empty means all. */
export function parseTables(value: string | undefined, name = 'BENCH_N8N_TABLES'): ReadonlySet<Table> {
	if (value === undefined || value.trim() === '') return new Set(TABLES);
	const names = value.split(',').map((part) => part.trim().toLowerCase());
	const unknown = names.filter((table) => !(TABLES as readonly string[]).includes(table));
	if (unknown.length > 0) throw new Error(`${name} must list some of ${TABLES.join(', ')} separated by commas, got ${value}`);
	return new Set(names as Table[]);
}

export interface RateRun {
	ratePerSecond: number;
	mode: DeliveryMode;
	/** 0: no cap. */
	maxInFlight: number;
}

/**
 * The per-rate runs: every capped run first, then the uncapped ones. n8n keeps the memory an
 * uncapped flood made it take (and may have been restarted by it), so a capped run after one
 * would show that flood's RSS, not its own.
 */
export function rateRuns(rates: readonly number[]): RateRun[] {
	const runs: RateRun[] = [];
	for (const maxInFlight of [DEFAULT_MAX_IN_FLIGHT, 0])
		for (const ratePerSecond of rates) for (const mode of ['each', 'batch'] as const) runs.push({ ratePerSecond, mode, maxInFlight });
	return runs;
}
