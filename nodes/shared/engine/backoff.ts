/**
 * Reconnect delays: exponential growth with full jitter (a uniformly random delay between 0 and
 * the capped exponential), so many triggers that lost the same venue don't reconnect in step.
 * The attempt count resets once a connection has stayed up for `resetAfterMs`.
 */
export interface BackoffPolicy {
	initialDelayMs: number;
	maxDelayMs: number;
	/** A connection that lived this long counts as stable: the next drop starts again from the initial delay. */
	resetAfterMs: number;
}

export class Backoff {
	private attempt = 0;

	constructor(
		private readonly policy: BackoffPolicy,
		private readonly random: () => number = Math.random,
	) {}

	/** The delay before the next attempt; each call counts as one attempt. */
	nextDelayMs(): number {
		const ceiling = Math.min(this.policy.maxDelayMs, this.policy.initialDelayMs * 2 ** this.attempt);
		this.attempt = Math.min(this.attempt + 1, 30);
		return Math.floor(this.random() * ceiling);
	}

	/** Called when a connection ends: a long-lived one resets the growth. */
	connectionEnded(livedMs: number) {
		if (livedMs >= this.policy.resetAfterMs) this.attempt = 0;
	}

	get attempts() {
		return this.attempt;
	}
}

/**
 * Retries after the venue refused the credentials or a subscription: far slower than after a
 * drop, since the venue answered and most refusals last until someone changes something. The
 * delay doubles from `initialDelayMs` up to `maxDelayMs`; each is shortened by up to a fifth at
 * random, so triggers sharing a key do not retry in step. Reset once the venue accepts again.
 */
export interface RefusalRetryPolicy {
	initialDelayMs: number;
	maxDelayMs: number;
}

export class RefusalBackoff {
	private attempt = 0;

	constructor(
		private readonly policy: RefusalRetryPolicy,
		private readonly random: () => number = Math.random,
	) {}

	nextDelayMs(): number {
		const ceiling = Math.min(this.policy.maxDelayMs, this.policy.initialDelayMs * 2 ** this.attempt);
		this.attempt = Math.min(this.attempt + 1, 30);
		return Math.floor(ceiling * (0.8 + 0.2 * this.random()));
	}

	reset() {
		this.attempt = 0;
	}
}
