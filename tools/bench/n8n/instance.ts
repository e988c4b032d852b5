/**
 * One real n8n for the bench, with this package installed as a community node and a Totalis
 * credential pointing at the simulator. n8n is prepared once (installed, package packed into a
 * template user folder); each instance copies that folder, so starting another expression
 * engine or restarting after a run that took n8n down costs only n8n's own start.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { VenueSimulator } from 'trading-venues-simulator';

import { ensureN8n, installCommunityPackage, N8nApi, startN8n, type N8nInstallation, type RunningN8n } from '../../e2e';
import type { LogLine } from '../../e2e/progress';
import { ActiveWorkflows } from './activeWorkflows';
import { CONFIRM_TRACE_ENV, ConfirmTraces } from './confirmTraces';

/**
 * Node options for the bench's n8n (BENCH_N8N_NODE_OPTIONS, e.g. `--v8-pool-size=1`), to
 * measure a Node setting of n8n's processes against a run without it; none by default.
 */
export const N8N_NODE_OPTIONS = (process.env.BENCH_N8N_NODE_OPTIONS ?? '').trim();

/**
 * Node arguments for n8n's main process (BENCH_N8N_NODE_ARGS, space-separated), given before
 * n8n's script: for flags Node refuses in NODE_OPTIONS, such as `--single-threaded-gc`.
 */
export const N8N_NODE_ARGS = (process.env.BENCH_N8N_NODE_ARGS ?? '').split(/\s+/).filter((arg) => arg !== '');

/** n8n 2.41's expression engines (N8N_EXPRESSION_ENGINE): `vm` is the default. */
export type ExpressionEngine = 'vm' | 'legacy';

export interface PreparedN8n {
	installation: N8nInstallation;
	/** A user folder holding only the installed package; instances copy it. */
	templateFolder: string;
	dispose(): Promise<void>;
}

/** Installs n8n if needed, builds and installs the package once. */
export async function prepareN8n(log: LogLine): Promise<PreparedN8n> {
	const installation = await ensureN8n({ log });
	const templateFolder = await mkdtemp(join(tmpdir(), 'trading-venues-bench-n8n-'));
	await installCommunityPackage({ userFolder: templateFolder, runtime: installation.runtime, log });
	return { installation, templateFolder, dispose: () => rm(templateFolder, { recursive: true, force: true }) };
}

/** What a bench run needs of an n8n: a regular one (BenchN8n) or a queue-mode one (queueInstance.ts). */
export type N8nUnderBench = Pick<BenchN8n, 'api' | 'pid' | 'credential' | 'activate' | 'deactivate' | 'answers' | 'restart'> & {
	/** The fast path's stamps of each confirm, where this n8n writes them. */
	confirmTraces?: ConfirmTraces;
};

export class BenchN8n extends ActiveWorkflows {
	private running!: RunningN8n;
	private apiClient!: N8nApi;
	private credentialId: string | undefined;
	/** The fast path's stamps, read from n8n's output (NODE_DEBUG, see confirmTraces.ts). */
	readonly confirmTraces = new ConfirmTraces();

	private constructor(
		private readonly prepared: PreparedN8n,
		readonly engine: ExpressionEngine,
		private readonly userFolder: string,
		private readonly sim: VenueSimulator,
	) {
		super();
	}

	static async start(prepared: PreparedN8n, engine: ExpressionEngine, sim: VenueSimulator): Promise<BenchN8n> {
		const userFolder = await mkdtemp(join(tmpdir(), `trading-venues-bench-n8n-${engine}-`));
		await cp(prepared.templateFolder, userFolder, { recursive: true });
		const instance = new BenchN8n(prepared, engine, userFolder, sim);
		await instance.boot();
		return instance;
	}

	get api(): N8nApi {
		return this.apiClient;
	}

	/** n8n's main process (the task runner is a child of it). */
	get pid(): number {
		return this.running.pid;
	}

	get credential(): { id: string; name: string } {
		if (!this.credentialId) throw new Error('the Totalis credential was not created');
		return { id: this.credentialId, name: 'Totalis (bench simulator)' };
	}

	/**
	 * Stops n8n (SIGKILL if it does not stop in time) and starts a fresh one from the template: on
	 * the flooded database n8n's start first recovered thousands of crashed executions, and once
	 * took longer than the 120 s readiness limit on a loaded machine. Nothing of the old database
	 * is needed: every run creates its own workflow, and the credential is created again.
	 */
	async restart(): Promise<void> {
		await this.running.stop({ timeoutMs: 10_000 });
		this.forgetActive();
		await rm(this.userFolder, { recursive: true, force: true });
		await cp(this.prepared.templateFolder, this.userFolder, { recursive: true });
		this.credentialId = undefined;
		await this.boot();
	}

	async stop(): Promise<void> {
		await this.running?.stop({ timeoutMs: 10_000 });
		await rm(this.userFolder, { recursive: true, force: true });
	}

	private async boot(): Promise<void> {
		this.running = await startN8n({
			installation: this.prepared.installation,
			userFolder: this.userFolder,
			env: { N8N_EXPRESSION_ENGINE: this.engine, ...CONFIRM_TRACE_ENV },
			onOutput: this.confirmTraces.readLine,
			nodeOptions: N8N_NODE_OPTIONS,
			nodeArgs: N8N_NODE_ARGS,
		});
		this.apiClient = await N8nApi.connect(this.running.baseUrl, this.running.owner);
		if (this.credentialId) return;
		const { totalis } = this.sim;
		const created = await this.api.createCredential({
			name: 'Totalis (bench simulator)',
			type: 'totalisApi',
			data: { apiKey: totalis.apiKey, baseUrl: totalis.restUrl, wsUrl: totalis.wsUrl },
		});
		this.credentialId = created.id;
	}
}
