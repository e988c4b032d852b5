/**
 * Reading the venue's error from a non-2xx answer. Venue error envelopes are read once for every
 * venue: `{error:{<code key>, message, field?, details?, retry_after?}}`. Venues differ only in
 * what names the code (`code` for Totalis and agg.market, `type` for Helio); anything else (a
 * proxy page, an empty body) falls back to the HTTP status.
 */
import { MAX_VENUE_DETAILS_CHARS, MAX_VENUE_MESSAGE_CHARS, truncateText } from './limits';
import type { Redactor } from '../redact';
import type { RawResponse, RequestJsonOptions, VenueError } from './types';

/**
 * The venue's error as its `parseError` reads it; a throwing parser falls back to the status.
 * Its texts are cut to limits.ts' lengths: a venue that echoes a huge input back would otherwise
 * put megabytes into the error's message, description and context, which n8n stores.
 */
export function readVenueError(options: RequestJsonOptions<unknown>, response: RawResponse): VenueError {
	let error: VenueError;
	try {
		error = options.parseError(response.status, response.body);
	} catch {
		error = fallbackVenueError(response.status, response.body);
	}
	return boundedVenueError(error, options.redactor);
}

/** Redacted before it is cut: a cut through a secret would leave a part no redactor recognises. */
function boundedVenueError(error: VenueError, redactor: Redactor): VenueError {
	const cut = (text: unknown) => truncateText(redactor.text(String(text)), MAX_VENUE_MESSAGE_CHARS);
	const bounded: VenueError = { ...error, code: cut(error.code), message: cut(error.message) };
	if (error.field !== undefined) bounded.field = cut(error.field);
	if (error.details !== undefined) {
		const details = redactor.value(error.details);
		let json: string | undefined;
		try {
			json = JSON.stringify(details);
		} catch {
			json = String(details);
		}
		// Kept as given when small; otherwise as the start of its JSON.
		bounded.details = json !== undefined && json.length > MAX_VENUE_DETAILS_CHARS ? truncateText(json, MAX_VENUE_DETAILS_CHARS) : details;
	}
	return bounded;
}

/**
 * A VenueError for answers that are not the venue's envelope (a proxy's HTML page, an empty
 * body): the status as the code, and the body's text (shortened) as the message.
 */
export function fallbackVenueError(status: number, body: unknown): VenueError {
	let text = '';
	if (typeof body === 'string') text = body;
	else if (body !== undefined && body !== null && body !== '') {
		try {
			text = JSON.stringify(body);
		} catch {
			text = String(body);
		}
	}
	text = text
		.replace(/<[^>]*>/g, ' ')
		.replace(/\s+/g, ' ')
		.trim();
	if (text.length > 200) text = `${text.slice(0, 200)}…`;
	return { code: `HTTP_${status}`, message: text || httpStatusText(status) };
}

/** A venue's `{error:{…}}` envelope; `codeKey` names the field that holds its code. */
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

function httpStatusText(status: number): string {
	const texts: Record<number, string> = {
		400: 'Bad Request',
		401: 'Unauthorized',
		403: 'Forbidden',
		404: 'Not Found',
		405: 'Method Not Allowed',
		409: 'Conflict',
		413: 'Payload Too Large',
		429: 'Too Many Requests',
		500: 'Internal Server Error',
		502: 'Bad Gateway',
		503: 'Service Unavailable',
		504: 'Gateway Timeout',
	};
	return texts[status] ?? `HTTP ${status}`;
}
