/**
 * One timed run in the parent: a fresh client connects, the generator writes one body and a
 * marker, and the wall time and this process's CPU time are taken from the blast command to
 * the marker's arrival at the end of the client.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

import type { ClientKind, RunCounts } from './client';
import type { LoadGenerator } from './generatorHandle';
import { openClient } from './openClient';
import { fullGc, withTimeout } from './stats';

export interface SpeedSample extends RunCounts {
	client: ClientKind;
	/** Frames on the wire, the marker included: the "events" of the rates. */
	frames: number;
	wallMs: number;
	cpuMs: number;
	eventsPerSec: number;
	cpuUsPerEvent: number;
	/** CPU time / wall time of this process: near 1 means the client, not the generator, set the pace. */
	busy: number;
	/** Garbage collections during the run, and their pauses in all. */
	gcCount: number;
	gcMs: number;
}

let runs = 0;

/**
 * `settle`: a full collection first, so the run starts from a settled heap. A measured run that
 * follows its own client's unmeasured run does without: a forced full collection made the engine
 * rebuild its working state in every short run, which a trigger on a live socket never does
 * (docs/performance.md, "The eleventh round").
 */
export async function timedRun(kind: ClientKind, generator: LoadGenerator, timeoutMs: number, settle = true): Promise<SpeedSample> {
	const client = await openClient(kind, generator.url);
	try {
		const frames = generator.ready.framesPerBody + 1;
		const marker = `bench-end-${++runs}`;
		if (settle) fullGc();
		const gc = { count: 0, ms: 0 };
		const observer = new PerformanceObserver((list) => {
			for (const entry of list.getEntries()) {
				gc.count++;
				gc.ms += entry.duration;
			}
		});
		observer.observe({ entryTypes: ['gc'] });
		const finished = client.arm(marker, frames);
		// Awaited below; this keeps a failure that comes first from counting as unhandled.
		finished.catch(() => {});
		const cpu0 = process.cpuUsage();
		const t0 = performance.now();
		const blasted = generator.blast(1, marker).then((done) => {
			if (!done.ok) throw new Error(`load generator: ${done.reason}`);
		});
		const counts = await withTimeout(
			blasted.then(() => finished),
			timeoutMs,
			`${kind} run`,
		);
		const wallMs = performance.now() - t0;
		const cpu = process.cpuUsage(cpu0);
		await blasted;
		// GC entries arrive asynchronously: let the last ones in before disconnecting.
		await sleep(20);
		observer.disconnect();
		const cpuMs = (cpu.user + cpu.system) / 1000;
		return {
			client: kind,
			frames,
			...counts,
			wallMs,
			cpuMs,
			eventsPerSec: frames / (wallMs / 1000),
			cpuUsPerEvent: (cpuMs * 1000) / frames,
			busy: cpuMs / wallMs,
			gcCount: gc.count,
			gcMs: gc.ms,
		};
	} finally {
		await client.close();
	}
}
