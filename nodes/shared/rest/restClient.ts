/**
 * Authenticated JSON over REST for every venue, from an action node (IExecuteFunctions) or a
 * trigger (ITriggerFunctions).
 *
 * - Calls go through `helpers.httpRequestWithAuthentication`, so the credential's `authenticate`
 *   adds the key and n8n's proxy, SSRF and domain settings apply.
 * - Error bodies are read (`ignoreHttpStatusErrors`), turned into the venue's error by
 *   `parseError`, and thrown as a NodeApiError that says what failed in plain words and carries
 *   the venue's code, message and HTTP status.
 * - 429 waits as long as the venue asks (body `retry_after`, `Retry-After`, `X-RateLimit-Reset`)
 *   and retries, up to `rateLimitMaxWaitMs` in total; a longer wait fails at once, naming when
 *   to retry.
 * - `retryOnStatus` (e.g. 503) is retried with a short backoff, but only while `retryUntil`
 *   allows: no attempt starts after the deadline.
 * - Network failures name the host (never a secret); waits end when an AbortSignal fires.
 * - Credentials that log in for a token (an expirable field filled by `preAuthentication`) name
 *   `refreshCredentialOnStatus` (e.g. [401]): those answers are made to fail the request, which is
 *   what lets n8n's httpRequestWithAuthentication refresh the token and send the request once more.
 * - Everything a person can read (messages, descriptions, error context, logs) goes through
 *   the Redactor.
 */
import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestMethods,
	type IHttpRequestOptions,
	type IPollFunctions,
	type ITriggerFunctions,
	type JsonObject,
} from 'n8n-workflow';
import type { ZodType, ZodTypeDef } from 'zod';
import type { Redactor } from '../redact';
import {
	RequestCancelledError,
	backoffMs,
	formatDuration,
	normalizeHeaders,
	retryWaitMs,
	sleep,
	type HeaderMap,
} from './wait';

/** Any n8n context that can make authenticated requests: action nodes, triggers, pollers. */
export type RestContext = IExecuteFunctions | ITriggerFunctions | IPollFunctions;

/** A venue's error, as its `parseError` reads it from a non-2xx answer. */
export interface VenueError {
	/** The venue's error code ('NOT_FOUND', 'version_mismatch', …). */
	code: string;
	/** The venue's own message. */
	message: string;
	details?: unknown;
	/** A wait the venue asked for in the body, in seconds (e.g. Totalis' `error.retry_after`). */
	retryAfterSeconds?: number;
	/** The request field the venue blames (validation errors), kept in the error's context. */
	field?: string;
}

/** Operation-specific wording for a venue error; fields left out keep the default wording. */
export interface ErrorWording {
	message?: string;
	description?: string;
}

/** How a venue words a failure that came before any answer (see `describeFailure`). */
export interface FailureWording {
	message: string;
	description?: string;
	/** The venue's error code or type, for the error's context. */
	code?: string;
	httpStatus?: number;
	info?: IDataObject;
}

export interface RetryOptions {
	/** Most time spent waiting on 429 answers in one call, in total (default 30 000 ms; 0 never waits). */
	rateLimitMaxWaitMs?: number;
	/** No attempt starts after this time; required for `retryOnStatus` to retry at all. */
	retryUntil?: Date;
	/** Statuses retried with a short backoff while `retryUntil` allows (e.g. [503]). */
	retryOnStatus?: number[];
	/** First backoff for `retryOnStatus`, doubling up to `maxBackoffMs` (defaults 100 and 1000 ms). */
	initialBackoffMs?: number;
	maxBackoffMs?: number;
}

