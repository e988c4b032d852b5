/** Options of the simulated Totalis and their defaults. */
import { resolveDialect, type TotalisDialect } from '../dialects';
import type { Clock } from '../clock';
import type { TotalisKeyIdentity } from './identities';

export const DEFAULT_API_KEY = 'api_live_sim_0123456789abcdef';
export const DEFAULT_USER_ID = 'did:privy:cmsim0mm00000000000000001';
export const DEFAULT_MM_ID = 'mm_sim_0001';

export interface TotalisSimOptions {
	/** The default key and its owner's ids. */
	apiKey?: string;
	userId?: string;
	mmId?: string;
	/** More valid keys: key → its owner's ids (and scopes). */
	keys?: Record<string, TotalisKeyIdentity>;
	/** Confirmation window after an acceptance (default 5000 ms). */
	confirmationWindowMs?: number;
	/** Confirmation → quote:executed + position:created (default 100 ms). */
	executeDelayMs?: number;
	/** position:created → position:settled (default 2000 ms). */
	settleDelayMs?: number;
	/** Lifetime of a new quote request (default 60000 ms). */
	requestTtlMs?: number;
	/** SSE `: keepalive` comment interval (default 15000 ms). */
	sseKeepaliveMs?: number;
	/** A WebSocket that has not authenticated by then gets auth:error and is closed (default 10000 ms). */
	authTimeoutMs?: number;
	/** Requests per window: 300 with a key, 100 without (per client address); window 60000 ms. */
	rateLimit?: { withKey?: number; withoutKey?: number; windowMs?: number };
	/** Largest accepted REST body (default 256 KB). */
	maxBodyBytes?: number;
	/** Which reading of what the docs leave open this venue speaks (dialects.ts); default 'docs'. */
	dialect?: TotalisDialect;
	/** Seed of the market's randomness (ids, legs, odds, event order): same seed, same market. */
	seed?: number;
	/** Time source for every timer and timestamp (default: the system clock). */
	clock?: Clock;
}

export interface ResolvedTotalisOptions {
	apiKey: string;
	userId: string;
	mmId: string;
	keys: Record<string, TotalisKeyIdentity>;
	confirmationWindowMs: number;
	executeDelayMs: number;
	settleDelayMs: number;
	requestTtlMs: number;
	sseKeepaliveMs: number;
	authTimeoutMs: number;
	rateLimit: { withKey: number; withoutKey: number; windowMs: number };
	maxBodyBytes: number;
	seed: number | undefined;
	clock: Clock | undefined;
	dialect: TotalisDialect;
}

export function resolveTotalisOptions(options: TotalisSimOptions = {}): ResolvedTotalisOptions {
	const apiKey = options.apiKey ?? DEFAULT_API_KEY;
	const userId = options.userId ?? DEFAULT_USER_ID;
	const mmId = options.mmId ?? DEFAULT_MM_ID;
	return {
		apiKey,
		userId,
		mmId,
		keys: { [apiKey]: { userId, mmId }, ...options.keys },
		confirmationWindowMs: options.confirmationWindowMs ?? 5000,
		executeDelayMs: options.executeDelayMs ?? 100,
		settleDelayMs: options.settleDelayMs ?? 2000,
		requestTtlMs: options.requestTtlMs ?? 60_000,
		sseKeepaliveMs: options.sseKeepaliveMs ?? 15_000,
		authTimeoutMs: options.authTimeoutMs ?? 10_000,
		rateLimit: {
			withKey: options.rateLimit?.withKey ?? 300,
			withoutKey: options.rateLimit?.withoutKey ?? 100,
			windowMs: options.rateLimit?.windowMs ?? 60_000,
		},
		maxBodyBytes: options.maxBodyBytes ?? 256 * 1024,
		dialect: resolveDialect('totalis', options.dialect),
		seed: options.seed,
		clock: options.clock,
	};
}
