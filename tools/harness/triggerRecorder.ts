/** What an activated trigger did: its emissions, emitted errors and failed executions, to wait on. */
import type { IDataObject, INodeExecutionData, ITriggerResponse } from 'n8n-workflow';

export interface Emission {
	items: INodeExecutionData[];
	deduplicationKey?: string;
}

type Waiter = { check: () => boolean; resolve: () => void };

export class TriggerRecorder {
	readonly emissions: Emission[] = [];
	readonly emitErrors: Error[] = [];
	readonly failedExecutions: Error[] = [];
	private waiters: Waiter[] = [];
	private readonly listeners = new Set<() => void>();

	/** `keep: false` records nothing (a long-running demo); `onEmit` sees every emission. */
	constructor(private readonly options: { onEmit?: (items: INodeExecutionData[]) => void; keep?: boolean } = {}) {}

	onEmit(data: INodeExecutionData[][], deduplicationKey?: string) {
		const items = data[0] ?? [];
		if (this.options.keep !== false) this.emissions.push({ items, deduplicationKey });
		this.options.onEmit?.(items);
		this.notify();
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
