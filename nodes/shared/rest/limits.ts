/**
 * Every bound on a REST call, in one place. n8n's own `timeout` only fires on an idle socket, so
 * a venue that dribbles its answer or sends an endless body would otherwise hold an execution
 * (or a trigger's start) for as long as it likes. The values are generous next to real venue
 * replies (a few KB, under a second).
 */

/** One attempt from connect to the last body byte (a call's `timeoutMs` overrides it). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** The largest answer body read; a bigger one fails naming this limit, without being read whole. */
export const MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

/**
 * A login or token refresh where no connect timeout applies (a credential's preAuthentication,
 * Account → List, an agg.market renewal on an open socket). A trigger's connect bounds it sooner.
 */
export const LOGIN_TIMEOUT_MS = 30_000;
