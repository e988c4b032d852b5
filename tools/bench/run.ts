/**
 * `npm run bench`: the engine's path from socket to `emit` against a raw `ws` client that only
 * parses JSON, in the same run, as ratios; then peak memory over a long run. The load comes
 * from a separate process (loadGenerator.ts). Environment overrides, for a quick look:
 * BENCH_EVENTS (items per run), BENCH_REPS, BENCH_LONG_EVENTS (frames per long run, 0: skip),
 * BENCH_BOOK_DELTAS (0: skip the keeper), BENCH_CLIENTS (the engine clients to measure,
 * comma-separated: `engine-each` alone measures one execution per event without the batched
 * client's code in the process; the raw client always runs). BENCH_SMOKE=1 (`npm run bench:smoke`, run by CI) uses tiny counts so that
 * a broken benchmark fails in seconds; its figures mean nothing.
 */
import { join } from 'node:path';

import { benchBooks, formatBookBench } from './books';
import type { ClientKind } from './client';
import { LoadGenerator } from './generatorHandle';
import type { LongRunClient, MemoryFigures } from './ipc';
import { longRun } from './longRunHandle';
import { BATCH_MAX_ITEMS, BATCH_WINDOW_MS } from './openClient';
import { environment, formatReport, LABELS, summarizeMemory, summarizeSpeed, writeResults, type BenchResults } from './report';
import { timedRun, type SpeedSample } from './speed';
import { hasGc } from './stats';

const ENGINE_SPEED_CLIENTS = ['engine-each', 'engine-batch'] as const;
type EngineSpeedClient = (typeof ENGINE_SPEED_CLIENTS)[number];

const SMOKE = process.env.BENCH_SMOKE === '1';

function envInt(name: string, fallback: number, smokeFallback: number): number {
	const value = process.env[name];
	if (SMOKE && (value === undefined || value === '')) return smokeFallback;
	if (value === undefined || value === '') return fallback;
	const number = Number(value);
	if (!Number.isInteger(number) || number < 0) throw new Error(`${name} must be a whole number, got ${value}`);
	return number;
}

// A whole number of batches per run, so the marker closes a full batch and no run waits for the window.
const ITEMS = Math.max(1, Math.round(envInt('BENCH_EVENTS', 200_000, 2_000) / BATCH_MAX_ITEMS)) * BATCH_MAX_ITEMS;
const REPS = Math.max(1, envInt('BENCH_REPS', 5, 1));
const LONG_FRAMES = envInt('BENCH_LONG_EVENTS', 3_000_000, 30_000);
const RUN_TIMEOUT_MS = 120_000;
const ENGINE_CLIENTS = chosenEngineClients();
const SPEED_CLIENTS: readonly ClientKind[] = ['raw', ...ENGINE_CLIENTS];
// Keep latest per key is batched delivery with one option more: it runs when batched delivery does.
const LONG_CLIENTS: readonly LongRunClient[] = [
	'raw',
	...ENGINE_CLIENTS,
	...(ENGINE_CLIENTS.includes('engine-batch') ? (['engine-batch-keep-latest'] as const) : []),
];

function chosenEngineClients(): readonly EngineSpeedClient[] {
	const value = process.env.BENCH_CLIENTS;
	if (value === undefined || value.trim() === '') return ENGINE_SPEED_CLIENTS;
	const chosen = value.split(',').map((name) => name.trim());
	for (const name of chosen) {
		if (!ENGINE_SPEED_CLIENTS.includes(name as EngineSpeedClient))
			throw new Error(`BENCH_CLIENTS must list ${ENGINE_SPEED_CLIENTS.join(' and/or ')}, got ${name}`);
	}
	return ENGINE_SPEED_CLIENTS.filter((kind) => chosen.includes(kind));
}

const progress = (text: string) => process.stderr.write(text);

