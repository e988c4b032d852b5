/** Progress lines for slow steps (the first n8n install takes minutes), with the time spent so far. */

export type LogLine = (line: string) => void;

export const logToStderr: LogLine = (line) => process.stderr.write(`${line}\n`);

export function formatDuration(ms: number): string {
	const seconds = ms / 1000;
	if (seconds < 60) return `${seconds.toFixed(1)} s`;
	const minutes = Math.floor(seconds / 60);
	return `${minutes} min ${Math.round(seconds - minutes * 60)} s`;
}

export interface Progress {
	/** Prints `[label +elapsed] message`. */
	say(message: string): void;
	/** Time since the progress started, in ms. */
	elapsedMs(): number;
	/** Repeats `message` every `everyMs` until the returned function is called (for silent child processes). */
	keepAlive(message: string, everyMs?: number): () => void;
}

export function startProgress(label: string, log: LogLine = logToStderr): Progress {
	const startedAt = Date.now();
	const elapsedMs = (): number => Date.now() - startedAt;
	const say = (message: string): void => log(`[${label} +${formatDuration(elapsedMs())}] ${message}`);
	return {
		say,
		elapsedMs,
		keepAlive(message, everyMs = 30_000) {
			const timer = setInterval(() => say(message), everyMs);
			timer.unref();
			return () => clearInterval(timer);
		},
	};
}
