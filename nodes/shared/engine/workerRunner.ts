/**
 * A venue stream run in a worker thread, behind the trigger host's StreamRunner face. The worker
 * owns the socket and whatever must answer the venue in time (Totalis' confirms), so that work
 * runs on the worker's own event loop whatever n8n's main is doing (starting executions, its
 * garbage collection); items come back to the trigger as messages and go on through the stages
 * left on this side, delivery and `emit`.
 *
 * - start: spawns the worker, sends it the init message, resolves once its stream is up and
 *   rejects with the StreamFailure the worker reports, so activation errors read as in-process.
 * - A worker that ends unexpectedly after start is logged and recorded (`onTrouble`), never an
 *   emitError: a new one starts on the stream's backoff, and the next item carries a gap.
 * - stop: asks the worker to stop, waits for it within a deadline, then terminates the thread;
 *   idempotent, and no thread is left behind.
 */
import path from 'node:path';
import { Worker, type ResourceLimits } from 'node:worker_threads';

import type { EngineHooks, StreamRunner } from '../delivery/triggerHost';
import type { Delivered } from '../items';
import type { Redactor } from '../redact';
import { Backoff, RefusalBackoff } from './backoff';
import { describeError, StreamFailure } from './errors';
import { GapTracker, mergeGaps } from './gap';
import { DEFAULT_REFUSAL_RETRY, type StreamTiming } from './StreamEngine';
import type { FailureMessage, FromWorker, ToWorker } from './workerMessages';

/** How long a worker may take to stop its stream (a graceful close, confirms in flight) before it is terminated. */
export const WORKER_STOP_TIMEOUT_MS = 5000;

/** The stream worker threads alive in this process (tests check that none outlives its trigger). */
const alive = new Set<Worker>();

export function liveStreamWorkers(): ReadonlySet<Worker> {
	return alive;
}

export interface WorkerStreamRunnerOptions {
	/** The worker's entry module: an absolute path without its extension (`.js` built, `.ts` from the sources). */
	entry: string;
	/** The init message for each worker started (read again for a new worker: the credential as it is now). */
	init(): unknown;
	/** The venue's display name, for messages. */
	venue: string;
	hooks: EngineHooks;
	/** Reads the credential again through n8n and returns it (a reconnect inside the worker, or a new worker). */
	readCredentials(): Promise<unknown>;
	timing: Pick<StreamTiming, 'backoff' | 'refusalRetry'>;
	redactor: Redactor;
	/** The thread's heap and stack limits (Node's Worker `resourceLimits`); Node's defaults without. */
	resourceLimits?: ResourceLimits;
}

/** One worker thread and how it ends. */
interface Thread {
	worker: Worker;
	exited: Promise<number>;
	/** Resolved when the worker said its stream stopped. */
	stopped: Promise<void>;
	acknowledgeStop(): void;
}

export class WorkerStreamRunner implements StreamRunner {
	private thread: Thread | undefined;
	private started = false;
	private stopped = false;
	private stopping: Promise<void> | undefined;
	private restartTimer: NodeJS.Timeout | undefined;
	private readonly gap = new GapTracker();
	private readonly backoff: Backoff;
	private readonly refusalBackoff: RefusalBackoff;
	private refusal: { sinceMs: number; attempts: number } | undefined;

	constructor(private readonly options: WorkerStreamRunnerOptions) {
		this.backoff = new Backoff(options.timing.backoff);
		this.refusalBackoff = new RefusalBackoff(options.timing.refusalRetry ?? DEFAULT_REFUSAL_RETRY);
	}

	async start(): Promise<void> {
		if (this.started) throw new Error('WorkerStreamRunner.start() called twice');
		this.started = true;
		if (this.stopped) throw new StreamFailure('closed', 'stopped before starting');
		await this.spawn();
	}

	stop(reason = 'stopped'): Promise<void> {
		this.stopping ??= this.shutdown(reason);
		return this.stopping;
	}

