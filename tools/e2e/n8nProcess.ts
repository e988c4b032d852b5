/**
 * One real n8n server (`n8n start`), run by the Node 24 that built it, in its own process group
 * (n8n spawns a task runner), quiet and local (n8nEnv.ts), with its owner set from the
 * environment. Its output goes to `<user folder>/n8n.log`, and the last lines are kept for error
 * messages. `stop()` resolves only when every process of the group is gone.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import { OUTBOUND_LOG_ENV, PARENT_PID_ENV, parseOutboundLog, writeChildPreload, type OutboundAttempt } from './childPreload';
import { guardProcessGroup } from './exitGuard';
import { assertPortFree, findFreePort } from './freePort';
import { n8nEnvironment } from './n8nEnv';
import type { N8nInstallation } from './n8nInstall';
import { OutputLog } from './outputLog';
import { processGroupMembers, signalProcessGroup, waitForProcessGroupExit } from './processGroup';
import { logToStderr, type LogLine } from './progress';

export interface N8nOwner {
	email: string;
	password: string;
}

/** Local only (n8n listens on loopback); printed by `npm run dev` so a person can sign in. */
export const DEFAULT_OWNER: N8nOwner = { email: 'owner@trading-venues.test', password: 'TradingVenues-e2e-1' };

export interface StartN8nOptions {
	installation: N8nInstallation;
	/**
	 * 'main' (default): `n8n start`, the server with the editor, API and triggers. 'worker': `n8n
	 * worker` (queue mode), which runs executions taken from Redis; `port` is then its health
	 * check's, and it is ready when that answers.
	 */
	role?: 'main' | 'worker';
	/** A worker's `--concurrency` (executions at once). Default 5. */
	concurrency?: number;
	/** N8N_USER_FOLDER: n8n keeps its database, settings and community nodes in `<userFolder>/.n8n`. */
	userFolder: string;
	/** Default: a free port. */
	port?: number;
	/** Extra environment for n8n, applied last; undefined removes a variable. */
	env?: Record<string, string | undefined>;
	owner?: N8nOwner;
	/** n8n's N8N_LOG_LEVEL. Default 'warn'. */
	logLevel?: 'error' | 'warn' | 'info' | 'debug';
	/** How long n8n may take to be ready. Default 120 s (it takes about 7 s warm). */
	readyTimeoutMs?: number;
	/** Every line n8n prints (for `npm run dev`). */
	onOutput?: (line: string) => void;
	/** Node options for n8n's processes, after the ones this module needs (NODE_OPTIONS). */
	nodeOptions?: string;
	/** Node arguments before n8n's script, for n8n's main process only: flags Node refuses in NODE_OPTIONS (`--single-threaded-gc`). */
	nodeArgs?: string[];
	/** Where a start tried again is said (default: stderr). */
	log?: LogLine;
}

/** How long a stopped n8n's last output may take to be read (its pipes close with its last process). */
const OUTPUT_READ_TIMEOUT_MS = 5000;

/** n8n's process ended before it was ready; its whole output is in `logFile`. */
export class N8nExitedEarly extends Error {
	constructor(
		message: string,
		readonly logFile: string,
	) {
		super(message);
	}
}

export interface RunningN8n {
	/** http://127.0.0.1:<port> */
	readonly baseUrl: string;
	readonly port: number;
	/** The main process, leader of n8n's process group. */
	readonly pid: number;
	readonly userFolder: string;
	readonly owner: N8nOwner;
	/** Everything n8n printed. */
	readonly logFile: string;
	/** Milliseconds from spawn to ready. */
	readonly startupMs: number;
	/** The last lines n8n printed. */
	outputTail(lines?: number): string;
	/** Attempts of n8n's main process to reach a host other than loopback. */
	outboundAttempts(): OutboundAttempt[];
	/** Pids of n8n's processes still running (main process and task runner). */
	processes(): number[];
	/** SIGTERM to the group, SIGKILL after `timeoutMs` (default 25 s); resolves when all are gone. */
	stop(options?: { timeoutMs?: number }): Promise<void>;
}