export interface RequestJsonOptions<T = unknown> {
	/** The credential type whose `authenticate` signs the call ('totalisApi'). */
	credentialType: string;
	/** The venue's name as users know it, for messages ('Totalis'). */
	venue: string;
	/** What the call does, in plain words, completing "could not …" ('confirm quote "q_1"'). */
	action: string;
	/** The REST base URL from the credential; `path` is appended to it. */
	baseUrl: string;
	method: IHttpRequestMethods;
	/** Starts with '/'; path parameters already encoded. */
	path: string;
	body?: IDataObject;
	qs?: IDataObject;
	headers?: IDataObject;
	/** Knows the secrets of this call; scrubs every message, description, context and log line. */
	redactor: Redactor;
	retry?: RetryOptions;
	/** Reads the venue's error from a non-2xx answer (it must not throw; fall back to `fallbackVenueError`). */
	parseError: (status: number, body: unknown) => VenueError;
	/** Operation-specific wording for some errors (e.g. a 409 that means "re-price"). */
	describeError?: (error: VenueError, status: number) => ErrorWording | undefined;
	/**
	 * Statuses that mean "the credential's token expired" (e.g. [401]), for credentials whose
	 * `preAuthentication` logs in and fills an expirable field. n8n's httpRequestWithAuthentication
	 * refreshes such a credential and retries the request once, but only when the request FAILS
	 * with 401; so these statuses are sent as `ignoreHttpStatusErrors: {ignore: true, except}`
	 * while every other status is still read as an answer. An n8n whose HTTP layer predates
	 * `except` hands the status back as an answer: the request is then sent once more with status
	 * errors on, so n8n refreshes and retries there too.
	 */
	refreshCredentialOnStatus?: number[];
	/**
	 * Wording for a failure thrown before any answer that the venue's code recognises, such as a
	 * login refused inside the credential's `preAuthentication`. Undefined keeps the network wording.
	 */
	describeFailure?: (error: unknown) => FailureWording | undefined;
	/** Validates a 2xx body; a mismatch is a NodeApiError naming what was unexpected. */
	schema?: ZodType<T, ZodTypeDef, unknown>;
	/** Ends retries and waits (the execution's own cancel signal is honoured too). */
	signal?: AbortSignal;
	/** Per attempt (default 30 000 ms). */
	timeoutMs?: number;
	/** For errors raised while processing one item of an action node. */
	itemIndex?: number;
}

