/** The bench's printout: one table per question, figures side by side. */
import type { ConfirmBreakdown, LatencySummary } from '../../e2e/latency';
import type { FloodResult } from './flood';
import type { LatencyColumn } from './latency';
import { WAKE_PROBE_INTERVAL_MS, type WakeUpLateness } from './wakeProbe';

export interface LatencyRow {
	column: LatencyColumn;
	load: 'quiet' | 'CPUs saturated';
	/** Absent when the column was skipped. */
	summary?: LatencySummary;
	/** How late the machine woke a sleeping thread during the row (wakeProbe.ts). */
	wakeUps?: WakeUpLateness;
	note?: string;
}

export interface SettingsRow {
	engine: string;
	saving: string;
	result: FloodResult;
}

export interface ThroughputRow {
	mode: 'per event' | 'batched';
	tried: Array<{ result: FloodResult; sustained: boolean; why?: string }>;
}

export interface N8nBenchResults {
	generatedAt: string;
	smoke: boolean;
	machine: { node: string; cpus: number; loadBefore: number; loadAfter: number };
	config: Record<string, unknown>;
	latency: LatencyRow[];
	settings: SettingsRow[];
	rates: FloodResult[];
	throughput: ThroughputRow[];
	durationSeconds: number;
}

export const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(1)} ms` : '–');
export const whole = (value: number) => (Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : '–');
export const mb = (value: number) => (Number.isFinite(value) ? `${Math.round(value)} MB` : '–');

export function table(header: string[], rows: string[][]): string {
	const lines = [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`);
	return lines.join('\n');
}

export function formatLatency(rows: LatencyRow[], acceptances: number, perSecond: number, deadlineNote: string): string {
	if (rows.length === 0) return '';
	return [
		`Accepted → confirm received at the venue (${acceptances} acceptances at ${perSecond}/s; ${deadlineNote}):`,
		'',
		table(
			['path', 'machine', 'confirmed in time', 'median', 'p99', 'max', 'slowest (place in the run: ms)'],
			rows.map(({ column, load, summary, note }) =>
				summary
					? [
							column,
							load,
							`${summary.confirmed} / ${summary.acceptances}`,
							ms(summary.medianMs),
							ms(summary.p99Ms),
							ms(summary.maxMs),
							summary.slowest.map(({ place, ms: took }) => `${place}: ${ms(took)}`).join(', '),
						]
					: [column, load, note ?? 'skipped', '–', '–', '–', '–'],
			),
		),
		formatToConfirmDone(rows),
		formatBreakdown(rows),
		formatWakeUps(rows),
		formatWorkerGc(rows),
		formatColdStart(rows),
	]
		.filter((part) => part !== undefined)
		.join('\n');
}

/**
 * Where the slowest confirms' time went, on one clock shared by the simulator and n8n's threads:
 * the venue's acceptance to the trigger reading it, the trigger's own work up to the confirm
 * handed to node:http (both only where the fast path stamps them), on to the venue reading the
 * request, and the venue's own work; then how long the trigger's worker thread (since its previous
 * confirm) and the venue's thread (since the venue's previous confirm) waited for a CPU, where
 * Linux says. Each thread wakes for other frames and timers between two confirms, so its figure is
 * at most its wait inside this confirm: a slow confirm whose threads hardly waited was slow for
 * another reason; a large figure does not by itself say the wait fell inside it.
 */
