/** Fixed-window request counting, one window per bucket (an API key, or a client address). */
import type { Clock } from './clock';

export interface RateDecision {
	allowed: boolean;
	limit: number;
	remaining: number;
	/** When the current window ends (epoch ms). */
	resetAtMs: number;
}

interface Window {
	startedAt: number;
	count: number;
}

export class FixedWindowRateLimiter {
	private readonly windows = new Map<string, Window>();

	constructor(
		private readonly clock: Clock,
		private readonly windowMs = 60_000,
	) {}

	take(bucket: string, limit: number): RateDecision {
		const now = this.clock.now();
		let window = this.windows.get(bucket);
		if (!window || now - window.startedAt >= this.windowMs) {
			this.prune(now);
			window = { startedAt: now, count: 0 };
			this.windows.set(bucket, window);
		}
		const resetAtMs = window.startedAt + this.windowMs;
		if (window.count >= limit) return { allowed: false, limit, remaining: 0, resetAtMs };
		window.count += 1;
		return { allowed: true, limit, remaining: limit - window.count, resetAtMs };
	}

	/** The bucket's current window without counting a request: the headers of an answer that is not served. */
	peek(bucket: string, limit: number): RateDecision {
		const now = this.clock.now();
		const window = this.windows.get(bucket);
		if (!window || now - window.startedAt >= this.windowMs)
			return { allowed: true, limit, remaining: limit, resetAtMs: now + this.windowMs };
		const remaining = Math.max(0, limit - window.count);
		return { allowed: remaining > 0, limit, remaining, resetAtMs: window.startedAt + this.windowMs };
	}

	reset(): void {
		this.windows.clear();
	}

	private prune(now: number): void {
		for (const [bucket, window] of this.windows) {
			if (now - window.startedAt >= this.windowMs) this.windows.delete(bucket);
		}
	}
}

/** The X-RateLimit-* headers of a decision (Reset in epoch seconds). */
export function rateLimitHeaders(decision: RateDecision): Record<string, string> {
	return {
		'X-RateLimit-Limit': String(decision.limit),
		'X-RateLimit-Remaining': String(decision.remaining),
		'X-RateLimit-Reset': String(Math.ceil(decision.resetAtMs / 1000)),
	};
}
