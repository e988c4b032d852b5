/**
 * Waiting between REST attempts: an abortable sleep, and the venue's hints of how long to wait
 * (a `retry_after` in the body, `Retry-After`, `X-RateLimit-Reset`).
 */
import { abortableSleep } from '../sleep';

/** Raised when a wait or a request is given up because its AbortSignal fired. */
export class RequestCancelledError extends Error {
	constructor(message = 'The request was cancelled') {
		super(message);
		this.name = 'RequestCancelledError';
	}
}

/**
 * Resolves after `ms`, or rejects with RequestCancelledError as soon as any of `signals` aborts.
 * The timer is cleared on abort, so nothing outlives a cancelled execution or a closed trigger.
 */
export async function sleep(ms: number, signals: ReadonlyArray<AbortSignal | undefined> = []): Promise<void> {
	const active = signals.filter((signal): signal is AbortSignal => signal !== undefined);
	if (active.some((signal) => signal.aborted)) throw new RequestCancelledError();
	// One signal per wait, whatever the number of signals given: the sleep listens to it alone.
	const wait = new AbortController();
	const abort = () => wait.abort();
	for (const signal of active) signal.addEventListener('abort', abort, { once: true });
	await abortableSleep(Math.max(0, ms), wait.signal)
		.catch((error: unknown) => {
			throw wait.signal.aborted ? new RequestCancelledError() : error;
		})
		.finally(() => {
			for (const signal of active) signal.removeEventListener('abort', abort);
		});
}

/** Response headers with lower-case names and string values. */
export type HeaderMap = Record<string, string>;

export function normalizeHeaders(raw: unknown): HeaderMap {
	const headers: HeaderMap = {};
	if (!raw || typeof raw !== 'object') return headers;
	const source =
		typeof (raw as { toJSON?: unknown }).toJSON === 'function'
			? (((raw as { toJSON: () => unknown }).toJSON() ?? {}) as Record<string, unknown>)
			: (raw as Record<string, unknown>);
	// for…in rather than Object.entries: no [name, value] pair per header on every answer.
	for (const name in source) {
		if (!Object.hasOwn(source, name)) continue;
		const value = source[name];
		if (value === undefined || value === null) continue;
		headers[name.toLowerCase()] = Array.isArray(value) ? value.map(String).join(', ') : String(value);
	}
	return headers;
}

/**
 * How long the venue asked us to wait, in ms, or undefined when it gave no hint. Precedence: the
 * body's `retry_after` (seconds), then `Retry-After` (seconds or an HTTP date), then
 * `X-RateLimit-Reset` (epoch seconds, epoch ms, or seconds from now when the number is small).
 */
export function retryWaitMs(headers: HeaderMap, bodyRetryAfterSeconds: number | undefined, nowMs: number): number | undefined {
	if (bodyRetryAfterSeconds !== undefined && Number.isFinite(bodyRetryAfterSeconds) && bodyRetryAfterSeconds >= 0) {
		return Math.ceil(bodyRetryAfterSeconds * 1000);
	}
	const retryAfter = headers['retry-after']?.trim();
	if (retryAfter) {
		if (/^\d+(\.\d+)?$/.test(retryAfter)) return Math.ceil(Number(retryAfter) * 1000);
		const date = Date.parse(retryAfter);
		if (!Number.isNaN(date)) return Math.max(0, date - nowMs);
	}
	const reset = headers['x-ratelimit-reset']?.trim();
	if (reset && /^\d+(\.\d+)?$/.test(reset)) {
		const value = Number(reset);
		if (value >= 1e12) return Math.max(0, Math.ceil(value - nowMs));
		if (value >= 1e9) return Math.max(0, Math.ceil(value * 1000 - nowMs));
		return Math.ceil(value * 1000);
	}
	return undefined;
}

/** "1.5 s", "250 ms": durations as a person reads them in an error message. */
export function formatDuration(ms: number): string {
	if (ms < 1000) return `${Math.round(ms)} ms`;
	const seconds = ms / 1000;
	return `${seconds >= 10 ? Math.round(seconds) : Math.round(seconds * 10) / 10} s`;
}
