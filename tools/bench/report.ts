/** The bench's figures: summarized, printed as a compact table, and written as JSON for the README. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

import type { ClientKind } from './client';
import type { MemoryFigures } from './ipc';
import type { SpeedSample } from './speed';
import { median } from './stats';

export const LABELS: Record<ClientKind, string> = {
	raw: 'raw ws + JSON.parse',
	'engine-each': 'engine, one execution per event',
	'engine-batch': 'engine, batched (500 items / 100 ms)',
	'engine-batch-keep-latest': 'engine, batched, keep latest per key',
};

export interface SpeedSummary {
	client: ClientKind;
	runs: number;
	eventsPerSec: number;
	cpuUsPerEvent: number;
	busy: number;
	/** Share of the run's wall time spent in GC pauses. */
	gcShare: number;
	itemsPerRun: number;
	executionsPerRun: number;
	/** Median over runs of this client's figure divided by the raw client's in the same repetition. */
	eventsPerSecVsRaw: number;
	cpuPerEventVsRaw: number;
	samples: SpeedSample[];
}

export interface MemorySummary extends MemoryFigures {
	peakRssVsRaw: number;
	peakHeapVsRaw: number;
	/** Heap after GC, end of the measured phase minus its start, per million frames. */
	growthBytesPerMillion: number;
	/** The measured phase's steady state: frames/s and µs of CPU per frame, and both against the raw client's. */
	framesPerSec: number;
	cpuUsPerFrame: number;
	framesPerSecVsRaw: number;
	cpuPerFrameVsRaw: number;
}

export interface BenchResults {
	generatedAt: string;
	node: string;
	platform: string;
	cpu: { model: string; count: number };
	config: { itemsPerRun: number; repetitions: number; longRunFrames: number; batchMaxItems: number; batchWindowMs: number };
	load: { framesPerRun: number; itemsPerRun: number; bytesPerRun: number; averageFrameBytes: number; mix: Record<string, number> };
	speed: SpeedSummary[];
	memory: MemorySummary[];
	durationSeconds: number;
}

/** Per-client medians, and per-repetition ratios against the raw run of the same repetition. */
export function summarizeSpeed(runs: Record<ClientKind, SpeedSample[]>, kinds: readonly ClientKind[]): SpeedSummary[] {
	const raw = runs.raw;
	return kinds.map((client) => {
		const samples = runs[client];
		return {
			client,
			runs: samples.length,
			eventsPerSec: median(samples.map((s) => s.eventsPerSec)),
			cpuUsPerEvent: median(samples.map((s) => s.cpuUsPerEvent)),
			busy: median(samples.map((s) => s.busy)),
			gcShare: median(samples.map((s) => s.gcMs / s.wallMs)),
			itemsPerRun: median(samples.map((s) => s.items)),
			executionsPerRun: median(samples.map((s) => s.executions)),
			eventsPerSecVsRaw: median(samples.map((s, i) => s.eventsPerSec / raw[i].eventsPerSec)),
			cpuPerEventVsRaw: median(samples.map((s, i) => s.cpuUsPerEvent / raw[i].cpuUsPerEvent)),
			samples,
		};
	});
}

export function summarizeMemory(figures: MemoryFigures[]): MemorySummary[] {
	const raw = figures.find((f) => f.client === 'raw');
	const framesPerSec = (f: MemoryFigures) => f.measuredFrames / (f.measuredWallMs / 1000);
	const cpuUsPerFrame = (f: MemoryFigures) => (f.measuredCpuMs * 1000) / f.measuredFrames;
	return figures.map((f) => ({
		...f,
		peakRssVsRaw: raw ? f.peakRssBytes / raw.peakRssBytes : NaN,
		peakHeapVsRaw: raw ? f.peakHeapBytes / raw.peakHeapBytes : NaN,
		growthBytesPerMillion: ((f.heapAfterGc.end - f.heapAfterGc.warmed) / f.measuredFrames) * 1e6,
		framesPerSec: framesPerSec(f),
		cpuUsPerFrame: cpuUsPerFrame(f),
		framesPerSecVsRaw: raw ? framesPerSec(f) / framesPerSec(raw) : NaN,
		cpuPerFrameVsRaw: raw ? cpuUsPerFrame(f) / cpuUsPerFrame(raw) : NaN,
	}));
}

