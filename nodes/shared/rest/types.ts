/**
 * What requestJson takes and gives (exported by rest/index.ts), and the two shapes it hands
 * between its own modules (RawResponse, Target; not exported by the index).
 */
import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IPollFunctions,
	ITriggerFunctions,
} from 'n8n-workflow';
import type { ZodType, ZodTypeDef } from 'zod';
import type { Redactor } from '../redact';
import type { HeaderMap } from './wait';

/** Any n8n context that can make authenticated requests: action nodes, triggers, pollers, the editor's lists. */
export type RestContext = IExecuteFunctions | ITriggerFunctions | IPollFunctions | ILoadOptionsFunctions;

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
	 * `preAuthentication` logs in and fills an expirable field: see retry/credentialRefresh.ts.
	 */
	refreshCredentialOnStatus?: number[];
	/**
	 * Wording for a failure thrown before any answer that the venue's code recognises, such as a
	 * login refused inside the credential's `preAuthentication`. Undefined keeps the network wording.
	 */
	describeFailure?: (error: unknown) => FailureWording | undefined;
	/** Validates a 2xx body; a mismatch is a NodeApiError naming what was unexpected. */
	schema?: ZodType<T, ZodTypeDef, unknown>;
	/**
	 * A fast check (shared/engine/validation.ts' compileGuard) that a 2xx body matches `schema`
	 * and that `schema` would return it unchanged (its objects passthrough, nothing defaulted or
	 * transformed): such a body is returned as it came, without zod's copy of it. Anything it
	 * refuses goes to `schema`, which decides and explains.
	 */
	accepts?: (body: unknown) => boolean;
	/** Ends retries and waits (the execution's own cancel signal is honoured too). */
	signal?: AbortSignal;
	/** One attempt, from sending to the last byte of the answer (default limits.ts' DEFAULT_REQUEST_TIMEOUT_MS, 30 000 ms). */
	timeoutMs?: number;
	/** For errors raised while processing one item of an action node. */
	itemIndex?: number;
	/**
	 * Sends each attempt instead of n8n's httpRequestWithAuthentication, and signs it itself: a
	 * trigger's keep-alive client (directHttp.ts). Answers as n8n's helper does.
	 */
	sendVia?: (request: IHttpRequestOptions) => Promise<unknown>;
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

/** One HTTP answer, whatever its status. */
export interface RawResponse {
	status: number;
	body: unknown;
	headers: HeaderMap;
	/** The answer came inside an error n8n threw (a status it was told not to ignore). */
	thrown?: boolean;
}

/** Where a call goes. */
export interface Target {
	url: string;
	/** Scheme, host and base path, without credentials or query: safe to show. */
	display: string;
	host: string;
}

/** A non-2xx answer with everything its error is worded from. */
export interface FailedAnswer {
	context: RestContext;
	options: RequestJsonOptions<unknown>;
	target: Target;
	response: RawResponse;
	venueError: VenueError;
}
