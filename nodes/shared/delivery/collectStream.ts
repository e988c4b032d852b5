/**
 * A venue stream run by an action node instead of a trigger: start it, collect its items in
 * arrival order until a time limit, a number of the items that matter, or a cancel, then close
 * it and return them. Whichever way it ends (a bound, a permanent failure, a refusal, a cancel),
 * the stream is stopped and every timer and listener released before the call settles.
 */
import type { EngineLogger } from '../engine/StreamEngine';
import type { StreamItem } from '../items';
import { chainStages, type Stage } from './stages';
import type { EngineHooks, StreamRunner } from './triggerHost';

/** What ended a collection that did not fail. */
export type CollectEnd = 'duration' | 'maxCounted' | 'maxItems' | 'cancelled';

export interface CollectOptions {
	/** Builds the stream; the hooks hand its items to the collector. */
	createRunner(hooks: EngineHooks): StreamRunner;
	logger: EngineLogger;
	/** Filters between the engine and the collected items (a partner filter); disposed at the end. */
	stages?: Stage[];
	/** How long to collect, from when the stream is up: connecting and subscribing have their own timeouts. */
	durationMs: number;
	/** End once this many items for which `counts` holds arrived (0: no such bound); later ones are left out. */
	maxCounted: number;
	/** Which items are the ones `maxCounted` counts (updates, not snapshots). */
	counts(item: StreamItem): boolean;
	/** A ceiling on all items, counted or not, so a busy stream cannot exhaust memory. */
	maxItems: number;
	/**
	 * Ending at `maxCounted` first waits for this (asked once the stream is up), so what the stream
	 * owes at its start (full books on their way) is not cut off. The duration still ends it.
	 */
	settled?(): Promise<void>;
	/** An item that ends the collection with this error instead (the venue refused part of the request). */
	refuse?(item: StreamItem): Error | undefined;
	/** The execution's cancel signal: ends the collection with what arrived. */
	signal?: AbortSignal;
}

export interface Collected {
	items: StreamItem[];
	endedBy: CollectEnd;
}

type Outcome = { endedBy: CollectEnd } | { error: unknown };

/**
 * Collects a stream's items within the bounds. Rejects with the runner's start failure, its
 * permanent failure (`onFatal`) or a refusal, after the stream has been stopped.
 */
export async function collectStream(options: CollectOptions): Promise<Collected> {
	const { logger, stages = [], signal } = options;
	const items: StreamItem[] = [];
	let counted = 0;
	let outcome: Outcome | undefined;
	let wake!: () => void;
	const ended = new Promise<void>((resolve) => (wake = resolve));
	const end = (result: Outcome) => {
		if (outcome) return;
		outcome = result;
		wake();
	};
	let markUp!: () => void;
	// Never rejects: a failed start ends the collection through `end` instead.
	const up = new Promise<void>((resolve) => (markUp = resolve));

	const collect = (item: StreamItem) => {
		if (outcome) return;
		const refusal = options.refuse?.(item);
		if (refusal) return end({ error: refusal });
		const counts = options.counts(item);
		// The bound was reached and waits for what the start owes: further counted items are left out.
		if (counts && options.maxCounted > 0 && counted >= options.maxCounted) return;
		items.push(item);
		if (items.length >= options.maxItems) return end({ endedBy: 'maxItems' });
		if (!counts || ++counted !== options.maxCounted) return;
		void up.then(() => options.settled?.()).then(() => end({ endedBy: 'maxCounted' }));
	};

	const hooks: EngineHooks = {
		logger,
		onEvent: chainStages(stages, (delivered) => collect(delivered.item)),
		// The engine logs a bad frame, and the next item's gap counts it.
		onBadFrame: () => {},
		onFatal: (failure) => end({ error: failure }),
	};
	const runner = options.createRunner(hooks);
	const onAbort = () => end({ endedBy: 'cancelled' });
	signal?.addEventListener('abort', onAbort, { once: true });
	if (signal?.aborted) onAbort();

	let timer: NodeJS.Timeout | undefined;
	const starting = outcome
		? Promise.resolve()
		: runner.start().then(
				() => {
					if (outcome) return;
					timer = setTimeout(() => end({ endedBy: 'duration' }), options.durationMs);
					markUp();
				},
				(error: unknown) => end({ error }),
			);
	try {
		await ended;
	} finally {
		signal?.removeEventListener('abort', onAbort);
		clearTimeout(timer);
		await runner.stop('the watch ended');
		// A start still under way fails once the stream is stopped; wait for it to let go.
		await starting;
		for (const stage of stages) stage.dispose?.();
	}
	const result = outcome as Outcome;
	if ('error' in result) throw result.error;
	return { items, endedBy: result.endedBy };
}
