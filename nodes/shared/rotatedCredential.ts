/**
 * A single-use refresh token shared by several processes: in n8n's queue mode the main's trigger
 * and every worker's action node renew the same credential, and the venue accepts each refresh
 * token once. The one refused lost the race; the credential n8n stores now holds the winner's
 * tokens. So: read the credential again and, when its refresh token changed since the attempt,
 * try once more with it. The same refresh token refused twice is a real refusal.
 */
export interface RotationRetry<T> {
	/** The refresh token the first attempt used (undefined: the credential has none). */
	refreshTokenUsed: string | undefined;
	attempt: () => Promise<T>;
	/** Whether an attempt's failure may come from another process's rotation (a refused refresh). */
	mayBeRotation: (error: unknown) => boolean;
	/** Reads the stored credential again and returns its refresh token now. */
	rereadRefreshToken: () => Promise<string | undefined>;
}

export async function retryIfRotated<T>(retry: RotationRetry<T>): Promise<T> {
	const first = await retry.attempt().then(
		(value) => ({ value }),
		(error: unknown) => ({ error }),
	);
	if ('value' in first) return first.value;
	if (!retry.refreshTokenUsed || !retry.mayBeRotation(first.error)) return await Promise.reject(first.error);
	const now = await retry.rereadRefreshToken().catch(() => retry.refreshTokenUsed);
	if (now === retry.refreshTokenUsed) return await Promise.reject(first.error);
	return await retry.attempt();
}
