/**
 * The machine-wide cache of this project, outside the repository: the same folder
 * scripts/toolchain.sh puts Node 24 in, so one variable moves both.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function projectCacheDir(env: NodeJS.ProcessEnv = process.env): string {
	if (env.TRADING_VENUES_CACHE) return env.TRADING_VENUES_CACHE;
	return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'n8n-nodes-trading-venues');
}
