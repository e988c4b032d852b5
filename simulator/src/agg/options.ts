/** Options of the simulated agg.market and their defaults. */
import { resolveDialect, type AggDialect } from '../dialects';
import type { Clock } from '../clock';

export const DEFAULT_APP_ID = 'app_sim_0001';
export const DEFAULT_USER_ID = 'user-123';
export const DEFAULT_REFRESH_PATH = '/auth/refresh';

export interface AggSimOptions {
	/** The app every call must name in `x-app-id` / `?appId=` (default `app_sim_0001`). */
	appId?: string;
	/** When set, a WS upgrade or REST call whose `Origin` is not listed (or absent) answers 403. Default: any origin. */
	allowedOrigins?: string[];
	/** The default user (default `user-123`) … */
	userId?: string;
	/** … and more users, for tests of who sees what. */
	users?: string[];
	/** Lifetime of an access token (default 3600 s). */
	tokenTtlSeconds?: number;
	/** `{"type":"heartbeat"}` to every socket this often (default 15000 ms). */
	heartbeatIntervalMs?: number;
	/** Where `POST {refreshToken}` issues new tokens (default `/auth/refresh`). */
	refreshPath?: string;
	/** Delay between two events of a placed order (default 10 ms). */
	orderStepMs?: number;
	/** While startMarket() runs, a book moves this often (default 500 ms). */
	marketIntervalMs?: number;
	/** Open positions of each user at start (default 30). */
	positionCount?: number;
	/** Largest accepted REST body (default 64 KB). */
	maxBodyBytes?: number;
	/** Which reading of what the docs leave open this venue speaks (dialects.ts); default 'short'. */
	dialect?: AggDialect;
	/** Seed of every random choice (books, positions, retries): same seed, same venue. */
	seed?: number;
	/** Time source for every timer and timestamp (default: the system clock). */
	clock?: Clock;
}

export interface ResolvedAggOptions {
	appId: string;
	allowedOrigins: string[] | undefined;
	userId: string;
	users: string[];
	tokenTtlMs: number;
	heartbeatIntervalMs: number;
	refreshPath: string;
	orderStepMs: number;
	marketIntervalMs: number;
	positionCount: number;
	maxBodyBytes: number;
	seed: number | undefined;
	clock: Clock | undefined;
	dialect: AggDialect;
}

export function resolveAggOptions(options: AggSimOptions = {}): ResolvedAggOptions {
	const userId = options.userId ?? DEFAULT_USER_ID;
	const users = [...new Set([userId, ...(options.users ?? [])])];
	const refreshPath = options.refreshPath ?? DEFAULT_REFRESH_PATH;
	if (!refreshPath.startsWith('/')) throw new Error('agg simulator: refreshPath must start with /');
	return {
		appId: options.appId ?? DEFAULT_APP_ID,
		allowedOrigins: options.allowedOrigins,
		userId,
		users,
		tokenTtlMs: positive('tokenTtlSeconds', options.tokenTtlSeconds ?? 3600) * 1000,
		heartbeatIntervalMs: positive('heartbeatIntervalMs', options.heartbeatIntervalMs ?? 15_000),
		refreshPath,
		orderStepMs: Math.max(0, options.orderStepMs ?? 10),
		marketIntervalMs: positive('marketIntervalMs', options.marketIntervalMs ?? 500),
		positionCount: Math.max(0, Math.floor(options.positionCount ?? 30)),
		maxBodyBytes: options.maxBodyBytes ?? 64 * 1024,
		dialect: resolveDialect('agg', options.dialect),
		seed: options.seed,
		clock: options.clock,
	};
}

function positive(name: string, value: number): number {
	if (!(value > 0)) throw new Error(`agg simulator: ${name} must be positive`);
	return value;
}
