/**
 * The pinned n8n, installed once per machine into the project cache (outside the repository) and
 * reused. The recipe is the one checked in docs (shared n8n notes): the registry reachable here
 * serves n8n 2.41.1 with linkedom held at 0.18.14; install scripts are skipped because several
 * download from outside hosts; sqlite3 is then compiled from source for this Node.
 *
 * An install counts only once verified and stamped: without the stamp (a killed or failed run),
 * the folder is wiped and installed again. A lock keeps two runs from installing at once.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { projectCacheDir } from './cacheDir';
import { runCommand } from './commands';
import { withDirectoryLock } from './directoryLock';
import { currentNodeRuntime, npmEnvironment, type NodeRuntime } from './nodeRuntime';
import { startProgress, type LogLine, type Progress } from './progress';

export const N8N_VERSION = '2.41.1';
/** linkedom 0.18.15 needs a package the registry here lacks. */
const LINKEDOM_VERSION = '0.18.14';

export interface N8nInstallation {
	version: string;
	/** The install folder (package.json, node_modules, the stamp). */
	dir: string;
	nodeModules: string;
	/** node_modules/n8n/bin/n8n: start it with `nodePath`. */
	n8nBin: string;
	/** The Node 24 that was used to build it and must run it. */
	nodePath: string;
	runtime: NodeRuntime;
}

export interface EnsureN8nOptions {
	/** Default: `<project cache>/n8n-2.41.1` ($TRADING_VENUES_CACHE or ~/.cache/n8n-nodes-trading-venues). */
	dir?: string;
	log?: LogLine;
}

/** What a usable install was made for; any difference means installing again. */
interface InstallStamp {
	n8n: string;
	linkedom: string;
	/** Native modules (sqlite3) only load in the Node ABI they were built for. */
	nodeAbi: string;
	platform: string;
	arch: string;
}

const STAMP_FILE = '.install-complete.json';

let inFlight: Promise<N8nInstallation> | undefined;

export function defaultN8nDir(): string {
	return join(projectCacheDir(), `n8n-${N8N_VERSION}`);
}

export function ensureN8n(options: EnsureN8nOptions = {}): Promise<N8nInstallation> {
	// One install per process, however many callers ask at once.
	inFlight ??= ensure(options).finally(() => (inFlight = undefined));
	return inFlight;
}

async function ensure(options: EnsureN8nOptions): Promise<N8nInstallation> {
	const runtime = currentNodeRuntime();
	const dir = options.dir ?? defaultN8nDir();
	const installation = describe(dir, runtime);
	const wanted = wantedStamp();
	if (await hasStamp(dir, wanted)) return installation;

	const progress = startProgress(`n8n ${N8N_VERSION}`, options.log);
	await mkdir(join(dir, '..'), { recursive: true });
	let waitNoticeShown = false;
	await withDirectoryLock(
		`${dir}.lock`,
		async () => {
			// Another run may have finished the install while this one waited for the lock.
			if (await hasStamp(dir, wanted)) return;
			await install(dir, runtime, wanted, progress);
		},
		{
			onWait: (owner) => {
				if (waitNoticeShown) return;
				waitNoticeShown = true;
				progress.say(`waiting for another run (pid ${owner?.pid ?? '?'}) that is installing n8n into ${dir}`);
			},
		},
	);
	return installation;
}

function describe(dir: string, runtime: NodeRuntime): N8nInstallation {
	const nodeModules = join(dir, 'node_modules');
	return { version: N8N_VERSION, dir, nodeModules, n8nBin: join(nodeModules, 'n8n', 'bin', 'n8n'), nodePath: runtime.nodePath, runtime };
}

function wantedStamp(): InstallStamp {
	return {
		n8n: N8N_VERSION,
		linkedom: LINKEDOM_VERSION,
		nodeAbi: process.versions.modules,
		platform: process.platform,
		arch: process.arch,
	};
}

async function hasStamp(dir: string, wanted: InstallStamp): Promise<boolean> {
	try {
		const stamp = JSON.parse(await readFile(join(dir, STAMP_FILE), 'utf8')) as InstallStamp;
		const same = (Object.keys(wanted) as Array<keyof InstallStamp>).every((key) => stamp[key] === wanted[key]);
		return same && existsSync(join(dir, 'node_modules', 'n8n', 'bin', 'n8n'));
	} catch {
		return false;
	}
}

async function install(dir: string, runtime: NodeRuntime, stamp: InstallStamp, progress: Progress): Promise<void> {
	const env = npmEnvironment(runtime);
	if (existsSync(dir)) {
		progress.say(`removing an unfinished or outdated install in ${dir}`);
		await rm(dir, { recursive: true, force: true });
	}
	await mkdir(dir, { recursive: true });
	await writeFile(
		join(dir, 'package.json'),
		JSON.stringify({ private: true, dependencies: { n8n: N8N_VERSION }, overrides: { linkedom: LINKEDOM_VERSION } }, null, 2),
	);

	progress.say(`installing n8n ${N8N_VERSION} into ${dir} with Node ${runtime.version} (the first time takes several minutes)`);
	let stopNotice = progress.keepAlive('npm install still running…');
	try {
		await runCommand('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error', '--prefix', dir], {
			cwd: dir,
			env,
			timeoutMs: 30 * 60_000,
		});
	} finally {
		stopNotice();
	}
	progress.say('npm install done; compiling sqlite3 for this Node (about a minute)');

	stopNotice = progress.keepAlive('sqlite3 still compiling…');
	try {
		// From source: its install script would first try to download a prebuilt binary.
		await runCommand('npm', ['rebuild', 'sqlite3', '--loglevel=error', '--prefix', dir], {
			cwd: dir,
			env: { ...env, npm_config_build_from_source: 'true' },
			timeoutMs: 15 * 60_000,
		});
	} finally {
		stopNotice();
	}

	progress.say('verifying the install');
	await verify(dir, runtime);
	await writeFile(join(dir, STAMP_FILE), JSON.stringify({ ...stamp, installedAt: new Date().toISOString() }, null, 2));
	progress.say(`n8n ${N8N_VERSION} installed and verified`);
}

/** Loads what n8n needs natively with the Node that will run it, and checks the version installed. */
async function verify(dir: string, runtime: NodeRuntime): Promise<void> {
	const script = `
		const version = require('n8n/package.json').version;
		if (version !== ${JSON.stringify(N8N_VERSION)}) throw new Error('n8n ' + version + ' installed, not ${N8N_VERSION}');
		require('bcryptjs');
		require('isolated-vm');
		const sqlite3 = require('sqlite3');
		const db = new sqlite3.Database(':memory:');
		db.get('select sqlite_version() as v', (error, row) => {
			if (error) throw error;
			db.close();
			console.log('sqlite ' + row.v);
		});
	`;
	await runCommand(runtime.nodePath, ['-e', script], { cwd: dir, env: npmEnvironment(runtime), timeoutMs: 60_000 });
}
