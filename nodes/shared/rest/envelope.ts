/**
 * Venue error envelopes, read once for every venue: `{error:{<code key>, message, field?,
 * details?, retry_after?}}`. Venues differ only in what names the code (`code` for Totalis and
 * agg.market, `type` for Helio); anything else (a proxy page, an empty body) falls back to the
 * HTTP status.
 */
import { fallbackVenueError, type VenueError } from './restClient';

export function venueErrorFromEnvelope(status: number, body: unknown, codeKey: 'code' | 'type'): VenueError {
	const envelope = body && typeof body === 'object' ? (body as { error?: unknown }).error : undefined;
	if (!envelope || typeof envelope !== 'object') return fallbackVenueError(status, body);
	const fields = envelope as Record<string, unknown>;
	const code = fields[codeKey];
	if (typeof code !== 'string' || !code) return fallbackVenueError(status, body);
	const { message, field, details, retry_after: retryAfter } = fields;
	const parsed: VenueError = { code, message: typeof message === 'string' && message ? message : code };
	if (typeof field === 'string' && field) parsed.field = field;
	if (details !== undefined) parsed.details = details;
	const seconds = typeof retryAfter === 'string' ? Number(retryAfter) : retryAfter;
	if (typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0) parsed.retryAfterSeconds = seconds;
	return parsed;
}

/**
 * The first error named `name` in an error's cause chain (n8n wraps what a credential's
 * preAuthentication threw). Matched by name and shape, not instanceof: the credential and the
 * node may load the module that defines it apart.
 */
export function findCause<T extends Error & { kind: string }>(error: unknown, name: string): T | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
		const candidate = current as Partial<T>;
		if (candidate.name === name && typeof candidate.kind === 'string' && typeof candidate.message === 'string') return candidate as T;
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}