	private async shutdown(reason: string) {
		this.stopped = true;
		clearTimeout(this.restartTimer);
		const thread = this.thread;
		this.thread = undefined;
		if (thread) await this.finish(thread, reason);
	}

	/** Starts a worker; resolves once its stream is up, rejects with its failure (the worker is still to be finished). */
	private spawn(): Promise<void> {
		const { hooks, venue, redactor } = this.options;
		const entry = workerEntry(this.options.entry);
		// The environment as this module sees it: Node's default, said so that a sandbox's (jest's) reaches the thread too.
		const worker = new Worker(entry.file, {
			env: process.env,
			...(entry.execArgv ? { execArgv: entry.execArgv } : {}),
			...(this.options.resourceLimits ? { resourceLimits: this.options.resourceLimits } : {}),
		});
		alive.add(worker);
		let acknowledgeStop = () => {};
		const thread: Thread = {
			worker,
			exited: new Promise((resolve) => worker.once('exit', resolve)),
			stopped: new Promise((resolve) => (acknowledgeStop = resolve)),
			acknowledgeStop: () => acknowledgeStop(),
		};
		this.thread = thread;
		const current = () => this.thread === thread && !this.stopped;
		return new Promise<void>((resolve, reject) => {
			let up = false;
			let upAt = 0;
			worker.on('message', (message: FromWorker) => {
				switch (message.type) {
					case 'started':
						up = true;
						upAt = performance.now();
						resolve();
						return;
					case 'failed':
						reject(failureOf(message.failure));
						return;
					case 'event':
						if (current()) this.deliver(message.delivered);
						return;
					case 'log':
						hooks.logger[message.level](message.message, message.meta);
						return;
					case 'badFrame':
						if (current()) hooks.onBadFrame(message.report);
						return;
					case 'refused':
						if (current()) hooks.onRefused?.(streamFailureOf(message.failure), message.state);
						return;
					case 'fatal':
						if (current()) hooks.onFatal?.(streamFailureOf(message.failure));
						return;
					case 'readCredentials':
						this.answerCredentials(worker, message.id);
						return;
					case 'stopped':
						thread.acknowledgeStop();
				}
			});
			// An uncaught error in the worker (its module failing to load too): the thread ends next,
			// and 'exit' below says why with it.
			let crash = '';
			worker.on('error', (error) => {
				crash = `: ${redactor.text(describeError(error))}`;
				hooks.logger.warn(`${venue}: the stream's worker thread failed${crash}`);
			});
			worker.once('exit', (code) => {
				alive.delete(worker);
				if (!up)
					reject(new StreamFailure('closed', `the stream's worker thread ended before its stream started (exit code ${code})${crash}`));
				else if (current()) this.lost(`exit code ${code}${crash}`, performance.now() - upAt);
			});
			post(worker, { type: 'init', init: this.options.init() });
		});
	}

