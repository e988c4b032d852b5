/**
 * `retryOnStatus` (e.g. 503): retried on a short doubling backoff, but only while `retryUntil`
 * allows: no attempt starts unless it can reach the venue before the deadline. Without a
 * deadline it never retries.
 *
 * The venue's wait hints are ignored here: they belong to 429 (rateLimit.ts). Totalis sends
 * `X-RateLimit-Reset` on every reply, a 503 included; it says when the rate-limit window
 * resets, not when the service is back, and following it sent a confirm after its deadline.
 */
import { venueApiError } from '../restErrors';
import type { FailedAnswer, RetryOptions } from '../types';
import { formatDuration } from '../wait';
import { DEADLINE_MARGIN_MS, type RetryDecision, type RetryPolicy } from './policy';

/** One call's deadline-bound retries; create one per call, just before its first attempt. */
export class DeadlineRetry implements RetryPolicy {
	private retries = 0;
	private readonly statuses: number[];
	private readonly initialBackoffMs: number;
	private readonly maxBackoffMs: number;
	/** When the attempt being answered was meant to start, and its number. */
	private attemptPlannedAt: number;
	private plannedAttempt = 1;
	/** The longest an attempt took, from when it was meant to start to its answer. */
	private slowestAttemptMs = 0;

	constructor(
		retry: RetryOptions | undefined,
		private readonly deadline: number | undefined,
		now = Date.now(),
	) {
		this.statuses = retry?.retryOnStatus ?? [];
		this.initialBackoffMs = retry?.initialBackoffMs ?? 100;
		this.maxBackoffMs = retry?.maxBackoffMs ?? 1_000;
		this.attemptPlannedAt = now;
	}

	decide(answer: FailedAnswer, _hintMs: number | undefined, now: number, attempts: number): RetryDecision | undefined {
		const { deadline } = this;
		if (deadline === undefined || !this.statuses.includes(answer.response.status)) return undefined;
		this.retries += 1;
		// `lead`: how long an attempt takes to get through right now, from when it was meant to
		// start to its answer (late timers and a busy machine included). An attempt starts at the
		// latest one lead before the deadline, and is planned two leads before it, so a wait that
		// ends late still leaves it time to start.
		// Measured only for the attempt this policy planned: after a 429 wait or a credential
		// resend in between, the time since would count their waits too.
		if (attempts === this.plannedAttempt) this.slowestAttemptMs = Math.max(this.slowestAttemptMs, now - this.attemptPlannedAt);
		const lead = Math.max(DEADLINE_MARGIN_MS, this.slowestAttemptMs);
		const planBy = deadline - 2 * lead;
		const gaveUp = () => giveUp(answer, deadline, attempts);
		if (now >= planBy) return { error: gaveUp() };
		// The backoff as it comes; only a last wait that would end past planBy is shortened to it.
		const waitMs = Math.min(backoffMs(this.retries, this.initialBackoffMs, this.maxBackoffMs), planBy - now);
		this.attemptPlannedAt = now + waitMs;
		this.plannedAttempt = attempts + 1;
		const { options, response, venueError } = answer;
		return {
			waitMs,
			startBy: deadline - lead,
			tooLate: gaveUp,
			note: `${options.venue} answered ${response.status} (${venueError.code}) to "${options.action}"; retrying in ${formatDuration(waitMs)} (attempt ${attempts + 1}, deadline ${new Date(deadline).toISOString()})`,
		};
	}
}

function giveUp(answer: FailedAnswer, deadline: number, attempts: number) {
	return venueApiError(answer, {
		attempts,
		gaveUp: `Still failing after ${attempts} attempt${attempts === 1 ? '' : 's'}; the deadline ${new Date(deadline).toISOString()} leaves no time for another.`,
	});
}

/** Exponential backoff without jitter: short and predictable, for deadline-bound retries. */
export function backoffMs(retryNumber: number, initialMs: number, maxMs: number): number {
	return Math.min(maxMs, initialMs * 2 ** Math.max(0, retryNumber - 1));
}
