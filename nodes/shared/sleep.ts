/**
 * An abortable sleep of our own. n8n-workflow has one in some versions (`sleep(ms, signal)` in
 * 2.41, `sleepWithAbort` in 1.100 … 2.20, none before), but the REST client's waits also run in
 * the Totalis fast path's worker thread, which must not load n8n-workflow (its 20 MB of heap
 * lengthen every mark-compact of the thread): one implementation serves every n8n version.
 */

/** Resolves after `ms`; rejects with the signal's reason once `signal` aborts, its timer cleared. */
export type AbortableSleep = (ms: number, signal: AbortSignal) => Promise<void>;

export const abortableSleep: AbortableSleep = (ms, signal) =>
	new Promise((resolve, reject) => {
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