	/** Asks the worker to stop its stream, waits for it within the deadline, then ends the thread. */
	private async finish(thread: Thread, reason: string) {
		post(thread.worker, { type: 'stop', reason });
		let timer: NodeJS.Timeout | undefined;
		const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), WORKER_STOP_TIMEOUT_MS)));
		const outcome = await Promise.race([thread.stopped, thread.exited, late]);
		clearTimeout(timer);
		if (outcome === 'late') {
			this.options.hooks.logger.warn(
				`${this.options.venue}: the stream's worker thread did not stop within ${WORKER_STOP_TIMEOUT_MS} ms; terminating it`,
			);
		}
		await thread.worker.terminate();
		await thread.exited;
	}

	/** The worker's items go on as the engine's would; a gap of ours (a lost worker) rides on the first one. */
	private deliver(delivered: Delivered) {
		const gap = this.gap.take();
		if (gap) delivered.item.gap = mergeGaps(gap, delivered.item.gap);
		this.options.hooks.onEvent(delivered);
	}

	private answerCredentials(worker: Worker, id: number) {
		this.options.readCredentials().then(
			(value) => post(worker, { type: 'credentials', id, value }),
			(error: unknown) => post(worker, { type: 'credentials', id, error: this.options.redactor.text(describeError(error)) }),
		);
	}

	/** The worker ended on its own after start: say so, and start a new one on the stream's backoff. */
	private lost(how: string, livedMs: number) {
		const { hooks, venue } = this.options;
		this.thread = undefined;
		// A thread that ran long counts as stable: the next restart comes at the initial delay again.
		this.backoff.connectionEnded(livedMs);
		const reason = `the stream's worker thread ended unexpectedly (${how})`;
		this.gap.reconnected(reason);
		const delayMs = this.backoff.nextDelayMs();
		hooks.logger.warn(`${venue}: ${reason}; starting a new one in ${delayMs} ms`);
		hooks.onTrouble?.(
			`${venue}: ${reason}; the trigger stays active and starts a new one`,
			`The stream and its confirms run in a worker thread. Events the venue sent until the new thread is up are missed; the next item carries a gap that says so.`,
		);
		this.scheduleRestart(delayMs);
	}

	private scheduleRestart(delayMs: number) {
		if (this.stopped) return;
		this.restartTimer = setTimeout(() => void this.restart(), delayMs);
	}

	private async restart() {
		if (this.stopped) return;
		const { hooks, venue, redactor } = this.options;
		// The credential as it is now, as the engine reads it before a reconnect.
		await this.options
			.readCredentials()
			.catch((error: unknown) =>
				hooks.logger.warn(
					`${venue}: could not read the credential again (${redactor.text(describeError(error))}); using the one read before`,
				),
			);
		if (this.stopped) return;
		try {
			await this.spawn();
			this.refusal = undefined;
			this.refusalBackoff.reset();
			hooks.logger.info(`${venue}: the stream's new worker thread is up`);
		} catch (error) {
			const failed = this.thread;
			this.thread = undefined;
			if (failed) await this.finish(failed, 'after a failed start');
			if (this.stopped) return;
			this.restartFailed(error instanceof StreamFailure ? error : new StreamFailure('closed', redactor.text(describeError(error))));
		}
	}

	private restartFailed(failure: StreamFailure) {
		const { hooks, venue } = this.options;
		this.gap.reconnected(`restarting the worker thread failed: ${failure.message}`);
		if (!failure.permanent) {
			hooks.logger.warn(`${venue}: restarting the stream's worker thread failed (${failure.message}); retrying`);
			this.scheduleRestart(this.backoff.nextDelayMs());
			return;
		}
		// Refused (the credential, a subscription): retried slowly and recorded as the engine does.
		const refusal = (this.refusal ??= { sinceMs: Date.now(), attempts: 0 });
		refusal.attempts++;
		const retryInMs = this.refusalBackoff.nextDelayMs();
		hooks.logger.warn(`${venue}: ${failure.message}; trying again in ${Math.round(retryInMs / 1000)} s`);
		this.scheduleRestart(retryInMs);
		hooks.onRefused?.(failure, { attempts: refusal.attempts, sinceMs: refusal.sinceMs, retryInMs });
	}
}

/** A StreamFailure again from its fields (or a plain Error for a failure that was not one). */
function failureOf(message: FailureMessage): Error {
	return message.kind ? new StreamFailure(message.kind, message.message, message.details ?? {}) : new Error(message.message);
}

function streamFailureOf(message: FailureMessage): StreamFailure {
	return new StreamFailure(message.kind ?? 'closed', message.message, message.details ?? {});
}

/** A worker that has ended drops messages; posting to it is harmless. */
function post(worker: Worker, message: ToWorker) {
	worker.postMessage(message);
}

/**
 * The built `.js` beside this file; from the TypeScript sources (jest, dev tooling), the `.ts`
 * entry with the repository's require hook, which the published package never needs.
 */
function workerEntry(base: string): { file: string; execArgv?: string[] } {
	if (!__filename.endsWith('.ts')) return { file: `${base}.js` };
	return { file: `${base}.ts`, execArgv: ['--require', path.resolve(__dirname, '../../../tools/harness/tsWorkerHook.js')] };
}
