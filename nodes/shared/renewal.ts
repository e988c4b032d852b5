/**
 * When to renew a credential that expires: a minute before, or a tenth of its life before for
 * short-lived tokens, so a renewal has time to finish.
 */
export function renewalMargin(lifetimeMs: number): number {
	return Math.min(60_000, Math.max(0, lifetimeMs) / 10);
}