export interface JsonResponse<T = unknown> {
	status: number;
	/** The parsed body ('' for an empty answer such as 204). */
	body: T;
	headers: HeaderMap;
	/** Requests sent, the successful one included. */
	attempts: number;
	/** From the first attempt's start to the answer, waits included. */
	elapsedMs: number;
	/** Time spent waiting between attempts. */
	waitedMs: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_RATE_LIMIT_MAX_WAIT_MS = 30_000;
/** When a 429 gives no hint at all. */
const DEFAULT_RATE_LIMIT_WAIT_MS = 1_000;
/** A venue answering 429 with "retry after 0 s" forever must not keep us busy forever. */
const MAX_RATE_LIMIT_RETRIES = 10;
/** A deadline-bound retry starts at the latest this long before the deadline, so it arrives in time. */
const DEADLINE_MARGIN_MS = 25;

/**
 * Sends one authenticated JSON request and returns the answer once it is a 2xx, retrying 429
 * (and `retry.retryOnStatus` before `retry.retryUntil`) as described above. Anything else
 * throws a NodeApiError (or RequestCancelledError when a signal ends it).
 */
export async function requestJson<T = unknown>(
	context: RestContext,
	options: RequestJsonOptions<T>,
): Promise<JsonResponse<T>> {
	const target = resolveTarget(context, options);
	const retry = {
		rateLimitMaxWaitMs: options.retry?.rateLimitMaxWaitMs ?? DEFAULT_RATE_LIMIT_MAX_WAIT_MS,
		retryOnStatus: options.retry?.retryOnStatus ?? [],
		initialBackoffMs: options.retry?.initialBackoffMs ?? 100,
		maxBackoffMs: options.retry?.maxBackoffMs ?? 1_000,
	};
	const deadline = options.retry?.retryUntil?.getTime();
	const signals = [options.signal, executionCancelSignal(context)];
	const started = Date.now();
	let attempts = 0;
	let waitedMs = 0;
	let rateLimitWaitedMs = 0;
	let rateLimitRetries = 0;
	let statusRetries = 0;
	const refreshStatuses = options.refreshCredentialOnStatus ?? [];
	let strictResend = false;

	for (;;) {
		if (signals.some((signal) => signal?.aborted)) throw new RequestCancelledError(cancelledMessage(options));
		attempts += 1;
		let response: RawResponse;
		try {
			response = await send(context, options, target.url, strictResend);
		} catch (error) {
			// Statuses that were not ignored arrive as errors carrying the answer: read them as answers.
			const answer = answerInside(error);
			if (!answer) throw transportError(context, options, target, error, attempts);
			response = answer;
		}

		if (!response.thrown && !strictResend && refreshStatuses.includes(response.status)) {
			// This n8n returned the status as an answer: its HTTP layer ignored `except`, so n8n
			// did not refresh the credential. Once more with status errors on, so it does.
			strictResend = true;
			log(context, options, `${options.venue} answered ${response.status} to "${options.action}"; sending it once more so n8n refreshes the credential (attempt ${attempts + 1})`);
			continue;
		}

		if (response.status >= 200 && response.status < 300) {
			return {
				status: response.status,
				body: validateBody(context, options, target, response),
				headers: response.headers,
				attempts,
				elapsedMs: Date.now() - started,
				waitedMs,
			};
		}

		const venueError = safeParseError(options, response);
		const now = Date.now();
		const hintMs = retryWaitMs(response.headers, venueError.retryAfterSeconds, now);

		if (response.status === 429) {
			const waitMs = hintMs ?? DEFAULT_RATE_LIMIT_WAIT_MS;
			const retryAt = now + waitMs;
			const overCap = rateLimitWaitedMs + waitMs > retry.rateLimitMaxWaitMs;
			const pastDeadline = deadline !== undefined && retryAt > deadline - DEADLINE_MARGIN_MS;
			if (overCap || pastDeadline || rateLimitRetries >= MAX_RATE_LIMIT_RETRIES) {
				throw rateLimitError(context, options, target, response, venueError, {
					waitMs,
					retryAt,
					capMs: retry.rateLimitMaxWaitMs,
					waitedMs: rateLimitWaitedMs,
					deadline: pastDeadline ? deadline : undefined,
					attempts,
					tooMany: !overCap && !pastDeadline,
				});
			}
			log(context, options, `${options.venue} answered 429 (${venueError.code}) to "${options.action}"; waiting ${formatDuration(waitMs)} as asked, then retrying (attempt ${attempts + 1})`);
			await sleep(waitMs, signals).catch(rethrowCancelled(options));
			rateLimitRetries += 1;
			rateLimitWaitedMs += waitMs;
			waitedMs += waitMs;
			continue;
		}

		if (deadline !== undefined && retry.retryOnStatus.includes(response.status)) {
			statusRetries += 1;
			// The next attempt must start before the deadline (with a margin to arrive in time).
			const available = deadline - DEADLINE_MARGIN_MS - now;
			const waitMs = Math.min(hintMs ?? backoffMs(statusRetries, retry.initialBackoffMs, retry.maxBackoffMs), available);
			if (available > 0) {
				log(context, options, `${options.venue} answered ${response.status} (${venueError.code}) to "${options.action}"; retrying in ${formatDuration(waitMs)} (attempt ${attempts + 1}, deadline ${new Date(deadline).toISOString()})`);
				await sleep(waitMs, signals).catch(rethrowCancelled(options));
				waitedMs += waitMs;
				continue;
			}
			throw venueApiError(context, options, target, response, venueError, {
				attempts,
				gaveUp: `Still failing after ${attempts} attempt${attempts === 1 ? '' : 's'}; the deadline ${new Date(deadline).toISOString()} leaves no time for another.`,
			});
		}

		throw venueApiError(context, options, target, response, venueError, { attempts });
	}
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
	text = text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
	if (text.length > 200) text = `${text.slice(0, 200)}…`;
	return { code: `HTTP_${status}`, message: text || httpStatusText(status) };
}

// ---------------------------------------------------------------------------------------------

interface RawResponse {
	status: number;
	body: unknown;
	headers: HeaderMap;
	/** The answer came inside an error n8n threw (a status it was told not to ignore). */
	thrown?: boolean;
}

interface Target {
	url: string;
	/** Scheme, host and base path, without credentials or query: safe to show. */
	display: string;
	host: string;
}

function resolveTarget(context: RestContext, options: RequestJsonOptions<unknown>): Target {
	let base: URL;
	try {
		base = new URL(options.baseUrl.trim());
	} catch {
		throw new NodeOperationError(
			context.getNode(),
			options.redactor.text(`The REST Base URL of the ${options.venue} credential is not a valid URL: "${options.baseUrl}"`),
			{ description: 'Use a full URL such as https://api.example.com (with http:// or https://).', itemIndex: options.itemIndex },
		);
	}
	if (base.protocol !== 'http:' && base.protocol !== 'https:') {
		throw new NodeOperationError(
			context.getNode(),
			options.redactor.text(`The REST Base URL of the ${options.venue} credential must start with http:// or https:// (it starts with ${base.protocol}//)`),
			{ itemIndex: options.itemIndex },
		);
	}
	const basePath = base.pathname.replace(/\/+$/, '');
	const path = options.path.startsWith('/') ? options.path : `/${options.path}`;
	const url = new URL(base.href);
	url.pathname = `${basePath}${path}`;
	return {
		url: url.href,
		display: options.redactor.text(`${base.protocol}//${base.host}${basePath}`),
		host: options.redactor.text(base.host),
	};
}

/** The execution's cancel signal, where the context has one (action nodes in n8n versions that offer it). */
export function executionCancelSignal(context: RestContext): AbortSignal | undefined {
	const candidate = context as Partial<Pick<IExecuteFunctions, 'getExecutionCancelSignal'>>;
	return typeof candidate.getExecutionCancelSignal === 'function' ? candidate.getExecutionCancelSignal() : undefined;
}

async function send(
	context: RestContext,
	options: RequestJsonOptions<unknown>,
	url: string,
	failOnStatus = false,
): Promise<RawResponse> {
	const refresh = options.refreshCredentialOnStatus ?? [];
	const request: IHttpRequestOptions = {
		url,
		method: options.method,
		headers: { Accept: 'application/json', ...(options.headers ?? {}) },
		json: true,
		returnFullResponse: true,
		ignoreHttpStatusErrors: failOnStatus ? false : refresh.length > 0 ? { ignore: true, except: refresh } : true,
		timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
	};
	if (options.body !== undefined) request.body = options.body;
	if (options.qs !== undefined) request.qs = options.qs;
	// n8n replaces this with the execution's cancel signal in action nodes; triggers keep ours.
	if (options.signal) request.abortSignal = options.signal;
	const response = (await context.helpers.httpRequestWithAuthentication.call(
		context,
		options.credentialType,
		request,
	)) as { statusCode?: number; body?: unknown; headers?: unknown };
	return {
		status: Number(response.statusCode ?? 0),
		body: parseMaybeJson(response.body),
		headers: normalizeHeaders(response.headers),
	};
}

/** The HTTP answer inside an error thrown for a status (n8n wraps axios' error, which holds `response`). */
function answerInside(error: unknown): RawResponse | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
		const response = (current as { response?: unknown }).response;
		if (response && typeof response === 'object') {
			const { status, data, headers } = response as { status?: unknown; data?: unknown; headers?: unknown };
			if (typeof status === 'number' && status > 0) {
				return { status, body: parseMaybeJson(data), headers: normalizeHeaders(headers), thrown: true };
			}
		}
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}