function formatBreakdown(rows: LatencyRow[]): string | undefined {
	// The CPU waits' columns only where they were measured (BENCH_N8N_CPU_WAITS=1).
	const cpuWaits = rows.some(({ wakeUps }) => wakeUps !== undefined);
	const lines = rows.flatMap(({ column, load, summary }) => {
		const slowest = summary?.slowest ?? [];
		// The first confirm too, where it is not among the slowest: the path's own cold start.
		const first = summary?.first && !slowest.some(({ place }) => place === 0) ? [summary.first] : [];
		return [...slowest, ...first]
			.filter(({ breakdown }) => breakdown !== undefined)
			.map(({ place, ms: took, breakdown }) => [
				column,
				load,
				place === 0 ? '0 (first)' : String(place),
				ms(took),
				...breakdownCells(breakdown as ConfirmBreakdown, cpuWaits),
			]);
	});
	if (lines.length === 0) return undefined;
	return [
		'',
		'Where the five slowest confirms of each row, and the first, spent their time (ms):',
		'',
		table(
			[
				'path',
				'machine',
				'place',
				'total',
				'venue → trigger reads it',
				'in the trigger',
				'→ venue reads the confirm',
				'then at the venue (not in the total)',
				'worker GC in it',
				...(cpuWaits ? ['worker waited for a CPU since its last confirm', 'venue waited for a CPU since its last confirm'] : []),
			],
			lines,
		),
	].join('\n');
}

function breakdownCells(
	{ toTrigger, inTrigger, toVenue, atVenue, workerGc, workerGcKinds, workerWaitedForCpu, venueWaitedForCpu }: ConfirmBreakdown,
	cpuWaits: boolean,
): string[] {
	const cell = (value: number | undefined) => (value === undefined ? '–' : value.toFixed(2));
	// Without the trigger's stamps, the time to the venue reading the confirm runs from the acceptance.
	return [
		cell(toTrigger),
		cell(inTrigger),
		toTrigger === undefined && toVenue !== undefined ? `${cell(toVenue)} (from the acceptance)` : cell(toVenue),
		cell(atVenue),
		workerGcKinds ? `${cell(workerGc)} (${workerGcKinds.join(', ')})` : cell(workerGc),
		...(cpuWaits ? [cell(workerWaitedForCpu), cell(venueWaitedForCpu)] : []),
	];
}

/**
 * The machine's own wake-up lateness during each row: what any thread that sleeps on the kernel
 * (as the venue's and the trigger's do between frames) waited past its time, the floor under the
 * fast path's figures.
 */
function formatWakeUps(rows: LatencyRow[]): string | undefined {
	const lines = rows
		.filter(({ wakeUps }) => wakeUps !== undefined && wakeUps.wakeUps > 0)
		.map(({ column, load, wakeUps }) => {
			const { wakeUps: count, medianMs, p99Ms, maxMs } = wakeUps as WakeUpLateness;
			return `- ${column}, ${load}: median ${medianMs.toFixed(2)} ms, p99 ${p99Ms.toFixed(2)} ms, max ${maxMs.toFixed(2)} ms (${whole(count)} wake-ups)`;
		});
	if (lines.length === 0) return undefined;
	return [
		'',
		`How late the machine woke a thread of the bench sleeping ${WAKE_PROBE_INTERVAL_MS} ms at a time, during each row (a fast-path confirm waits on two such wake-ups):`,
		...lines,
	].join('\n');
}

/** The fast path's worker thread's GC over each whole row (not only inside the slowest confirms). */
function formatWorkerGc(rows: LatencyRow[]): string | undefined {
	const lines = rows
		.filter(({ summary }) => summary?.workerGcPauses)
		.map(({ column, load, summary }) => {
			const pauses = summary?.workerGcPauses ?? [];
			const kinds = pauses.map(({ kind, count, totalMs, maxMs }) => `${kind} ${count} (total ${ms(totalMs)}, longest ${ms(maxMs)})`);
			return `- ${column}, ${load}: ${kinds.length > 0 ? kinds.join('; ') : 'none'}`;
		});
	if (lines.length === 0) return undefined;
	return ['', "The fast path's worker thread's GC pauses over the whole row:", '', ...lines].join('\n');
}

/** The table's figures run to the venue reading the confirm; these run on to its confirm done, the venue's own work included. */
function formatToConfirmDone(rows: LatencyRow[]): string | undefined {
	const lines = rows
		.filter(({ summary }) => summary?.toConfirmDone)
		.map(({ column, load, summary }) => {
			const done = summary?.toConfirmDone as NonNullable<LatencySummary['toConfirmDone']>;
			return `- ${column}, ${load}: median ${ms(done.medianMs)}, p99 ${ms(done.p99Ms)}, max ${ms(done.maxMs)}`;
		});
	if (lines.length === 0) return undefined;
	return ['', "The same confirms to the venue's confirm done (its own work included):", '', ...lines].join('\n');
}

