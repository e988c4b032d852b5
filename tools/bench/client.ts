/** What the bench asks of each client it measures, the raw baseline and the engine path alike. */

export interface RunCounts {
	/** What reached the end of the client: parsed frames (raw), emitted items (engine). */
	items: number;
	/** `emit` calls, each one n8n execution (0 for the raw client). */
	executions: number;
	/** Frames the client refused (a failed execution in n8n); must stay 0. */
	badFrames: number;
}

export interface BenchClient {
	/**
	 * Starts counting; resolves once the frame naming `marker` came through, after
	 * `expectedFrames` frames in all. Rejects if the stream failed.
	 */
	arm(marker: string, expectedFrames: number): Promise<RunCounts>;
	/** Closes the connection and everything it holds. */
	close(): Promise<void>;
}

export type ClientKind = 'raw' | 'engine-each' | 'engine-batch' | 'engine-batch-keep-latest';

/** Settles a pending arm() once. */
export interface Pending {
	resolve(counts: RunCounts): void;
	reject(error: Error): void;
}
