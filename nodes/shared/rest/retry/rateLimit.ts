/**
 * 429: wait as long as the venue asks (body `retry_after`, `Retry-After`, `X-RateLimit-Reset`)
 * and retry, up to `rateLimitMaxWaitMs` in total and never past `retryUntil`; a longer wait
 * fails at once, naming when to retry.
 */
import { rateLimitError } from '../restErrors';
import type { FailedAnswer } from '../types';
import { formatDuration } from '../wait';
import { DEADLINE_MARGIN_MS, type RetryDecision, type RetryPolicy } from './policy';

export const DEFAULT_RATE_LIMIT_MAX_WAIT_MS = 30_000;
/** When a 429 gives no hint at all. */
const DEFAULT_RATE_LIMIT_WAIT_MS = 1_000;
/** A venue answering 429 with "retry after 0 s" forever must not keep us busy forever. */
const MAX_RATE_LIMIT_RETRIES = 10;

/** One call's 429 waits; create one per call. */
export class RateLimitRetry implements RetryPolicy {
	private waitedMs = 0;
	private retries = 0;

	constructor(
		private readonly maxWaitMs: number,
		private readonly deadline: number | undefined,
	) {}

	decide(answer: FailedAnswer, hintMs: number | undefined, now: number, attempts: number): RetryDecision | undefined {
		if (answer.response.status !== 429) return undefined;
		const waitMs = hintMs ?? DEFAULT_RATE_LIMIT_WAIT_MS;
		const retryAt = now + waitMs;
		const overCap = this.waitedMs + waitMs > this.maxWaitMs;
		const pastDeadline = this.deadline !== undefined && retryAt > this.deadline - DEADLINE_MARGIN_MS;
		if (overCap || pastDeadline || this.retries >= MAX_RATE_LIMIT_RETRIES) {
			return {
				error: rateLimitError(answer, {
					waitMs,
					retryAt,
					capMs: this.maxWaitMs,
					waitedMs: this.waitedMs,
					deadline: pastDeadline ? this.deadline : undefined,
					attempts,
					tooMany: !overCap && !pastDeadline,
				}),
			};
		}
		this.retries += 1;
		this.waitedMs += waitMs;
		const { options, venueError } = answer;
		const { deadline } = this;
		return {
			waitMs,
			...(deadline !== undefined && {
				startBy: deadline - DEADLINE_MARGIN_MS,
				tooLate: () =>
					rateLimitError(answer, { waitMs, retryAt, capMs: this.maxWaitMs, waitedMs: this.waitedMs, deadline, attempts, tooMany: false }),
			}),
			note: `${options.venue} answered 429 (${venueError.code}) to "${options.action}"; waiting ${formatDuration(waitMs)} as asked, then retrying (attempt ${attempts + 1})`,
		};
	}
}
