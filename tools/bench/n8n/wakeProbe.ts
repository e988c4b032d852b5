/**
 * The machine's own wake-up lateness while a latency row runs. A thread of the bench sleeps
 * `intervalMs` at a time (a futex wait with a timeout: the kernel wakes it as it wakes a thread
 * blocked on a socket) and records how late each wake-up came. Between the venue sending an
 * acceptance and reading its confirm, two threads that were asleep must wake (n8n's, to read the
 * acceptance; the venue's, to read the request), so their lateness is the floor the fast path's
 * p99 stands on, on this machine, at that moment.
 */
import { Worker } from 'node:worker_threads';

import { percentile } from '../../e2e/latency';

export interface WakeUpLateness {
	/** Wake-ups recorded (the latest `capacity` of them, if there were more). */
	wakeUps: number;
	medianMs: number;
	p99Ms: number;
	maxMs: number;
}

export interface WakeProbe {
	/** Settles once the thread has woken `count` times since it started. */
	recorded(count: number): Promise<void>;
	/** Stops the thread and says how late its wake-ups came. */
	stop(): Promise<WakeUpLateness>;
}

/** One wake-up every 10 ms: a hundred a second, nothing the machine notices. */
export const WAKE_PROBE_INTERVAL_MS = 10;

/** The latest wake-ups kept: 10 minutes' worth at the default interval. */
export const WAKE_PROBE_CAPACITY = 60_000;

// Plain JavaScript, evaluated as the thread's code: it needs nothing of the repository.
const PROBE_THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const { intervalMs } = workerData;
const stopped = new Int32Array(workerData.stopped);
const count = new Int32Array(workerData.count);
const tellAt = new Int32Array(workerData.tellAt);
const lateness = new Float64Array(workerData.lateness);
const sleeper = new Int32Array(new SharedArrayBuffer(4));
while (Atomics.load(stopped, 0) === 0) {
	const before = performance.now();
	Atomics.wait(sleeper, 0, 0, intervalMs);
	const woken = Atomics.load(count, 0);
	lateness[woken % lateness.length] = performance.now() - before - intervalMs;
	Atomics.store(count, 0, woken + 1);
	const wanted = Atomics.load(tellAt, 0);
	if (wanted > 0 && woken + 1 >= wanted) {
		Atomics.store(tellAt, 0, 0);
		parentPort.postMessage(woken + 1);
	}
}
`;

export function startWakeProbe(intervalMs = WAKE_PROBE_INTERVAL_MS, capacity = WAKE_PROBE_CAPACITY): WakeProbe {
	const stopped = new SharedArrayBuffer(4);
	const count = new SharedArrayBuffer(4);
	// A count of wake-ups the thread says it has reached, by a message (0: none asked).
	const tellAt = new SharedArrayBuffer(4);
	const lateness = new SharedArrayBuffer(8 * capacity);
	const worker = new Worker(PROBE_THREAD, { eval: true, workerData: { intervalMs, stopped, count, tellAt, lateness } });
	const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
	// A thread that failed to start records nothing; its figures then read as none, not as a crash.
	worker.on('error', () => undefined);
	const woken = new Int32Array(count);
	return {
		async recorded(wanted) {
			if (Atomics.load(woken, 0) >= wanted) return;
			await new Promise<void>((resolve) => {
				const onTold = (reached: number) => {
					if (reached < wanted) return;
					worker.off('message', onTold);
					resolve();
				};
				worker.on('message', onTold);
				Atomics.store(new Int32Array(tellAt), 0, wanted);
				// Reached between the check and the ask: the thread will not say so.
				if (Atomics.load(woken, 0) >= wanted) onTold(wanted);
			});
		},
		async stop() {
			Atomics.store(new Int32Array(stopped), 0, 1);
			await exited;
			const kept = Math.min(Atomics.load(woken, 0), capacity);
			const sorted = Array.from(new Float64Array(lateness, 0, kept)).sort((a, b) => a - b);
			return { wakeUps: kept, medianMs: percentile(sorted, 50), p99Ms: percentile(sorted, 99), maxMs: sorted[kept - 1] ?? NaN };
		},
	};
}
