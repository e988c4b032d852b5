import type { Clock } from '../clock';
import { refuseAuthFor, refusingAuth } from '../faults';

/** The one API key of the simulated organization, and the switches that revoke or refuse it. */
export class ApiKeys {
	private revoked = false;
	/** faults.refuseAuth: refused until this time on the clock. */
	private readonly refusal = { authRefusedUntil: 0 };

	constructor(
		private readonly apiKey: string,
		readonly apiKeyId: string,
		readonly organizationId: string,
		private readonly clock: Clock,
	) {}

	/** Whether `presented` is the key and still valid. */
	accepts(presented: string | null | undefined): boolean {
		return !this.revoked && !this.refusing && presented === this.apiKey;
	}

	/** Refuses the key for `durationMs`, then accepts it again. */
	refuseFor(durationMs: number): void {
		refuseAuthFor(this.refusal, this.clock, durationMs);
	}

	get refusing(): boolean {
		return refusingAuth(this.refusal, this.clock);
	}

	revoke(): void {
		this.revoked = true;
	}

	restore(): void {
		this.revoked = false;
		this.refusal.authRefusedUntil = 0;
	}

	get isRevoked(): boolean {
		return this.revoked;
	}
}
