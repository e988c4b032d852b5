import type { StreamEngine } from './StreamEngine';

/**
 * Several engines that start and stop as one stream (a venue's subscriptions spread over
 * connections). Starting resolves once every engine is up; if one cannot start, the others are
 * stopped too and its failure is the group's.
 */
export class EngineGroup {
	constructor(private readonly engines: readonly StreamEngine[]) {}

	async start(): Promise<void> {
		const results = await Promise.allSettled(this.engines.map((engine) => engine.start()));
		const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
		if (!failed) return;
		await this.stop('after a failed start');
		throw failed.reason;
	}

	async stop(reason = 'stopped'): Promise<void> {
		await Promise.all(this.engines.map((engine) => engine.stop(reason)));
	}
}

/** Splits subscriptions into connection-sized shards, in order. */
export function shardsOf<T>(values: readonly T[], size: number): T[][] {
	const shards: T[][] = [];
	for (let index = 0; index < values.length; index += size) shards.push(values.slice(index, index + size));
	return shards;
}
