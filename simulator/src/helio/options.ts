/** Options of the simulated Helio and their defaults. */
import { resolveDialect, type HelioDialect } from '../dialects';
import type { Clock } from '../clock';
import type { AccountInit } from './ledger';
import type { HelioUser } from './sessions';

export const DEFAULT_EMAIL = 'trader@helio.sim';
export const DEFAULT_PASSWORD = 'helio-sim-password';
export const DEFAULT_ACCOUNTS: readonly AccountInit[] = [
	{ id: 'acc-1001', gid: 1 },
	{ id: 'acc-1002', gid: 1 },
];

export interface HelioSimOptions {
	/** The login of the default user, and that user's accounts. */
	email?: string;
	password?: string;
	accounts?: AccountInit[];
	/** More users, each with their own accounts (tests of who sees what). */
	users?: Array<{ email: string; password: string; accounts: AccountInit[] }>;
	/** Lifetime of an access token (default 3600 s). */
	tokenTtlSeconds?: number;
	/** A socket is closed (1008 `token expired`) when its token expires (default true) [inferred]. */
	closeSocketsOnTokenExpiry?: boolean;
	/** Protocol ping interval; a socket that has not answered the previous ping is dropped (default 20000 ms). */
	pingIntervalMs?: number;
	/** While startMarket() runs, each symbol's quote moves this often (default 250 ms). */
	quoteIntervalMs?: number;
	/** Orders over this many lots fill in two parts (default 5) … */
	splitAboveLots?: number;
	/** … this far apart (default 5 ms). */
	partialFillDelayMs?: number;
	/** USD balance of each account at start (default 10000). */
	initialBalance?: number;
	/** Margin = notional / leverage (default 100). */
	leverage?: number;
	/** Largest accepted REST body (default 64 KB). */
	maxBodyBytes?: number;
	/** Which reading of what the docs leave open this venue speaks (dialects.ts); default 'camel'. */
	dialect?: HelioDialect;
	/** Seed of the market's randomness (walk, tokens): same seed, same market. */
	seed?: number;
	/** Time source for every timer and timestamp (default: the system clock). */
	clock?: Clock;
}

export interface ResolvedHelioOptions {
	email: string;
	password: string;
	accounts: AccountInit[];
	users: HelioUser[];
	tokenTtlMs: number;
	closeSocketsOnTokenExpiry: boolean;
	pingIntervalMs: number;
	quoteIntervalMs: number;
	splitAboveLots: number;
	partialFillDelayMs: number;
	initialBalance: number;
	leverage: number;
	maxBodyBytes: number;
	seed: number | undefined;
	clock: Clock | undefined;
	dialect: HelioDialect;
}

export function resolveHelioOptions(options: HelioSimOptions = {}): ResolvedHelioOptions {
	const email = options.email ?? DEFAULT_EMAIL;
	const password = options.password ?? DEFAULT_PASSWORD;
	const accounts = (options.accounts ?? DEFAULT_ACCOUNTS).map((account) => ({ ...account }));
	const users: HelioUser[] = [{ email, password, accounts }, ...(options.users ?? [])];
	const ids = users.flatMap((user) => user.accounts.map((account) => account.id));
	const duplicate = ids.find((id, index) => ids.indexOf(id) !== index);
	if (duplicate) throw new Error(`Helio simulator: account ${duplicate} belongs to two users`);
	const tokenTtlSeconds = options.tokenTtlSeconds ?? 3600;
	if (!(tokenTtlSeconds > 0)) throw new Error('Helio simulator: tokenTtlSeconds must be positive');
	return {
		email,
		password,
		accounts,
		users,
		tokenTtlMs: tokenTtlSeconds * 1000,
		closeSocketsOnTokenExpiry: options.closeSocketsOnTokenExpiry ?? true,
		pingIntervalMs: positive('pingIntervalMs', options.pingIntervalMs ?? 20_000),
		quoteIntervalMs: positive('quoteIntervalMs', options.quoteIntervalMs ?? 250),
		splitAboveLots: options.splitAboveLots ?? 5,
		partialFillDelayMs: options.partialFillDelayMs ?? 5,
		initialBalance: options.initialBalance ?? 10_000,
		leverage: positive('leverage', options.leverage ?? 100),
		maxBodyBytes: options.maxBodyBytes ?? 64 * 1024,
		dialect: resolveDialect('helio', options.dialect),
		seed: options.seed,
		clock: options.clock,
	};
}

function positive(name: string, value: number): number {
	if (!(value > 0)) throw new Error(`Helio simulator: ${name} must be positive`);
	return value;
}
