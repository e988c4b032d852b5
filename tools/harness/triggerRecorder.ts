/** What an activated trigger did: its emissions, emitted errors and failed executions, to wait on. */
import type { IDataObject, INodeExecutionData, ITriggerResponse } from 'n8n-workflow';

export interface Emission {
	items: INodeExecutionData[];
	deduplicationKey?: string;
}

/** The done promise n8n's emit takes: settled when the execution has finished. */
export interface ExecutionDone {
	resolve: (value: never) => void;
}

export interface RecorderOptions {
	/** Sees every emission. */
	onEmit?: (items: INodeExecutionData[]) => void;
	/** false records nothing (a long-running demo). */
	keep?: boolean;
	/**
	 * Executions finish only when the test says so (`finishExecutions`), as slow workflows would;
	 * by default each finishes as soon as it is emitted.
	 */
	holdExecutions?: boolean;
}

type Waiter = { check: () => boolean; resolve: () => void };

export class TriggerRecorder {
	readonly emissions: Emission[] = [];
	readonly emitErrors: Error[] = [];
	readonly failedExecutions: Error[] = [];
	/** Executions emitted and not finished yet (with `holdExecutions`), oldest first. */
	readonly runningExecutions: ExecutionDone[] = [];
	private waiters: Waiter[] = [];
	private readonly listeners = new Set<() => void>();

	constructor(private readonly options: RecorderOptions = {}) {}

	onEmit(data: INodeExecutionData[][], deduplicationKey?: string, done?: ExecutionDone) {
		const items = data[0] ?? [];
		if (this.options.keep !== false) this.emissions.push({ items, deduplicationKey });
		if (done) {
			if (this.options.holdExecutions) this.runningExecutions.push(done);
			else done.resolve(undefined as never);
		}
		this.options.onEmit?.(items);
		this.notify();
	}

	/** Finishes the `count` oldest running executions (all by default), as n8n does when they end. */
	finishExecutions(count = this.runningExecutions.length) {
		for (const done of this.runningExecutions.splice(0, count)) done.resolve(undefined as never);
	}

	onEmitError(error: Error) {
		this.emitErrors.push(error);
		this.notify();
	}

	onFailedExecution(error: Error) {
		this.failedExecutions.push(error);
		this.notify();
	}

	get items(): INodeExecutionData[] {
		return this.emissions.flatMap((emission) => emission.items);
	}

	/** Resolves once `check` holds, re-checked after every recorded call; rejects after `timeoutMs`. */
	until(check: () => boolean, description: string, timeoutMs = 10_000): Promise<void> {
		if (check()) return Promise.resolve();
		return new Promise((resolve, reject) => {
			const timer = setTimeout(() => {
				this.waiters = this.waiters.filter((waiter) => waiter !== entry);
				reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${description}`));
			}, timeoutMs);
			const entry: Waiter = {
				check,
				resolve: () => {
					clearTimeout(timer);
					resolve();
				},
			};
			this.waiters.push(entry);
		});
	}

	/** Calls `listener` after every recorded call (emit, emitError, failed execution); returns how to stop. */
	onRecord(listener: () => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	private notify() {
		for (const listener of [...this.listeners]) listener();
		for (const waiter of [...this.waiters]) {
			if (waiter.check()) {
				this.waiters = this.waiters.filter((entry) => entry !== waiter);
				waiter.resolve();
			}
		}
	}
}

export class ActiveTrigger {
	private closed = false;

	constructor(
		readonly recorder: TriggerRecorder,
		readonly response: ITriggerResponse,
	) {}

	get items() {
		return this.recorder.items;
	}

	/** Waits until at least `count` items were emitted in total. */
	async waitForItems(count: number, timeoutMs?: number) {
		await this.recorder.until(() => this.recorder.items.length >= count, `${count} item(s)`, timeoutMs);
		return this.recorder.items;
	}

	/** Waits for an item matching `predicate` and returns it. */
	async waitForItem(predicate: (json: IDataObject) => boolean, description: string, timeoutMs?: number) {
		await this.recorder.until(() => this.recorder.items.some((item) => predicate(item.json)), description, timeoutMs);
		return this.recorder.items.find((item) => predicate(item.json))!.json;
	}

	async close() {
		if (this.closed) return;
		this.closed = true;
		await this.response.closeFunction?.();
	}
}