/**
 * Starts n8n, and once more in the same folder if its process ends before it is ready. n8n 2.41.1
 * has exited with code 1 during its database migrations on this project's CI, once in many
 * starts, printing nothing but "Migrations in progress": one such exit should not fail a test of
 * the package. The failed start's log is kept beside the new one (`n8n-failed-start.log`) and the
 * retry is said; an n8n that exits twice, or does not answer in time, still fails.
 */
export async function startN8n(options: StartN8nOptions): Promise<RunningN8n> {
	return await retryAnEarlyExit(
		() => startN8nOnce(options),
		async (exit) => {
			const kept = join(options.userFolder, 'n8n-failed-start.log');
			await rename(exit.logFile, kept);
			(options.log ?? logToStderr)(`[n8n] ${exit.message.split('\n')[0]}; starting it once more (that start's log: ${kept})`);
		},
	);
}

/** Runs `attempt`; after an N8nExitedEarly, runs `beforeRetry` and `attempt` once more. */
export async function retryAnEarlyExit<T>(attempt: () => Promise<T>, beforeRetry: (exit: N8nExitedEarly) => Promise<void>): Promise<T> {
	try {
		return await attempt();
	} catch (error) {
		if (!(error instanceof N8nExitedEarly)) throw error;
		await beforeRetry(error);
		return await attempt();
	}
}

