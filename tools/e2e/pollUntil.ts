/** Repeats a check until it yields a value, within a deadline that ends with a clear error. */

export interface PollOptions {
	timeoutMs: number;
	intervalMs?: number;
	/** What was awaited, for the timeout error (a function, to describe the last state seen). */
	description: string | (() => string);
}

export async function pollUntil<T>(
	check: () => Promise<T | undefined | null | false> | T | undefined | null | false,
	options: PollOptions,
): Promise<T> {
	const deadline = Date.now() + options.timeoutMs;
	let lastError: unknown;
	for (;;) {
		try {
			const value = await check();
			if (value !== undefined && value !== null && value !== false) return value;
			lastError = undefined;
		} catch (error) {
			lastError = error;
		}
		if (Date.now() >= deadline) {
			const description = typeof options.description === 'function' ? options.description() : options.description;
			const cause = lastError instanceof Error ? `; last error: ${lastError.message}` : '';
			throw new Error(`Timed out after ${options.timeoutMs} ms waiting for ${description}${cause}`);
		}
		await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 250));
	}
}