/** Bodies arrive parsed when the venue says application/json; parse a JSON text that was not labelled so. */
function parseMaybeJson(body: unknown): unknown {
	if (typeof body !== 'string') return body ?? '';
	const trimmed = body.trim();
	if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return body;
	try {
		return JSON.parse(trimmed) as unknown;
	} catch {
		return body;
	}
}

function safeParseError(options: RequestJsonOptions<unknown>, response: RawResponse): VenueError {
	try {
		return options.parseError(response.status, response.body);
	} catch {
		return fallbackVenueError(response.status, response.body);
	}
}

function validateBody<T>(
	context: RestContext,
	options: RequestJsonOptions<T>,
	target: Target,
	response: RawResponse,
): T {
	if (!options.schema) return response.body as T;
	const result = options.schema.safeParse(response.body);
	if (result.success) return result.data;
	const problems = result.error.issues
		.slice(0, 5)
		.map((issue) => `${issue.path.length ? issue.path.join('.') : '(body)'}: ${issue.message}`)
		.join('; ');
	return throwApiError(context, options, {
		message: `${options.venue} answered "${options.action}" with HTTP ${response.status}, but not in the shape this node expects`,
		description: `${problems}. The call may have taken effect; check its state before repeating it.`,
		httpStatus: response.status,
		info: { url: `${target.display}${options.path}`, method: options.method, problems },
	});
}

