/**
 * Puts this repository's package into an n8n user folder the way n8n 2.41's Settings →
 * Community nodes does it (CommunityPackagesService.downloadPackage): the `npm pack` tarball
 * unpacked into `<user folder>/.n8n/nodes/node_modules/<name>`, its package.json stripped of
 * dev, peer and optional dependencies, its own dependencies (ws, zod) installed beside it, and
 * the ledger `.n8n/nodes/package.json` updated. The peer dependency n8n-workflow is thus never
 * installed: the nodes use n8n's own copy, as they do for users. n8n loads every
 * `n8n-nodes-*` folder there at start; the node types become `<name>.<node>`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

import { runCommand } from './commands';
import { currentNodeRuntime, npmEnvironment, type NodeRuntime } from './nodeRuntime';
import { startProgress, type LogLine } from './progress';

export interface InstallCommunityPackageOptions {
	userFolder: string;
	/** Default: this repository. */
	repoRoot?: string;
	/** Run `npm run build:all` first (default true): the tarball is what dist/ holds. */
	build?: boolean;
	runtime?: NodeRuntime;
	log?: LogLine;
}

export interface InstalledCommunityPackage {
	name: string;
	version: string;
	/** <user folder>/.n8n/nodes/node_modules/<name> */
	dir: string;
	/** Paths (relative to `dir`) of the nodes and credentials n8n will load. */
	files: string[];
}

interface PackageJson {
	name: string;
	version: string;
	n8n?: { nodes?: string[]; credentials?: string[] };
	dependencies?: Record<string, string>;
	[key: string]: unknown;
}

const REPO_PACKAGE_NAME = 'n8n-nodes-trading-venues';

export async function installCommunityPackage(options: InstallCommunityPackageOptions): Promise<InstalledCommunityPackage> {
	const runtime = options.runtime ?? currentNodeRuntime();
	const env = npmEnvironment(runtime);
	const repoRoot = options.repoRoot ?? findRepoRoot();
	const progress = startProgress('package', options.log);

	if (options.build ?? true) {
		progress.say(`building ${repoRoot} (npm run build:all)`);
		await runCommand('npm', ['run', 'build:all', '--silent'], { cwd: repoRoot, env, timeoutMs: 5 * 60_000 });
	}

	const packDir = await mkdtemp(join(tmpdir(), 'trading-venues-pack-'));
	try {
		const packed = await runCommand('npm', ['pack', '--ignore-scripts', '--json', '--loglevel=error', '--pack-destination', packDir], {
			cwd: repoRoot,
			env,
			timeoutMs: 2 * 60_000,
		});
		const [{ filename }] = JSON.parse(packed.stdout) as Array<{ filename: string }>;
		const tarball = join(packDir, filename);

		const nodesDir = join(options.userFolder, '.n8n', 'nodes');
		const manifest = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as PackageJson;
		const dir = join(nodesDir, 'node_modules', manifest.name);
		await rm(dir, { recursive: true, force: true });
		await mkdir(dir, { recursive: true });
		await runCommand('tar', ['-xzf', tarball, '-C', dir, '--strip-components=1'], { cwd: nodesDir });

		const unpacked = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as PackageJson;
		delete unpacked.devDependencies;
		delete unpacked.peerDependencies;
		delete unpacked.optionalDependencies;
		await writeFile(join(dir, 'package.json'), JSON.stringify(unpacked, null, 2));

		progress.say(`installing ${filename} into ${nodesDir}`);
		await runCommand(
			'npm',
			[
				'install',
				'--audit=false',
				'--fund=false',
				'--bin-links=false',
				'--install-strategy=shallow',
				'--ignore-scripts=true',
				'--package-lock=false',
				'--loglevel=error',
				'--prefix',
				dir,
			],
			{ cwd: dir, env, timeoutMs: 5 * 60_000 },
		);
		await recordInLedger(nodesDir, unpacked.name, unpacked.version);

		const files = [...(unpacked.n8n?.nodes ?? []), ...(unpacked.n8n?.credentials ?? [])];
		const missing = [...files, ...Object.keys(unpacked.dependencies ?? {}).map((name) => join('node_modules', name))].filter(
			(file) => !existsSync(join(dir, file)),
		);
		if (missing.length > 0) throw new Error(`The installed package in ${dir} lacks ${missing.join(', ')}`);
		progress.say(`${unpacked.name}@${unpacked.version} installed`);
		return { name: unpacked.name, version: unpacked.version, dir, files };
	} finally {
		await rm(packDir, { recursive: true, force: true });
	}
}

/** n8n's list of installed community packages (it rebuilds an unusable one from its database). */
async function recordInLedger(nodesDir: string, name: string, version: string): Promise<void> {
	const file = join(nodesDir, 'package.json');
	let ledger: { name: string; private: boolean; dependencies: Record<string, string> } = {
		name: 'installed-nodes',
		private: true,
		dependencies: {},
	};
	try {
		const existing = JSON.parse(await readFile(file, 'utf8')) as typeof ledger;
		if (existing?.dependencies) ledger = existing;
	} catch {
		// missing or unreadable: start a new one, as n8n would
	}
	ledger.dependencies[name] = version;
	await writeFile(file, JSON.stringify(ledger, null, 2));
}

/** This repository's root, from tools/e2e/ (ts-jest) or .build/tools/e2e/ (compiled). */
export function findRepoRoot(from = __dirname): string {
	for (let dir = resolve(from); ; dir = dirname(dir)) {
		const manifest = join(dir, 'package.json');
		if (existsSync(manifest)) {
			try {
				if ((JSON.parse(readFileSync(manifest, 'utf8')) as PackageJson).name === REPO_PACKAGE_NAME) return dir;
			} catch {
				// not a readable manifest: keep going up
			}
		}
		if (dirname(dir) === dir) throw new Error(`No ${REPO_PACKAGE_NAME} package.json above ${from}`);
	}
}
