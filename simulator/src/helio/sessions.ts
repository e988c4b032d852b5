/**
 * Logins and their access tokens. Tokens look like JWTs (header.payload.signature, base64url) but
 * are opaque to the simulator: it only remembers which it issued and until when they work.
 */
import type { Clock } from '../clock';
import type { Random } from '../random';

export interface HelioUser {
	email: string;
	password: string;
	accounts: ReadonlyArray<{ id: string; gid: number | string }>;
}

export interface Session {
	token: string;
	email: string;
	accountIds: readonly string[];
	/** The token stops working at this instant (epoch ms). */
	expiresAtMs: number;
}

/** What `POST /api/v1/login` answers. */
export interface LoginAnswer {
	access_token: string;
	/** Unix seconds, rounded down: the token never outlives it. */
	expires_at: number;
	accounts: Array<{ id: string; gid: number | string }>;
}

export type TokenCheck = { ok: true; session: Session } | { ok: false; reason: 'missing' | 'unknown' | 'expired' };

export class SessionStore {
	private readonly sessions = new Map<string, Session>();
	/** Revoked tokens: still recognised, so they answer "expired" rather than "unknown". */
	private readonly revoked = new Set<string>();
	private issued = 0;

	constructor(
		private readonly users: readonly HelioUser[],
		private readonly clock: Clock,
		private readonly random: Random,
		private readonly ttlMs: number,
	) {}

	/** The user with these credentials, if any. */
	authenticate(email: string, password: string): HelioUser | undefined {
		return this.users.find((user) => user.email.toLowerCase() === email.toLowerCase() && user.password === password);
	}

	user(email: string): HelioUser | undefined {
		return this.users.find((user) => user.email.toLowerCase() === email.toLowerCase());
	}

	issue(user: HelioUser): LoginAnswer {
		const now = this.clock.now();
		const expiresAtMs = now + this.ttlMs;
		const token = this.mintToken(user, now, expiresAtMs);
		this.sessions.set(token, { token, email: user.email, accountIds: user.accounts.map((a) => a.id), expiresAtMs });
		return {
			access_token: token,
			expires_at: Math.floor(expiresAtMs / 1000),
			accounts: user.accounts.map((account) => ({ id: account.id, gid: account.gid })),
		};
	}

	check(token: string | undefined | null): TokenCheck {
		if (!token) return { ok: false, reason: 'missing' };
		const session = this.sessions.get(token);
		if (!session) return { ok: false, reason: this.revoked.has(token) ? 'expired' : 'unknown' };
		if (this.clock.now() >= session.expiresAtMs) return { ok: false, reason: 'expired' };
		return { ok: true, session };
	}

	/** Every issued token stops working now; returns how many were live. */
	revokeAll(): number {
		const now = this.clock.now();
		let live = 0;
		for (const session of this.sessions.values()) {
			if (now < session.expiresAtMs) live += 1;
			this.revoked.add(session.token);
		}
		this.sessions.clear();
		return live;
	}

	private mintToken(user: HelioUser, nowMs: number, expiresAtMs: number): string {
		this.issued += 1;
		const header = { alg: 'HS256', typ: 'JWT' };
		const payload = {
			sub: user.email,
			accounts: user.accounts.map((a) => a.id),
			iat: Math.floor(nowMs / 1000),
			exp: Math.floor(expiresAtMs / 1000),
			jti: `${this.issued}.${this.random.hex(16)}`,
		};
		return [base64url(JSON.stringify(header)), base64url(JSON.stringify(payload)), base64url(Buffer.from(this.random.bytes(32)))].join('.');
	}
}

function base64url(data: string | Buffer): string {
	return Buffer.from(data).toString('base64url');
}