/** The warm-up acceptances after activation, not counted in the table: n8n's cold start. */
function formatColdStart(rows: LatencyRow[]): string | undefined {
	const lines = rows
		.filter(({ summary }) => summary?.coldStartMs?.length)
		.map(
			({ column, load, summary }) =>
				`- ${column}, ${load}: ${(summary?.coldStartMs ?? []).map((took) => (took === undefined ? 'expired' : ms(took))).join(', ')}`,
		);
	if (lines.length === 0) return undefined;
	return ['', 'Cold start: the first acceptances after activation, sent before those counted above, in order:', '', ...lines].join('\n');
}

export function formatSettings(rows: SettingsRow[]): string {
	if (rows.length === 0) return '';
	const { ratePerSecond, seconds } = rows[0].result.plan;
	return [
		`n8n settings, one execution per event at ${ratePerSecond} events/s for ${seconds} s (cap ${rows[0].result.plan.delivery.maxInFlight}):`,
		'',
		table(
			['expression engine', 'execution saving', 'executions/s', 'items/s', 'n8n CPU per execution', 'n8n RSS peak', 'backlog at end'],
			rows.map(({ engine, saving, result }) => [
				engine,
				saving,
				whole(result.executionsPerSecond),
				whole(result.itemsPerSecond),
				ms(result.cpuMsPerExecution),
				mb(result.rssPeakMb),
				whole(result.backlogAtEnd),
			]),
		),
	].join('\n');
}

export function formatRates(results: FloodResult[]): string {
	if (results.length === 0) return '';
	const { seconds } = results[0].plan;
	return [
		`Per rate, ${seconds} s each: what n8n completed while the venue sent, its memory, and whether its API answered:`,
		'',
		table(
			[
				'events/s',
				'delivery',
				'cap',
				'executions/s',
				'items/s',
				'n8n RSS start → peak',
				'backlog at end',
				'missing after drain',
				'API answered',
				'note',
			],
			results.map((result) => [
				whole(result.plan.ratePerSecond),
				result.plan.delivery.mode === 'each' ? 'per event' : 'batched',
				result.plan.delivery.maxInFlight === 0 ? 'none' : String(result.plan.delivery.maxInFlight),
				whole(result.executionsPerSecond),
				whole(result.itemsPerSecond),
				`${mb(result.rssStartMb)} → ${mb(result.rssPeakMb)}`,
				whole(result.backlogAtEnd),
				whole(result.missing),
				`${result.apiProbes - result.apiFailures} / ${result.apiProbes}`,
				[result.stoppedBecause, result.restarted ? 'n8n restarted' : undefined].filter(Boolean).join('; '),
			]),
		),
	].join('\n');
}

export function formatThroughput(rows: ThroughputRow[]): string {
	if (rows.length === 0) return '';
	const lines: string[] = [];
	for (const row of rows) {
		const best = [...row.tried].reverse().find((attempt) => attempt.sustained);
		const seconds = row.tried[0]?.result.plan.seconds ?? 0;
		lines.push(
			best
				? `${row.mode}: sustains ${whole(best.result.plan.ratePerSecond)} events/s for ${seconds} s: ${whole(best.result.executionsPerSecond)} executions/s, ${whole(best.result.itemsPerSecond)} items/s, n8n RSS ${mb(best.result.rssStartMb)} → ${mb(best.result.rssEndMb)} (growth ×${best.result.rssGrowth.toFixed(2)})`
				: `${row.mode}: sustains none of the rates tried for ${seconds} s`,
		);
		for (const attempt of row.tried) {
			lines.push(`  ${whole(attempt.result.plan.ratePerSecond)}/s: ${attempt.sustained ? 'sustained' : `not sustained (${attempt.why})`}`);
		}
	}
	return ['Throughput: the highest rate one trigger sustains with memory flat (cap at its default):', '', ...lines].join('\n');
}
