/** The one API key of the simulated organization, and the switch that revokes it. */
export class ApiKeys {
	private revoked = false;

	constructor(
		private readonly apiKey: string,
		readonly apiKeyId: string,
		readonly organizationId: string,
	) {}

	/** Whether `presented` is the key and still valid. */
	accepts(presented: string | null | undefined): boolean {
		return !this.revoked && presented === this.apiKey;
	}

	revoke(): void {
		this.revoked = true;
	}

	restore(): void {
		this.revoked = false;
	}

	get isRevoked(): boolean {
		return this.revoked;
	}
}
