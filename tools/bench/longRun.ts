/**
 * One memory run in a fresh process (forked with --expose-gc), so its peak RSS is its own and
 * not what earlier runs left behind. One client takes a warm-up phase (fills bounded caches and
 * the JIT), then the measured phase; heap after a full GC at each step shows any growth. The
 * measured phase's CPU per frame is the steady state of one long-lived connection, as a trigger
 * holds it, with no other client's code in the process.
 */
import { getHeapSpaceStatistics } from 'node:v8';
import { setTimeout as sleep } from 'node:timers/promises';

import type { BenchClient } from './client';
import type { FromLongRun, LongRunPlan, MemoryFigures, ToLongRun } from './ipc';
import { openClient } from './openClient';
import { fullGc, hasGc } from './stats';

const SETTLE_MS = 150;

function send(message: FromLongRun) {
	process.send?.(message);
}

/** Settles with the generator's answer to the last blast request, relayed by the parent. */
let blastAnswer: ((message: Extract<ToLongRun, { type: 'blasted' }>) => void) | undefined;

process.on('message', (message: ToLongRun) => {
	if (message.type === 'plan') {
		run(message)
			.then((figures) => send({ type: 'result', figures }))
			.catch((error: unknown) => send({ type: 'failed', reason: error instanceof Error ? error.message : String(error) }))
			.finally(() => process.disconnect());
		return;
	}
	blastAnswer?.(message);
});

async function run(plan: LongRunPlan): Promise<MemoryFigures> {
	if (!hasGc()) throw new Error('the long run needs node --expose-gc');
	// Let batch windows flush and sockets settle first, so the reading is of what stays.
	const heap = async () => {
		await sleep(SETTLE_MS);
		fullGc();
		return process.memoryUsage().heapUsed;
	};
	let peakRss = 0;
	let peakHeap = 0;
	let peakYoung = 0;
	let samples = 0;
	const sample = () => {
		const usage = process.memoryUsage();
		peakRss = Math.max(peakRss, usage.rss);
		peakHeap = Math.max(peakHeap, usage.heapUsed);
		const young = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
		peakYoung = Math.max(peakYoung, young?.space_size ?? 0);
		samples++;
	};

	const client = await openClient(plan.client, plan.url);
	const connected = await heap();
	const sampler = setInterval(sample, plan.sampleEveryMs);
	const started = performance.now();
	const warm = await phase(client, plan.warmRepeat, plan.framesPerBody, 'bench-warm');
	const warmed = await heap();
	const measuredStart = performance.now();
	const cpu = process.cpuUsage();
	const measured = await phase(client, plan.measuredRepeat, plan.framesPerBody, 'bench-end');
	const measuredCpu = process.cpuUsage(cpu);
	const measuredEnd = performance.now();
	const wallMs = measuredEnd - started;
	sample();
	clearInterval(sampler);
	const end = await heap();
	await client.close();
	const closed = await heap();
	// getrusage's maxrss is in KiB on Linux: the true peak, between samples too.
	const kernelPeak = process.resourceUsage().maxRSS * 1024;

	return {
		client: plan.client,
		frames: warm.frames + measured.frames,
		measuredFrames: measured.frames,
		items: warm.items + measured.items,
		executions: warm.executions + measured.executions,
		wallMs: Math.round(wallMs),
		measuredWallMs: measuredEnd - measuredStart,
		measuredCpuMs: (measuredCpu.user + measuredCpu.system) / 1000,
		peakRssBytes: Math.max(kernelPeak, peakRss),
		peakHeapBytes: peakHeap,
		peakYoungGenerationBytes: peakYoung,
		samples,
		heapAfterGc: { connected, warmed, end, closed },
	};
}

async function phase(client: BenchClient, repeat: number, framesPerBody: number, marker: string) {
	const frames = framesPerBody * repeat + 1;
	const finished = client.arm(marker, frames);
	// Awaited below; this keeps a failure that comes first from counting as unhandled.
	finished.catch(() => {});
	const answered = new Promise<Extract<ToLongRun, { type: 'blasted' }>>((resolve) => (blastAnswer = resolve));
	send({ type: 'blast', repeat, marker });
	const answer = await answered;
	if (!answer.ok) throw new Error(`load generator: ${answer.reason}`);
	const counts = await finished;
	if (counts.badFrames > 0) throw new Error(`${counts.badFrames} frames refused`);
	return { frames, ...counts };
}