async function main() {
	const started = performance.now();
	if (!hasGc()) progress('note: run with node --expose-gc for settled heaps between runs\n');
	if (SMOKE) progress('bench: smoke mode (BENCH_SMOKE=1): tiny counts, the figures mean nothing\n');
	progress(`bench: building ${ITEMS.toLocaleString('en-US')} items of Totalis frames in the load generator… `);
	const generator = await LoadGenerator.start(ITEMS);
	const load = generator.ready;
	progress(`${load.framesPerBody.toLocaleString('en-US')} frames in ${load.buildMs} ms\n`);
	try {
		const runs = Object.fromEntries(SPEED_CLIENTS.map((kind) => [kind, [] as SpeedSample[]])) as Record<ClientKind, SpeedSample[]>;
		progress('speed:');
		for (let rep = 1; rep <= REPS; rep++) {
			progress(` ${rep}/${REPS}`);
			for (const kind of SPEED_CLIENTS) {
				// An unmeasured run of the same client first, from a settled heap: a run right after
				// another client's was measured slower than the same client's next run
				// (docs/performance.md), so each measured run meets the compiled code and the heap its
				// own client left, as a trigger's next frames do.
				checkCounts(await timedRun(kind, generator, RUN_TIMEOUT_MS), load.itemsPerBody);
				runs[kind].push(checkCounts(await timedRun(kind, generator, RUN_TIMEOUT_MS, false), load.itemsPerBody));
			}
		}
		progress('\n');

		const memory: MemoryFigures[] = [];
		if (LONG_FRAMES > 0) {
			const bodies = Math.max(3, Math.round(LONG_FRAMES / load.framesPerBody));
			const warmRepeat = Math.max(1, Math.round(bodies / 3));
			for (const client of LONG_CLIENTS) {
				progress(`memory: ${LABELS[client]}… `);
				const figures = await longRun(
					{
						client,
						url: generator.url,
						warmRepeat,
						measuredRepeat: bodies - warmRepeat,
						framesPerBody: load.framesPerBody,
						sampleEveryMs: 250,
					},
					generator,
					RUN_TIMEOUT_MS,
				);
				progress(`${(figures.wallMs / 1000).toFixed(1)} s\n`);
				memory.push(figures);
			}
		}

		const results: BenchResults = {
			generatedAt: new Date().toISOString(),
			...environment(),
			config: {
				itemsPerRun: ITEMS,
				repetitions: REPS,
				longRunFrames: LONG_FRAMES,
				batchMaxItems: BATCH_MAX_ITEMS,
				batchWindowMs: BATCH_WINDOW_MS,
			},
			load: {
				framesPerRun: load.framesPerBody + 1,
				itemsPerRun: load.itemsPerBody + 1,
				bytesPerRun: load.bytesPerBody,
				averageFrameBytes: load.bytesPerBody / load.framesPerBody,
				mix: load.mix,
			},
			speed: summarizeSpeed(runs, SPEED_CLIENTS),
			memory: summarizeMemory(memory),
			durationSeconds: (performance.now() - started) / 1000,
		};
		// .build/tools/bench/run.js → <repository>/tools/bench/results; a smoke run keeps the last real figures.
		if (!SMOKE) {
			const file = writeResults(results, join(__dirname, '..', '..', '..', 'tools', 'bench', 'results'));
			progress(`bench: figures written to ${file}\n`);
		}
		process.stdout.write(`\n${formatReport(results)}\n`);
		// BENCH_BOOK_DELTAS=0 leaves the keeper out (a ratio of nothing would print as NaN).
		const bookDeltas = envInt('BENCH_BOOK_DELTAS', 100_000, 2_000);
		if (bookDeltas > 0) {
			progress('books: the agg.market keeper…\n');
			process.stdout.write(`\n${formatBookBench(benchBooks(bookDeltas))}\n`);
		}
	} finally {
		await generator.stop();
	}
}

/** A run that delivered other counts than the load implies measured something else: stop. */
function checkCounts(sample: SpeedSample, itemsPerBody: number): SpeedSample {
	const items = itemsPerBody + 1;
	const expected: Record<ClientKind, { items: number; executions: number }> = {
		raw: { items: sample.frames, executions: 0 },
		'engine-each': { items, executions: items },
		'engine-batch': { items, executions: items / BATCH_MAX_ITEMS },
		'engine-batch-keep-latest': { items: sample.items, executions: sample.executions },
	};
	const want = expected[sample.client];
	// A batch window may run out before the batch is full when a busy machine stalls the load
	// generator: more, smaller batches, the same items. Fewer executions than that would be wrong.
	const executionsOk = sample.client === 'engine-batch' ? sample.executions >= want.executions : sample.executions === want.executions;
	if (sample.badFrames > 0 || sample.items !== want.items || !executionsOk) {
		throw new Error(
			`${LABELS[sample.client]}: delivered ${sample.items} items in ${sample.executions} executions with ${sample.badFrames} bad frames; expected ${want.items} in ${want.executions}`,
		);
	}
	return sample;
}

main().catch((error: unknown) => {
	console.error('\nbench failed:', error);
	process.exitCode = 1;
});
