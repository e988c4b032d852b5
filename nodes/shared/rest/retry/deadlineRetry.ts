/**
 * `retryOnStatus` (e.g. 503): retried with a short backoff, or the venue's hint, but only while
 * `retryUntil` allows: no attempt starts after the deadline. Without a deadline it never retries.
 */
import { venueApiError } from '../restErrors';
import type { FailedAnswer, RetryOptions } from '../types';
import { formatDuration } from '../wait';
import { DEADLINE_MARGIN_MS, type RetryDecision, type RetryPolicy } from './policy';

/** One call's deadline-bound retries; create one per call. */
export class DeadlineRetry implements RetryPolicy {
	private retries = 0;
	private readonly statuses: number[];
	private readonly initialBackoffMs: number;
	private readonly maxBackoffMs: number;

	constructor(
		retry: RetryOptions | undefined,
		private readonly deadline: number | undefined,
	) {
		this.statuses = retry?.retryOnStatus ?? [];
		this.initialBackoffMs = retry?.initialBackoffMs ?? 100;
		this.maxBackoffMs = retry?.maxBackoffMs ?? 1_000;
	}

	decide(answer: FailedAnswer, hintMs: number | undefined, now: number, attempts: number): RetryDecision | undefined {
		const { deadline } = this;
		const { options, response, venueError } = answer;
		if (deadline === undefined || !this.statuses.includes(response.status)) return undefined;
		this.retries += 1;
		// The next attempt must start before the deadline (with a margin to arrive in time).
		const available = deadline - DEADLINE_MARGIN_MS - now;
		const waitMs = Math.min(hintMs ?? backoffMs(this.retries, this.initialBackoffMs, this.maxBackoffMs), available);
		if (available > 0) {
			return {
				waitMs,
				note: `${options.venue} answered ${response.status} (${venueError.code}) to "${options.action}"; retrying in ${formatDuration(waitMs)} (attempt ${attempts + 1}, deadline ${new Date(deadline).toISOString()})`,
			};
		}
		return {
			error: venueApiError(answer, {
				attempts,
				gaveUp: `Still failing after ${attempts} attempt${attempts === 1 ? '' : 's'}; the deadline ${new Date(deadline).toISOString()} leaves no time for another.`,
			}),
		};
	}
}

/** Exponential backoff without jitter: short and predictable, for deadline-bound retries. */
export function backoffMs(retryNumber: number, initialMs: number, maxMs: number): number {
	return Math.min(maxMs, initialMs * 2 ** Math.max(0, retryNumber - 1));
}
