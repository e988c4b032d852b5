/** `bench:n8n:queue`'s printout: regular mode and queue mode side by side. */
import type { LatencySummary } from '../../e2e/latency';
import type { FloodResult } from './flood';
import { mb, ms, table, whole } from './report';

/** Where the executions ran. */
export type N8nSetup = 'regular' | 'queue, 1 worker' | 'queue, 2 workers';

export type QueueLatencyPath = 'fast path' | 'per event';

export interface QueueLatencyRow {
	setup: N8nSetup;
	path: QueueLatencyPath;
	summary: LatencySummary;
}

export interface QueueThroughputRow {
	setup: N8nSetup;
	flood: FloodResult;
	/** CPU of every n8n process (main and workers) per execution completed, drain included. */
	cpuMsPerExecutionAll: number;
	/** Resident memory of every n8n process after the run. */
	rssAllMb: number;
}

export interface QueueBenchResults {
	generatedAt: string;
	smoke: boolean;
	machine: { node: string; cpus: number; loadBefore: number; loadAfter: number };
	config: Record<string, unknown>;
	latency: QueueLatencyRow[];
	throughput: QueueThroughputRow[];
	durationSeconds: number;
}

const PATH_LABEL: Record<QueueLatencyPath, string> = {
	'fast path': 'fast path (Confirm Accepted Quotes)',
	'per event': 'Quote Accepted → Confirm, one execution per event',
};

export function formatQueueLatency(rows: QueueLatencyRow[], acceptances: number, perSecond: number, windowMs: number): string {
	return [
		`Accepted → confirm received at the venue (${acceptances} acceptances at ${perSecond}/s; the venue's confirmation window is ${windowMs / 1000} s):`,
		'',
		table(
			['n8n', 'path', 'confirmed in time', 'median', 'p99', 'max'],
			rows.map(({ setup, path, summary }) => [
				setup,
				PATH_LABEL[path],
				`${summary.confirmed} / ${summary.acceptances}`,
				ms(summary.medianMs),
				ms(summary.p99Ms),
				ms(summary.maxMs),
			]),
		),
	].join('\n');
}

export function formatQueueThroughput(rows: QueueThroughputRow[]): string {
	if (rows.length === 0) return '';
	const { plan } = rows[0].flood;
	return [
		`Executions completed, one execution per event at ${whole(plan.ratePerSecond)} events/s for ${plan.seconds} s (Max Executions in Flight ${plan.delivery.maxInFlight}):`,
		'',
		table(
			[
				'n8n',
				'executions/s',
				'items/s',
				'backlog at end',
				'missing after drain',
				'n8n CPU per execution (all processes)',
				'n8n RSS after (all processes)',
				'API answered',
			],
			rows.map(({ setup, flood, cpuMsPerExecutionAll, rssAllMb }) => [
				setup,
				whole(flood.executionsPerSecond),
				whole(flood.itemsPerSecond),
				whole(flood.backlogAtEnd),
				whole(flood.missing),
				ms(cpuMsPerExecutionAll),
				mb(rssAllMb),
				`${flood.apiProbes - flood.apiFailures} / ${flood.apiProbes}${flood.restarted ? ', main restarted' : ''}`,
			]),
		),
	].join('\n');
}
