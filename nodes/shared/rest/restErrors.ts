/**
 * The NodeApiErrors of a call that got an answer: they say what failed in plain words and carry
 * the venue's code, message and HTTP status. Everything a person can read goes through the
 * call's Redactor. (Failures before any answer: networkErrors.ts.) They are n8n's NodeApiError in
 * n8n's main; the context chooses (shared/errorMaker.ts), so this module never loads n8n-workflow.
 */
import type { IDataObject, JsonObject } from 'n8n-workflow';
import { errorMakerOf, type ApiError } from '../errorMaker';
import type { FailedAnswer, RawResponse, RequestJsonOptions, RestContext } from './types';
import { RequestCancelledError, formatDuration } from './wait';

export interface ErrorParts {
	message: string;
	description?: string;
	httpStatus?: number;
	info: IDataObject;
}

/** The one way this client makes a NodeApiError: redacted, and with our message kept. */
export function buildApiError(context: RestContext, options: RequestJsonOptions<unknown>, parts: ErrorParts): ApiError {
	const { redactor } = options;
	const info = redactor.value({ venue: options.venue, action: options.action, ...parts.info }) as JsonObject;
	const error = errorMakerOf(context).apiError(context.getNode(), info, { itemIndex: options.itemIndex });
	// Set after construction: NodeApiError rewrites messages that mention common network codes
	// or statuses into generic ones, and would take `code` for the HTTP status.
	error.message = redactor.text(parts.message);
	error.description = parts.description ? redactor.text(parts.description) : null;
	error.httpCode = parts.httpStatus ? String(parts.httpStatus) : null;
	error.messages = [];
	Object.assign(error.context, info);
	return error;
}

/** The venue's refusal, in the operation's wording where it has one; `gaveUp` says why retries ended. */
export function venueApiError(answer: FailedAnswer, extra: { attempts: number; gaveUp?: string }): ApiError {
	const { context, options, target, response, venueError } = answer;
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

export interface RateLimitWait {
	waitMs: number;
	retryAt: number;
	capMs: number;
	waitedMs: number;
	/** Set when waiting would pass it. */
	deadline?: number;
	attempts: number;
	/** The venue kept answering 429 (neither the cap nor the deadline ended the waits). */
	tooMany: boolean;
}

/** A 429 this call will not wait out, naming when to retry and why it did not wait. */
export function rateLimitError(answer: FailedAnswer, wait: RateLimitWait): ApiError {
	const { context, options, target, response, venueError } = answer;
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

/**
 * A 2xx whose body is not in the shape `schema` expects. The call succeeded, so this is not a
 * failure: action nodes (runActions) turn it into an item holding the venue's body as it came,
 * with a `warning`; other callers (a trigger's REST read) treat it as their own problem. It is a
 * plain Error, never a NodeApiError, so it cannot be mistaken for a refused call.
 */
export class UnexpectedReplyError extends Error {
	override readonly name = 'UnexpectedReplyError';
	constructor(
		/** Plain words for an item's `warning`: what was called, and what was not understood. */
		readonly warning: string,
		/** The venue's 2xx body, unchanged but for secrets it echoed (redacted). */
		readonly body: unknown,
		readonly httpStatus: number,
	) {
		super(warning);
	}
}

/** The UnexpectedReplyError of a 2xx answer; `problems` names the first few mismatches. */
export function unexpectedReplyError(options: RequestJsonOptions<unknown>, response: RawResponse, problems: string): UnexpectedReplyError {
	const warning = options.redactor.text(
		`${options.venue} accepted "${options.action}" (HTTP ${response.status}) but answered in a shape this node does not fully understand (${problems}); ` +
			'its answer is passed on as it came.',
	);
	return new UnexpectedReplyError(warning, options.redactor.value(response.body), response.status);
}

/** A call given up because a signal fired, naming the call. */
export function cancelledError(options: RequestJsonOptions<unknown>): RequestCancelledError {
	return new RequestCancelledError(`Cancelled: ${options.venue} ${options.action}`);
}

function statusHint(venue: string, status: number): string | undefined {
	if (status === 400) return 'The request was refused as invalid: check the values given to this node.';
	if (status === 401) return `The API key was not accepted: check the API key in the ${venue} credential.`;
	if (status === 403)
		return 'The API key is valid but not allowed to do this (a missing permission or scope, or the resource belongs to another account).';
	if (status === 404) return `${venue} does not know this ID (it may never have existed, or it is gone).`;
	if (status === 409) return 'The resource is not in a state that allows this right now.';
	if (status === 413) return 'The request body is too large.';
	if (status >= 500) return `${venue} had a problem on its side; try again shortly.`;
	return undefined;
}