export function environment(): Pick<BenchResults, 'node' | 'platform' | 'cpu'> {
	const list = cpus();
	return {
		node: process.version,
		platform: `${process.platform}-${process.arch}`,
		cpu: { model: list[0]?.model.trim() ?? 'unknown', count: list.length },
	};
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const fixed = (n: number, digits = 2) => n.toFixed(digits);
const ratio = (n: number) => `${n.toFixed(2)}×`;
const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;
const kb = (bytes: number) => `${bytes >= 0 ? '+' : ''}${(bytes / 1024).toFixed(0)} KB`;

function table(rows: string[][], align: ('l' | 'r')[]): string {
	const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
	return rows
		.map((row) =>
			row
				.map((cell, c) => (align[c] === 'l' ? cell.padEnd(widths[c]) : cell.padStart(widths[c])))
				.join('  ')
				.trimEnd(),
		)
		.join('\n');
}

export function formatReport(results: BenchResults): string {
	const { load, config } = results;
	const lines: string[] = [];
	lines.push(
		`engine path vs raw ws + JSON.parse — Node ${results.node}, ${results.cpu.count} CPUs (${results.cpu.model})`,
		`load: ${int(load.framesPerRun)} Totalis frames per run from the simulator's market (${int(load.itemsPerRun)} items after the accepted-pair merge), ${int(load.averageFrameBytes)} B/frame on average`,
		`speed: median of ${config.repetitions} runs per client, each on a fresh connection right after an unmeasured run of the same client, clients alternating; events = frames`,
		'',
	);
	lines.push(
		table(
			[
				['', 'events/s', 'vs raw', 'µs CPU/event', 'vs raw', 'CPU busy', 'in GC', 'executions/run'],
				...results.speed.map((s) => [
					LABELS[s.client],
					int(s.eventsPerSec),
					ratio(s.eventsPerSecVsRaw),
					fixed(s.cpuUsPerEvent),
					ratio(s.cpuPerEventVsRaw),
					`${Math.round(s.busy * 100)}%`,
					`${Math.round(s.gcShare * 100)}%`,
					s.client === 'raw' ? '–' : int(s.executionsPerRun),
				]),
			],
			['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
		),
	);
	if (results.memory.length > 0) {
		const m = results.memory[0];
		lines.push(
			'',
			`long run: ${int(m.frames)} frames per client in a fresh process (${int(m.frames - m.measuredFrames)} warm-up, then ${int(m.measuredFrames)} measured); heap after a full GC`,
			'',
			table(
				[
					['', 'peak RSS', 'vs raw', 'peak heap', 'vs raw', 'heap warmed → end', 'growth/M events', 'after close', 'time'],
					...results.memory.map((f) => [
						LABELS[f.client],
						mb(f.peakRssBytes),
						ratio(f.peakRssVsRaw),
						mb(f.peakHeapBytes),
						ratio(f.peakHeapVsRaw),
						`${mb(f.heapAfterGc.warmed)} → ${mb(f.heapAfterGc.end)}`,
						kb(f.growthBytesPerMillion),
						mb(f.heapAfterGc.closed),
						`${(f.wallMs / 1000).toFixed(1)} s`,
					]),
				],
				['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
			),
		);
		lines.push(
			'',
			'steady state: the measured phase, one connection after its warm-up, each client alone in its process',
			'',
			table(
				[
					['', 'events/s', 'vs raw', 'µs CPU/event', 'vs raw'],
					...results.memory.map((f) => [
						LABELS[f.client],
						int(f.framesPerSec),
						ratio(f.framesPerSecVsRaw),
						fixed(f.cpuUsPerFrame),
						ratio(f.cpuPerFrameVsRaw),
					]),
				],
				['l', 'r', 'r', 'r', 'r'],
			),
		);
		const raw = results.memory.find((f) => f.client === 'raw');
		const young = Math.max(...results.memory.filter((f) => f.client !== 'raw').map((f) => f.peakYoungGenerationBytes));
		if (raw && Number.isFinite(young)) {
			lines.push(
				`peak heap − heap after GC is garbage not yet collected: V8 grew the young generation to ${mb(young)} for the engine (raw: ${mb(raw.peakYoungGenerationBytes)})`,
			);
		}
	}
	lines.push('', `bench took ${results.durationSeconds.toFixed(0)} s`);
	return lines.join('\n');
}

export function writeResults(results: BenchResults, directory: string): string {
	mkdirSync(directory, { recursive: true });
	const file = join(directory, 'latest.json');
	writeFileSync(file, `${JSON.stringify(results, null, '\t')}\n`);
	return file;
}
