/** What the retry policies for non-2xx answers (rateLimit.ts, deadlineRetry.ts) have in common. */
import type { ApiError } from '../../errorMaker';
import type { FailedAnswer } from '../types';

/**
 * Wait `waitMs` and send again (after logging `note`), or fail with `error`. `startBy`: the next
 * attempt may start no later than this (epoch ms); a wait that ends later than planned (a busy
 * machine's timers run late) fails with `tooLate()` instead of sending.
 */
export type RetryDecision = { waitMs: number; note: string; startBy?: number; tooLate?: () => ApiError } | { error: ApiError };

export interface RetryPolicy {
	/** Undefined when the answer is not this policy's to retry. */
	decide(answer: FailedAnswer, hintMs: number | undefined, now: number, attempts: number): RetryDecision | undefined;
}

/**
 * A deadline-bound retry starts at the latest this long before the deadline, so it arrives in
 * time: a request's way through n8n on a busy machine can take more than 25 ms (a confirm reached
 * Totalis 49 ms after its deadline). deadlineRetry.ts widens it to how long attempts really take.
 */
export const DEADLINE_MARGIN_MS = 100;
