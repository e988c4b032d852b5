/**
 * n8n in queue mode, everything private to one run: its own Redis and Postgres (redis.ts,
 * postgres.ts), a main (`n8n start`: editor, API, every trigger) and workers (`n8n worker`: the
 * executions), each with its own user folder holding this package (every worker needs it), its
 * own task-broker and health ports, one shared encryption key, a Bull prefix of the run's own, and
 * manual executions offloaded to the workers too. `stop()` leaves nothing running or on disk.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { installCommunityPackage } from './communityPackage';
import { N8nApi } from './n8nApi';
import { ensureN8n } from './n8nInstall';
import { startN8n, type RunningN8n } from './n8nProcess';
import { startPostgres, type RunningPostgres } from './postgres';
import { signalProcessGroup } from './processGroup';
import { formatDuration, logToStderr, type LogLine } from './progress';
import { startRedis, type RunningRedis } from './redis';

export interface StartQueueModeOptions {
	/** Default 2. */
	workers?: number;
	/** Each worker's `--concurrency`. Default 5. */
	concurrency?: number;
	/** Build the package before packing it (default true). */
	build?: boolean;
	/** Extra environment for the main and every worker (the bench sets the expression engine). */
	env?: Record<string, string>;
	log?: LogLine;
}

export interface N8nQueueMode {
	/** Signed in to the main as the owner, with an API key (a new one after restartMain). */
	readonly api: N8nApi;
	readonly main: RunningN8n;
	/** By index; a stopped or killed worker stays until startWorker(index) replaces it. */
	readonly workers: RunningN8n[];
	readonly redis: RunningRedis;
	readonly postgres: RunningPostgres;
	/** Stops the main (SIGTERM, as a deploy would) and starts it again on the same port and database. */
	restartMain(): Promise<void>;
	/** SIGKILL to a worker's process group: a crash, nothing finishes. */
	killWorker(index: number): Promise<void>;
	startWorker(index: number): Promise<RunningN8n>;
	/** Every line the workers printed since they started (execution ids: "Worker started execution 12"). */
	workerOutput(): string;
	stop(): Promise<void>;
}

export async function startQueueMode(options: StartQueueModeOptions = {}): Promise<N8nQueueMode> {
	const log = options.log ?? logToStderr;
	const installation = await ensureN8n({ log });
	const root = await mkdtemp(join(tmpdir(), 'trading-venues-queue-'));
	// Its own temporary folder: the postgres user must reach it, and the run's root is private to this user.
	const postgresDir = await mkdtemp(join(tmpdir(), 'trading-venues-postgres-'));
	let redis: RunningRedis | undefined;
	let postgres: RunningPostgres | undefined;
	let main: RunningN8n | undefined;
	const workers: RunningN8n[] = [];
	const stopAll = async () => {
		for (const worker of workers) await worker.stop().catch(() => undefined);
		await main?.stop().catch(() => undefined);
		await postgres?.stop().catch(() => undefined);
		await redis?.stop().catch(() => undefined);
		await rm(root, { recursive: true, force: true });
		await rm(postgresDir, { recursive: true, force: true });
	};
	try {
		redis = await startRedis(await subfolder(root, 'redis'));
		postgres = await startPostgres(postgresDir);
		log(`[queue] redis on ${redis.port}, postgres on ${postgres.port}`);

		const shared = { ...queueEnvironment(redis, postgres), ...options.env };
		const folders = { main: await subfolder(root, 'main'), workers: [] as string[] };
		await installCommunityPackage({ userFolder: folders.main, build: options.build, runtime: installation.runtime, log });
		for (let index = 0; index < (options.workers ?? 2); index++) {
			folders.workers.push(await subfolder(root, `worker-${index}`));
			await installCommunityPackage({ userFolder: folders.workers[index], build: false, runtime: installation.runtime, log });
		}

		// The main first: its first start migrates the database, which the workers need.
		const startMain = (port?: number) =>
			startN8n({ installation, userFolder: folders.main, port, env: shared, readyTimeoutMs: 5 * 60_000 });
		main = await startMain();
		log(`[queue] main ready at ${main.baseUrl} in ${formatDuration(main.startupMs)}`);
		const startWorker = (index: number) =>
			startN8n({
				installation,
				userFolder: folders.workers[index],
				role: 'worker',
				concurrency: options.concurrency,
				env: shared,
				logLevel: 'info',
				readyTimeoutMs: 5 * 60_000,
			});
		workers.push(...(await Promise.all(folders.workers.map((_, index) => startWorker(index)))));
		log(`[queue] ${workers.length} workers ready`);
		let api = await N8nApi.connect(main.baseUrl, main.owner);

		const running = { redis, postgres };
		let currentMain = main;
		return {
			get api() {
				return api;
			},
			get main() {
				return currentMain;
			},
			workers,
			...running,
			restartMain: async () => {
				await currentMain.stop();
				currentMain = main = await startMain(currentMain.port);
				api = await N8nApi.connect(currentMain.baseUrl, currentMain.owner);
			},
			killWorker: async (index) => {
				signalProcessGroup(workers[index].pid, 'SIGKILL');
				await workers[index].stop();
			},
			startWorker: async (index) => {
				workers[index] = await startWorker(index);
				return workers[index];
			},
			// A restarted worker appends to the same log file, so this includes what a killed one printed.
			workerOutput: () => workers.map((worker) => readFileSync(worker.logFile, 'utf8')).join('\n'),
			stop: stopAll,
		};
	} catch (error) {
		await stopAll();
		throw error;
	}
}

/** What main and workers share: the database, the queue, the encryption key. */
function queueEnvironment(redis: RunningRedis, postgres: RunningPostgres): Record<string, string> {
	return {
		EXECUTIONS_MODE: 'queue',
		OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
		N8N_ENCRYPTION_KEY: randomBytes(24).toString('hex'),
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		QUEUE_BULL_PREFIX: `trading-venues-${randomBytes(4).toString('hex')}`,
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: '127.0.0.1',
		DB_POSTGRESDB_PORT: String(postgres.port),
		DB_POSTGRESDB_DATABASE: postgres.database,
		DB_POSTGRESDB_USER: postgres.user,
		DB_POSTGRESDB_PASSWORD: '',
	};
}

async function subfolder(root: string, name: string): Promise<string> {
	const dir = join(root, name);
	await mkdir(dir, { recursive: true });
	return dir;
}
