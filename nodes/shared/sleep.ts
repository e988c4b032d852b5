/**
 * An abortable sleep: n8n-workflow's own where the installed version has one, else a small
 * fallback. What the published n8n-workflow packages export (checked 1.0.0 … 2.41.0):
 * - 2.41.0: `sleep(ms, abortSignal?)`, which aborts; `sleepWithAbort` is gone;
 * - 1.100.0 … 2.20.0 (at least): `sleepWithAbort(ms, abortSignal)`, beside a `sleep(ms)` that
 *   cannot abort;
 * - 1.90.0 and older: only `sleep(ms)`, so the fallback.
 * Read through the namespace, so that a missing export is undefined instead of a load error.
 */
import * as workflow from 'n8n-workflow';

/** Resolves after `ms`; rejects (with the helper's own error) once `signal` aborts, its timer cleared. */
export type AbortableSleep = (ms: number, signal: AbortSignal) => Promise<void>;

const exported = workflow as {
	sleep?: (ms: number, abortSignal?: AbortSignal) => Promise<void>;
	sleepWithAbort?: AbortableSleep;
};

/** `sleep` declares the signal parameter only in the versions where it aborts. */
const fromN8n: AbortableSleep | undefined =
	typeof exported.sleep === 'function' && exported.sleep.length >= 2
		? exported.sleep
		: typeof exported.sleepWithAbort === 'function'
			? exported.sleepWithAbort
			: undefined;

/** For n8n-workflow versions without an abortable sleep. */
function fallbackSleep(ms: number, signal: AbortSignal): Promise<void> {
	return new Promise((resolve, reject) => {
		if (signal.aborted) return reject(signal.reason);
		const onAbort = () => {
			clearTimeout(timer);
			reject(signal.reason);
		};
		const timer = setTimeout(() => {
			signal.removeEventListener('abort', onAbort);
			resolve();
		}, ms);
		signal.addEventListener('abort', onAbort, { once: true });
	});
}

export const abortableSleep: AbortableSleep = fromN8n ?? fallbackSleep;
