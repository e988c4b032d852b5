/**
 * The retry policies of the shared REST client on their own, with made-up clocks: what a 503
 * (deadlineRetry.ts) and a 429 (rateLimit.ts) lead to, relative to a deadline.
 */
import type { INode } from 'n8n-workflow';
import { Redactor } from '../../nodes/shared/redact';
import { fallbackVenueError } from '../../nodes/shared/rest';
import { DeadlineRetry, backoffMs } from '../../nodes/shared/rest/retry/deadlineRetry';
import { DEADLINE_MARGIN_MS, type RetryDecision } from '../../nodes/shared/rest/retry/policy';
import { RateLimitRetry } from '../../nodes/shared/rest/retry/rateLimit';
import type { FailedAnswer, RestContext } from '../../nodes/shared/rest/types';

const node: INode = { id: 'n', name: 'Policy Test', type: 'policyTest', typeVersion: 1, position: [0, 0], parameters: {} };

function answer(status: number): FailedAnswer {
	const options = {
		credentialType: 'none',
		venue: 'Example',
		action: 'confirm the thing',
		baseUrl: 'http://example.test',
		method: 'POST' as const,
		path: '/confirm',
		redactor: new Redactor([]),
		parseError: fallbackVenueError,
	};
	return {
		context: { getNode: () => node } as unknown as RestContext,
		options,
		target: { url: 'http://example.test/confirm', display: 'http://example.test', host: 'example.test' },
		response: { status, body: '', headers: {} },
		venueError: { code: status === 429 ? 'RATE_LIMITED' : 'SERVICE_UNAVAILABLE', message: 'busy' },
	};
}

function waitOf(decision: RetryDecision | undefined): number {
	if (!decision || 'error' in decision) throw new Error(`expected a wait, got ${decision ? decision.error.message : 'nothing'}`);
	return decision.waitMs;
}

const AN_HOUR = 3_600_000;

describe('DeadlineRetry (503 until a deadline)', () => {
	const retry = { retryOnStatus: [503] };

	it('waits 100, 200, 400 ms whatever the venue hints (an X-RateLimit-Reset an hour away)', () => {
		const policy = new DeadlineRetry(retry, 10_000, 0);
		// Each attempt answered 10 ms after it was meant to start.
		expect(waitOf(policy.decide(answer(503), AN_HOUR, 10, 1))).toBe(100);
		expect(waitOf(policy.decide(answer(503), AN_HOUR, 120, 2))).toBe(200);
		expect(waitOf(policy.decide(answer(503), AN_HOUR, 330, 3))).toBe(400);
		expect(backoffMs(8, 100, 1000)).toBe(1000);
	});

	it('shortens only the last wait, planned two margins before the deadline, then gives up', () => {
		const deadline = 1_000;
		const policy = new DeadlineRetry(retry, deadline, 0);
		expect(waitOf(policy.decide(answer(503), undefined, 10, 1))).toBe(100);
		expect(waitOf(policy.decide(answer(503), undefined, 120, 2))).toBe(200);
		expect(waitOf(policy.decide(answer(503), undefined, 330, 3))).toBe(400);
		// 800 ms would pass the deadline: the last attempt is planned two margins before it, and
		// may start up to one margin before it if its wait ends late.
		const last = policy.decide(answer(503), undefined, 740, 4);
		expect(waitOf(last)).toBe(deadline - 2 * DEADLINE_MARGIN_MS - 740);
		expect(last).toMatchObject({ startBy: deadline - DEADLINE_MARGIN_MS });
		const done = policy.decide(answer(503), undefined, deadline - 2 * DEADLINE_MARGIN_MS + 10, 5);
		expect(done && 'error' in done && done.error.description).toMatch(
			/Still failing after 5 attempts; the deadline .* leaves no time for another/,
		);
	});

	it('keeps the last attempt as far from the deadline as the slowest attempt took', () => {
		const deadline = 2_000;
		const policy = new DeadlineRetry(retry, deadline, 0);
		// The first attempt took 300 ms from start to answer (a busy machine, a far venue).
		expect(waitOf(policy.decide(answer(503), undefined, 300, 1))).toBe(100);
		expect(waitOf(policy.decide(answer(503), undefined, 410, 2))).toBe(200);
		expect(waitOf(policy.decide(answer(503), undefined, 620, 3))).toBe(400);
		const last = policy.decide(answer(503), undefined, 1030, 4);
		expect(waitOf(last)).toBe(deadline - 2 * 300 - 1030);
		expect(last).toMatchObject({ startBy: deadline - 300 });
		expect(policy.decide(answer(503), undefined, 1410, 5)).toHaveProperty('error');
	});

	it('does not count a 429 wait handled in between as the time an attempt took', () => {
		const deadline = 3_000;
		const policy = new DeadlineRetry(retry, deadline, 0);
		expect(waitOf(policy.decide(answer(503), undefined, 10, 1))).toBe(100);
		// Attempt 2 met a 429 and waited 1 s (rateLimit.ts); attempt 3 answered 503 at 1 130 ms.
		// Counted as one attempt, that 1 s would make the lead about 1 s: nothing after 960 ms.
		expect(waitOf(policy.decide(answer(503), undefined, 1_130, 3))).toBe(200);
		expect(waitOf(policy.decide(answer(503), undefined, 1_340, 4))).toBe(400);
		expect(waitOf(policy.decide(answer(503), undefined, 1_750, 5))).toBe(800);
	});

	it('gives a late wakeup its own error instead of a send past the deadline', () => {
		const policy = new DeadlineRetry(retry, 1_000, 0);
		const decision = policy.decide(answer(503), undefined, 10, 1);
		if (!decision || 'error' in decision) throw new Error('expected a wait');
		expect(decision.startBy).toBe(1_000 - DEADLINE_MARGIN_MS);
		expect(decision.tooLate?.().description).toMatch(/leaves no time for another/);
	});

	it('leaves other statuses, and calls without a deadline, alone', () => {
		expect(new DeadlineRetry(retry, 10_000, 0).decide(answer(500), undefined, 10, 1)).toBeUndefined();
		expect(new DeadlineRetry(retry, 10_000, 0).decide(answer(429), 1000, 10, 1)).toBeUndefined();
		expect(new DeadlineRetry(retry, undefined, 0).decide(answer(503), undefined, 10, 1)).toBeUndefined();
	});
});

describe('RateLimitRetry (429)', () => {
	it('follows the hint, and with a deadline never plans past it', () => {
		const policy = new RateLimitRetry(30_000, 5_000);
		const decision = policy.decide(answer(429), 1_500, 0, 1);
		expect(decision).toMatchObject({ waitMs: 1_500, startBy: 5_000 - DEADLINE_MARGIN_MS });
		expect(policy.decide(answer(429), 6_000, 1_600, 2)).toHaveProperty('error');
		expect(policy.decide(answer(503), 1_000, 1_600, 2)).toBeUndefined();
	});

	it('without a deadline only the wait cap applies', () => {
		const decision = new RateLimitRetry(30_000, undefined).decide(answer(429), 2_000, 0, 1);
		expect(decision).toMatchObject({ waitMs: 2_000 });
		expect(decision).not.toHaveProperty('startBy');
	});
});