interface ErrorParts {
	message: string;
	description?: string;
	httpStatus?: number;
	info: IDataObject;
}

function buildApiError(context: RestContext, options: RequestJsonOptions<unknown>, parts: ErrorParts): NodeApiError {
	const { redactor } = options;
	const info = redactor.value({ venue: options.venue, action: options.action, ...parts.info }) as JsonObject;
	const error = new NodeApiError(context.getNode(), info, { itemIndex: options.itemIndex });
	// Set after construction: NodeApiError rewrites messages that mention common network codes
	// or statuses into generic ones, and would take `code` for the HTTP status.
	error.message = redactor.text(parts.message);
	error.description = parts.description ? redactor.text(parts.description) : null;
	error.httpCode = parts.httpStatus ? String(parts.httpStatus) : null;
	error.messages = [];
	Object.assign(error.context, info);
	return error;
}

function throwApiError(context: RestContext, options: RequestJsonOptions<unknown>, parts: ErrorParts): never {
	throw buildApiError(context, options, parts);
}

function venueApiError(
	context: RestContext,
	options: RequestJsonOptions<unknown>,
	target: Target,
	response: RawResponse,
	venueError: VenueError,
	extra: { attempts: number; gaveUp?: string },
): NodeApiError {
	const wording = options.describeError?.(venueError, response.status) ?? {};
	const defaultMessage = `${options.venue} could not ${options.action}: ${venueError.message} (${venueError.code}, HTTP ${response.status})`;
	const description = [wording.description ?? statusHint(options.venue, response.status), extra.gaveUp]
		.filter((part): part is string => Boolean(part))
		.join(' ');
	const info: IDataObject = {
		httpStatus: response.status,
		code: venueError.code,
		venueMessage: venueError.message,
		method: options.method,
		url: `${target.display}${options.path}`,
		attempts: extra.attempts,
	};
	if (venueError.field !== undefined) info.field = venueError.field;
	if (venueError.details !== undefined) info.details = venueError.details as IDataObject;
	return buildApiError(context, options, {
		message: wording.message ?? defaultMessage,
		description,
		httpStatus: response.status,
		info,
	});
}

function rateLimitError(
	context: RestContext,
	options: RequestJsonOptions<unknown>,
	target: Target,
	response: RawResponse,
	venueError: VenueError,
	wait: {
		waitMs: number;
		retryAt: number;
		capMs: number;
		waitedMs: number;
		deadline?: number;
		attempts: number;
		tooMany: boolean;
	},
): NodeApiError {
	const retryAtIso = new Date(wait.retryAt).toISOString();
	let why: string;
	if (wait.deadline !== undefined) {
		why = `Waiting ${formatDuration(wait.waitMs)} as asked would pass the deadline ${new Date(wait.deadline).toISOString()}.`;
	} else if (wait.tooMany) {
		why = `It kept answering 429 after ${wait.attempts} attempts.`;
	} else {
		const already = wait.waitedMs > 0 ? ` (after already waiting ${formatDuration(wait.waitedMs)})` : '';
		why = `It asked to wait ${formatDuration(wait.waitMs)}${already}, more than the ${formatDuration(wait.capMs)} this node may wait (option "Rate Limit Max Wait").`;
	}
	return buildApiError(context, options, {
		message: `${options.venue} rate limit: could not ${options.action}; retry after ${retryAtIso}`,
		description: `${why} ${options.venue} said: ${venueError.message} (${venueError.code}).`,
		httpStatus: response.status,
		info: {
			httpStatus: response.status,
			code: venueError.code,
			venueMessage: venueError.message,
			method: options.method,
			url: `${target.display}${options.path}`,
			retryAfterMs: wait.waitMs,
			retryAt: retryAtIso,
			attempts: wait.attempts,
		},
	});
}

