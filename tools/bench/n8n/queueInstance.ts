/**
 * n8n in queue mode for the bench: tools/e2e/queueMode.ts (its own Redis and Postgres, a main
 * holding the triggers, workers running the executions) with a Totalis credential pointing at the
 * simulator, offering what the latency and flood runs need of an n8n (N8nUnderBench). A worker
 * can be stopped and started again, so one setup measures one worker and then two.
 */
import type { VenueSimulator } from 'trading-venues-simulator';

import type { LogLine } from '../../e2e/progress';
import { startQueueMode, type N8nQueueMode } from '../../e2e/queueMode';
import { ActiveWorkflows } from './activeWorkflows';
import type { ExpressionEngine, N8nUnderBench } from './instance';

export interface QueueBenchOptions {
	workers: number;
	/** Each worker's `--concurrency`. */
	concurrency: number;
	engine: ExpressionEngine;
	sim: VenueSimulator;
	log: LogLine;
}

const CREDENTIAL_NAME = 'Totalis (bench simulator)';

export class QueueBenchN8n extends ActiveWorkflows implements N8nUnderBench {
	/** Workers stopped by stopWorker, by index. */
	private readonly stopped = new Set<number>();

	private constructor(
		private readonly queue: N8nQueueMode,
		private readonly credentialId: string,
	) {
		super();
	}

	static async start(options: QueueBenchOptions): Promise<QueueBenchN8n> {
		const queue = await startQueueMode({
			workers: options.workers,
			concurrency: options.concurrency,
			// prepareN8n built the package already; the queue setup packs that build for each process.
			build: false,
			env: { N8N_EXPRESSION_ENGINE: options.engine },
			log: options.log,
		});
		try {
			const { totalis } = options.sim;
			const credential = await queue.api.createCredential({
				name: CREDENTIAL_NAME,
				type: 'totalisApi',
				data: { apiKey: totalis.apiKey, baseUrl: totalis.restUrl, wsUrl: totalis.wsUrl },
			});
			return new QueueBenchN8n(queue, credential.id);
		} catch (error) {
			await queue.stop();
			throw error;
		}
	}

	get api() {
		return this.queue.api;
	}

	/** The main process: it holds the triggers, and the flood's memory limit watches it. */
	get pid(): number {
		return this.queue.main.pid;
	}

	get credential(): { id: string; name: string } {
		return { id: this.credentialId, name: CREDENTIAL_NAME };
	}

	/** Workers running now. */
	get runningWorkers(): number {
		return this.queue.workers.length - this.stopped.size;
	}

	/** Main and running workers (their task runners are idle: the bench's workflows have no Code node). */
	processIds(): number[] {
		return [this.queue.main.pid, ...this.queue.workers.filter((_, index) => !this.stopped.has(index)).map((worker) => worker.pid)];
	}

	/** Restarts the main (the workers, Redis and Postgres stay). */
	async restart(): Promise<void> {
		await this.queue.restartMain();
		await this.deactivateReactivated();
	}

	/** SIGTERM: the worker finishes what it runs (nothing, between runs) and leaves the queue. */
	async stopWorker(index: number): Promise<void> {
		await this.queue.workers[index].stop();
		this.stopped.add(index);
	}

	async startWorker(index: number): Promise<void> {
		await this.queue.startWorker(index);
		this.stopped.delete(index);
	}

	/** Everything: workers, main, Redis, Postgres and their folders. */
	stop(): Promise<void> {
		return this.queue.stop();
	}
}
