/**
 * Every bound on a REST call, in one place. n8n's own `timeout` only fires on an idle socket, so
 * a venue that dribbles its answer, sends an endless body or echoes a huge message back would
 * otherwise hold an execution (or a trigger's start) for as long as it likes and fill n8n's
 * execution store. The values are generous next to real venue replies (a few KB, under a second).
 */

/** One attempt from connect to the last body byte (a call's `timeoutMs` overrides it). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** The largest answer body read; a bigger one fails naming this limit, without being read whole. */
export const MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

/** A venue's error message longer than this is cut (with TRUNCATION_MARK) before it goes into an error. */
export const MAX_VENUE_MESSAGE_CHARS = 1_000;

/** A venue's error `details` whose JSON is longer than this is kept as a cut excerpt of that JSON. */
export const MAX_VENUE_DETAILS_CHARS = 10_000;

/** What a cut text ends with, so nobody takes it for the whole message. */
export const TRUNCATION_MARK = '…(truncated)';

/**
 * A login or token refresh where no connect timeout applies (a credential's preAuthentication,
 * Account → List, an agg.market renewal on an open socket). A trigger's connect bounds it sooner.
 */
export const LOGIN_TIMEOUT_MS = 30_000;

/** `text` cut to `max` characters plus TRUNCATION_MARK when longer. */
export function truncateText(text: string, max: number): string {
	return text.length <= max ? text : `${text.slice(0, max)}${TRUNCATION_MARK}`;
}
