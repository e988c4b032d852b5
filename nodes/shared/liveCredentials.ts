import type { Redactor } from './redact';

/**
 * A trigger's credential as its next connection uses it. A trigger reads its credential once,
 * when `trigger()` runs; `refresh()` reads it again through the venue's own reader (its
 * `auth.ts`) before a reconnect, so a key the user corrected in n8n is used without re-activating
 * the workflow, and its secrets are redacted from then on. n8n lets a started trigger call
 * getCredentials, but evaluates credential expressions only while `trigger()` runs: a refresh
 * that fails leaves the credential already read in use (the engine logs why).
 */
export class LiveCredentials<T> {
	private current: T;

	constructor(
		initial: T,
		private readonly read: () => Promise<T>,
		private readonly redactor: Redactor,
		private readonly secretsOf: (credentials: T) => unknown[],
	) {
		this.current = initial;
		this.register(initial);
	}

	get value(): T {
		return this.current;
	}

	async refresh(): Promise<void> {
		const next = await this.read();
		this.register(next);
		this.current = next;
	}

	private register(credentials: T) {
		for (const secret of this.secretsOf(credentials)) this.redactor.add(secret);
	}
}