/** Names of the failures n8n's HTTP layer reports, in words, for the message. */
const NETWORK_REASONS: Record<string, string> = {
	ECONNREFUSED: 'the connection was refused (is the service running, and is the REST Base URL right?)',
	ENOTFOUND: 'the host name could not be resolved',
	EAI_AGAIN: 'the host name could not be resolved (DNS did not answer)',
	ECONNRESET: 'the connection was closed unexpectedly',
	EHOSTUNREACH: 'the host is unreachable',
	ENETUNREACH: 'the network is unreachable',
	EPIPE: 'the connection was closed while sending',
	CERT_HAS_EXPIRED: 'its TLS certificate has expired',
	DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is self-signed',
	ERR_TLS_CERT_ALTNAME_INVALID: 'its TLS certificate does not match the host name',
};

function transportError(
	context: RestContext,
	options: RequestJsonOptions<unknown>,
	target: Target,
	error: unknown,
	attempts: number,
): Error {
	const wording = safeDescribeFailure(options, error);
	if (wording) {
		return buildApiError(context, options, {
			message: wording.message,
			description: wording.description,
			httpStatus: wording.httpStatus,
			info: {
				...(wording.info ?? {}),
				code: wording.code ?? 'REQUEST_FAILED',
				...(wording.httpStatus ? { httpStatus: wording.httpStatus } : {}),
				method: options.method,
				url: `${target.display}${options.path}`,
				attempts,
			},
		});
	}
	if (error instanceof NodeOperationError) return options.redactor.error(error);
	const code = errorCode(error);
	if (code === 'ERR_CANCELED' || (error instanceof Error && error.name === 'CanceledError')) {
		return new RequestCancelledError(cancelledMessage(options));
	}
	const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
	let reason: string;
	if (code === 'ECONNABORTED' || code === 'ETIMEDOUT') reason = `no answer within ${formatDuration(timeoutMs)}`;
	else if (code && NETWORK_REASONS[code]) reason = NETWORK_REASONS[code];
	else reason = innermostMessage(error) || 'the request failed before any answer';
	return buildApiError(context, options, {
		message: `Could not reach ${options.venue} at ${target.host} to ${options.action}: ${reason}`,
		description: `No answer came from ${target.display}. Check the REST Base URL in the ${options.venue} credential and that the host is reachable from n8n.${code ? ` (${code})` : ''}`,
		info: { code: code ?? 'NETWORK_ERROR', method: options.method, url: `${target.display}${options.path}`, attempts },
	});
}

function safeDescribeFailure(options: RequestJsonOptions<unknown>, error: unknown): FailureWording | undefined {
	try {
		return options.describeFailure?.(error);
	} catch {
		return undefined;
	}
}

function errorCode(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
		const code = (current as { code?: unknown }).code;
		if (typeof code === 'string' && code) return code;
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}

function innermostMessage(error: unknown): string {
	let current: unknown = error;
	let message = '';
	for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
		if (current.message) message = current.message;
		current = (current as { cause?: unknown }).cause;
	}
	return message;
}

function cancelledMessage(options: RequestJsonOptions<unknown>): string {
	return `Cancelled: ${options.venue} ${options.action}`;
}

function rethrowCancelled(options: RequestJsonOptions<unknown>) {
	return (error: unknown): never => {
		if (error instanceof RequestCancelledError) throw new RequestCancelledError(cancelledMessage(options));
		throw error;
	};
}

function log(context: RestContext, options: RequestJsonOptions<unknown>, message: string): void {
	context.logger?.debug(options.redactor.text(message));
}

function statusHint(venue: string, status: number): string | undefined {
	if (status === 400) return 'The request was refused as invalid: check the values given to this node.';
	if (status === 401) return `The API key was not accepted: check the API key in the ${venue} credential.`;
	if (status === 403) return 'The API key is valid but not allowed to do this (a missing permission or scope, or the resource belongs to another account).';
	if (status === 404) return `${venue} does not know this ID (it may never have existed, or it is gone).`;
	if (status === 409) return 'The resource is not in a state that allows this right now.';
	if (status === 413) return 'The request body is too large.';
	if (status >= 500) return `${venue} had a problem on its side; try again shortly.`;
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
