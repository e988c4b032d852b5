/**
 * What the bench's processes say to each other over the `fork` IPC channel: the parent, the
 * load generator (the venue) and the long-run client (a fresh process per memory run).
 */

/** The key the load generator accepts and the user id it answers with. */
export const BENCH_API_KEY = 'api_live_bench_0123456789abcdef';
export const BENCH_USER_ID = 'did:privy:bench';

/** What the load generator built, once it listens. */
export interface GeneratorReady {
	type: 'ready';
	port: number;
	/** Frames in one body (one repetition), the marker not included. */
	framesPerBody: number;
	/** Items one body becomes after the acceptance merge (each accepted pair is one item). */
	itemsPerBody: number;
	/** WebSocket bytes of one body, frame headers included. */
	bytesPerBody: number;
	/** How many frames of each event type one body holds. */
	mix: Record<string, number>;
	/** How long building the body took. */
	buildMs: number;
}

/** Write `repeat` bodies to the latest ready connection, then a marker frame naming `marker`. */
export interface BlastCommand {
	type: 'blast';
	id: number;
	repeat: number;
	marker: string;
}

export interface BlastDone {
	type: 'blasted';
	id: number;
	ok: boolean;
	/** Why nothing or not everything was written. */
	reason?: string;
	bytes: number;
	ms: number;
}

export type ToGenerator = BlastCommand | { type: 'exit' };
export type FromGenerator = GeneratorReady | BlastDone;

/** Which client a long run measures. */
export type LongRunClient = 'raw' | 'engine-each' | 'engine-batch' | 'engine-batch-keep-latest';

export interface LongRunPlan {
	type: 'plan';
	client: LongRunClient;
	url: string;
	/** Bodies written before the steady-state heap reading, and after it. */
	warmRepeat: number;
	measuredRepeat: number;
	framesPerBody: number;
	sampleEveryMs: number;
}

export interface MemoryFigures {
	client: LongRunClient;
	frames: number;
	/** Frames in the measured phase (after the warm-up phase). */
	measuredFrames: number;
	items: number;
	executions: number;
	wallMs: number;
	/**
	 * The measured phase alone: its wall time and this process's CPU time (the collector's
	 * threads included), on one connection that took the warm-up phase first.
	 */
	measuredWallMs: number;
	measuredCpuMs: number;
	/** The kernel's peak resident set of the process (getrusage). */
	peakRssBytes: number;
	/** The highest sampled heapUsed. */
	peakHeapBytes: number;
	/** The largest the young generation (V8's new space) grew: high when much survives a scavenge. */
	peakYoungGenerationBytes: number;
	samples: number;
	/** heapUsed after a full GC once things settled: connected, after the warm-up phase, at the end, after close. */
	heapAfterGc: { connected: number; warmed: number; end: number; closed: number };
}

/** Long-run process → parent. */
export type FromLongRun =
	| { type: 'blast'; repeat: number; marker: string }
	| { type: 'result'; figures: MemoryFigures }
	| { type: 'failed'; reason: string };

/** Parent → long-run process. */
export type ToLongRun = LongRunPlan | { type: 'blasted'; ok: boolean; reason?: string };
