/** Options of the simulated OpenMarkets and their defaults. */
import { resolveDialect, type OpenMarketsDialect } from '../dialects';
import type { Clock } from '../clock';

export const DEFAULT_API_KEY = 'om_data_live_sim_0123456789abcdef';
export const DEFAULT_ORGANIZATION_ID = 'org_sim_0001';
export const DEFAULT_API_KEY_ID = 'key_sim_0001';

export interface OpenMarketsSimOptions {
	/** Time source for every timer and timestamp (default: the system clock). */
	clock?: Clock;
	/** Which reading of what the docs leave open this venue speaks (dialects.ts); default 'docs'. */
	dialect?: OpenMarketsDialect;
	/** Seed of every random choice (ids, prices, moves): same seed, same venue. */
	seed?: number;
	/** How many contests the catalog starts with (default 24, spread over the leagues, starting from -3 h to +72 h). */
	contests?: number;
	/** A WebSocket protocol ping to every socket this often; a socket that has not answered the previous one is dropped (default 25000 ms). */
	pingIntervalMs?: number;
	/** Concurrent sockets one key may hold; one more is refused with HTTP 429 at the upgrade (default 3). */
	maxConnectionsPerKey?: number;
	/** Distinct contests one socket may subscribe, both channels together (default 200). */
	maxContestsPerConnection?: number;
	/** Self-running liquidity moves every `intervalMs` from the start (default off: tests drive it). */
	autoplay?: { intervalMs: number };
	/** The largest `limit` a list accepts (default 100). */
	pageSizeMax?: number;
	/** The key REST (`X-API-Key`) and the stream (`?api_key=`) accept (default `om_data_live_sim_0123456789abcdef`). */
	apiKey?: string;
}

export interface ResolvedOpenMarketsOptions {
	clock: Clock | undefined;
	seed: number | undefined;
	contests: number;
	pingIntervalMs: number;
	maxConnectionsPerKey: number;
	maxContestsPerConnection: number;
	autoplayIntervalMs: number | undefined;
	pageSizeMax: number;
	apiKey: string;
	dialect: OpenMarketsDialect;
}

export function resolveOpenMarketsOptions(options: OpenMarketsSimOptions = {}): ResolvedOpenMarketsOptions {
	const apiKey = options.apiKey ?? DEFAULT_API_KEY;
	if (apiKey.trim() === '') throw new Error('openmarkets simulator: apiKey must not be empty');
	return {
		clock: options.clock,
		dialect: resolveDialect('openmarkets', options.dialect),
		seed: options.seed,
		contests: whole('contests', options.contests ?? 24, 0),
		pingIntervalMs: positive('pingIntervalMs', options.pingIntervalMs ?? 25_000),
		maxConnectionsPerKey: whole('maxConnectionsPerKey', options.maxConnectionsPerKey ?? 3, 1),
		maxContestsPerConnection: whole('maxContestsPerConnection', options.maxContestsPerConnection ?? 200, 1),
		autoplayIntervalMs: options.autoplay === undefined ? undefined : positive('autoplay.intervalMs', options.autoplay.intervalMs),
		pageSizeMax: whole('pageSizeMax', options.pageSizeMax ?? 100, 1),
		apiKey,
	};
}

function positive(name: string, value: number): number {
	if (!(value > 0)) throw new Error(`openmarkets simulator: ${name} must be positive`);
	return value;
}

function whole(name: string, value: number, min: number): number {
	if (!Number.isInteger(value) || value < min) throw new Error(`openmarkets simulator: ${name} must be a whole number, ${min} or more`);
	return value;
}
