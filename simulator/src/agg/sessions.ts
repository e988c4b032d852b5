/**
 * Access and refresh tokens per user. Tokens are opaque strings; the store remembers who owns
 * each and until when an access token works. Refresh tokens do not expire but are single-use
 * (rotated on every refresh), so a leaked old one cannot mint tokens.
 */
import type { Clock } from '../clock';
import type { Random } from '../random';

export interface TokenPair {
	accessToken: string;
	refreshToken: string;
	/** Epoch ms: the access token stops working at this instant. */
	expiresAt: number;
}

export interface AccessSession {
	token: string;
	userId: string;
	expiresAtMs: number;
}

export type TokenCheck = { ok: true; session: AccessSession } | { ok: false; reason: 'missing' | 'unknown' | 'expired' };

export class AggSessions {
	private readonly access = new Map<string, AccessSession>();
	/** Revoked access tokens still read as "expired" rather than "unknown". */
	private readonly revoked = new Set<string>();
	/** refresh token → the user and the access token it was issued with. */
	private readonly refresh = new Map<string, { userId: string; accessToken: string }>();

	constructor(
		private readonly users: readonly string[],
		private readonly clock: Clock,
		private readonly random: Random,
		private readonly ttlMs: number,
	) {}

	hasUser(userId: string): boolean {
		return this.users.includes(userId);
	}

	issue(userId: string): TokenPair {
		if (!this.hasUser(userId)) throw new Error(`agg simulator: no user ${userId}`);
		const expiresAtMs = this.clock.now() + this.ttlMs;
		const accessToken = `agg_at_${this.random.hex(40)}`;
		const refreshToken = `agg_rt_${this.random.hex(40)}`;
		this.access.set(accessToken, { token: accessToken, userId, expiresAtMs });
		this.refresh.set(refreshToken, { userId, accessToken });
		return { accessToken, refreshToken, expiresAt: expiresAtMs };
	}

	check(token: string | null | undefined): TokenCheck {
		if (!token) return { ok: false, reason: 'missing' };
		const session = this.access.get(token);
		if (!session) return { ok: false, reason: this.revoked.has(token) ? 'expired' : 'unknown' };
		if (this.clock.now() >= session.expiresAtMs) return { ok: false, reason: 'expired' };
		return { ok: true, session };
	}

	/** A new pair for a known refresh token; the old refresh token and its access token stop working. */
	refreshWith(refreshToken: string): TokenPair | undefined {
		const entry = this.refresh.get(refreshToken);
		if (!entry) return undefined;
		this.refresh.delete(refreshToken);
		this.revoke(entry.accessToken);
		return this.issue(entry.userId);
	}

	/** Every access token stops working now (refresh tokens still work); returns how many were live. */
	revokeAllAccess(): number {
		const now = this.clock.now();
		let live = 0;
		for (const session of [...this.access.values()]) {
			if (now < session.expiresAtMs) live += 1;
			this.revoke(session.token);
		}
		return live;
	}

	private revoke(token: string): void {
		if (this.access.delete(token)) this.revoked.add(token);
	}
}