async function startN8nOnce(options: StartN8nOptions): Promise<RunningN8n> {
	const { installation, userFolder } = options;
	const owner = options.owner ?? DEFAULT_OWNER;
	const worker = options.role === 'worker';
	if (options.port !== undefined) await assertPortFree(options.port);
	const port = options.port ?? (await findFreePort());
	const brokerPort = await findFreePort();
	await mkdir(userFolder, { recursive: true });

	const preload = writeChildPreload(userFolder);
	const outboundLog = join(userFolder, 'n8n-outbound.jsonl');
	const env = n8nEnvironment({
		runtime: installation.runtime,
		userFolder,
		port,
		brokerPort,
		owner: { email: owner.email, passwordHash: hashPassword(installation, owner.password) },
		logLevel: options.logLevel ?? 'warn',
		extra: {
			...(worker
				? { QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: String(port), N8N_WORKER_SERVER_ADDRESS: '127.0.0.1' }
				: {}),
			NODE_OPTIONS: [`--require ${preload}`, options.nodeOptions ?? ''].join(' ').trim(),
			[PARENT_PID_ENV]: String(process.pid),
			[OUTBOUND_LOG_ENV]: outboundLog,
			...options.env,
		},
	});

	const output = new OutputLog(join(userFolder, 'n8n.log'), 300, options.onOutput);
	const startedAt = Date.now();
	const command = worker ? ['worker', `--concurrency=${options.concurrency ?? 5}`] : ['start'];
	const child = spawn(installation.nodePath, [...(options.nodeArgs ?? []), installation.n8nBin, ...command], {
		cwd: userFolder,
		env,
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const pid = child.pid;
	if (pid === undefined) {
		await output.close();
		throw await new Promise<Error>((resolve) => child.once('error', (error) => resolve(new Error(`n8n did not start: ${error.message}`))));
	}
	const releaseGuard = guardProcessGroup(pid);
	output.capture(child.stdout, 'stdout');
	output.capture(child.stderr, 'stderr');

	let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
	const exited = new Promise<void>((resolve) =>
		child.once('exit', (code, signal) => {
			exit = { code, signal };
			resolve();
		}),
	);
	// 'close' comes once n8n's output is read to its end; at 'exit' its pipes may still be open
	// (Node's docs), and what it printed just before exiting is often why it failed.
	const outputRead = new Promise<void>((resolve) => child.once('close', () => resolve()));

	let stopping: Promise<void> | undefined;
	const stop = (stopOptions: { timeoutMs?: number } = {}): Promise<void> => {
		stopping ??= (async () => {
			signalProcessGroup(pid, 'SIGTERM');
			const timeoutMs = stopOptions.timeoutMs ?? 25_000;
			if (!(await waitForProcessGroupExit(pid, timeoutMs))) {
				signalProcessGroup(pid, 'SIGKILL');
				if (!(await waitForProcessGroupExit(pid, 10_000))) {
					throw new Error(`n8n's processes ${processGroupMembers(pid).join(', ')} survived SIGKILL`);
				}
			}
			await exited;
			await atMost(outputRead, OUTPUT_READ_TIMEOUT_MS);
			releaseGuard();
			await output.close();
		})();
		return stopping;
	};

	const baseUrl = `http://127.0.0.1:${port}`;
	try {
		await waitUntilReady(baseUrl, worker ? WORKER_CHECKS : MAIN_CHECKS, options.readyTimeoutMs ?? 120_000, () => exit);
	} catch (error) {
		// Read before stop(), which ends the process itself.
		const exitedEarly = exit !== undefined;
		await stop({ timeoutMs: 5000 }).catch(() => undefined);
		const why = error instanceof Error ? error.message : String(error);
		const message = `n8n at ${baseUrl} did not become ready: ${why}\n--- n8n output (${output.path}) ---\n${output.tail(80)}`;
		throw exitedEarly ? new N8nExitedEarly(message, output.path) : new Error(message);
	}

	return {
		baseUrl,
		port,
		pid,
		userFolder,
		owner,
		logFile: output.path,
		startupMs: Date.now() - startedAt,
		outputTail: (lines) => output.tail(lines),
		outboundAttempts: () => (existsSync(outboundLog) ? parseOutboundLog(readFileSync(outboundLog, 'utf8')) : []),
		processes: () => processGroupMembers(pid),
		stop,
	};
}

/** Waits for `promise`, or `ms` at most. */
async function atMost(promise: Promise<void>, ms: number): Promise<void> {
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<void>((resolve) => {
		timer = setTimeout(resolve, ms);
	});
	await Promise.race([promise, timeout]);
	clearTimeout(timer);
}

/** bcrypt, with the bcryptjs n8n itself ships, so the hash is one n8n accepts. */
function hashPassword(installation: N8nInstallation, password: string): string {
	const requireFromN8n = createRequire(join(installation.nodeModules, 'n8n', 'package.json'));
	const bcrypt = requireFromN8n('bcryptjs') as { hashSync(password: string, rounds: number): string };
	return bcrypt.hashSync(password, 10);
}

/**
 * A main is ready when the server answers (/healthz), the database is migrated and the server
 * fully started (/healthz/readiness), and the editor's first request (/rest/settings) and page
 * load. A worker is ready when its health server says its database and Redis are reachable.
 */
const MAIN_CHECKS = ['/healthz', '/healthz/readiness', '/rest/settings', '/'];
const WORKER_CHECKS = ['/healthz', '/healthz/readiness'];

async function waitUntilReady(
	baseUrl: string,
	checks: string[],
	timeoutMs: number,
	exitStatus: () => { code: number | null; signal: NodeJS.Signals | null } | undefined,
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	let pending = checks[0];
	for (const path of checks) {
		pending = path;
		for (;;) {
			const status = exitStatus();
			if (status) throw new Error(`n8n exited (code ${status.code}, signal ${status.signal}) while waiting for ${path}`);
			if (await answersOk(baseUrl + path)) break;
			if (Date.now() > deadline) throw new Error(`${pending} did not answer 200 within ${timeoutMs} ms`);
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
	}
}

async function answersOk(url: string): Promise<boolean> {
	try {
		const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
		await response.arrayBuffer();
		return response.status === 200;
	} catch {
		return false;
	}
}
