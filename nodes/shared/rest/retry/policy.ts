/** What the retry policies for non-2xx answers (rateLimit.ts, deadlineRetry.ts) have in common. */
import type { NodeApiError } from 'n8n-workflow';
import type { FailedAnswer } from '../types';

/** Wait `waitMs` and send again (after logging `note`), or fail with `error`. */
export type RetryDecision = { waitMs: number; note: string } | { error: NodeApiError };

export interface RetryPolicy {
	/** Undefined when the answer is not this policy's to retry. */
	decide(answer: FailedAnswer, hintMs: number | undefined, now: number, attempts: number): RetryDecision | undefined;
}

/** A deadline-bound retry starts at the latest this long before the deadline, so it arrives in time. */
export const DEADLINE_MARGIN_MS = 25;
