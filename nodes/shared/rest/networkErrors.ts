/**
 * The error of a call that got no answer: a failure the venue's code words (a login refused in
 * the credential's preAuthentication), a cancel, or a network failure named by its host (never
 * a secret) and its cause in words.
 */
import { errorMakerOf } from '../errorMaker';
import { ResponseLimitError } from './exchange';
import { buildApiError, cancelledError } from './restErrors';
import { attemptTimeoutMs } from './send';
import type { FailureWording, RequestJsonOptions, RestContext, Target } from './types';
import { RequestCancelledError, formatDuration } from './wait';

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

export function transportError(
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
	if (errorMakerOf(context).isOperationError(error)) return options.redactor.error(error as Error);
	if (error instanceof ResponseLimitError) return limitError(context, options, target, error, attempts);
	const code = errorCode(error);
	if (error instanceof RequestCancelledError || code === 'ERR_CANCELED' || (error instanceof Error && error.name === 'CanceledError')) {
		return cancelledError(options);
	}
	let reason: string;
	if (code === 'ECONNABORTED' || code === 'ETIMEDOUT') reason = `no answer within ${formatDuration(attemptTimeoutMs(options))}`;
	else if (code && NETWORK_REASONS[code]) reason = NETWORK_REASONS[code];
	else reason = innermostMessage(error) || 'the request failed before any answer';
	return buildApiError(context, options, {
		message: `Could not reach ${options.venue} at ${target.host} to ${options.action}: ${reason}`,
		description: `No answer came from ${target.display}. Check the REST Base URL in the ${options.venue} credential and that the host is reachable from n8n.${code ? ` (${code})` : ''}`,
		info: { code: code ?? 'NETWORK_ERROR', method: options.method, url: `${target.display}${options.path}`, attempts },
	});
}

/** A bound of limits.ts was passed: the deadline (with or without an answer begun) or the body cap. */
function limitError(
	context: RestContext,
	options: RequestJsonOptions<unknown>,
	target: Target,
	error: ResponseLimitError,
	attempts: number,
): Error {
	const tooLarge = error.code === 'RESPONSE_TOO_LARGE';
	const description = tooLarge
		? `The rest of the answer was not read and its connection was closed. ${options.venue}'s answers are far smaller: check the REST Base URL in the ${options.venue} credential.`
		: `The time for one call runs from sending it to the last byte of the answer. ${options.venue} may be overloaded, or the REST Base URL in the ${options.venue} credential may point at a host that answers slowly.`;
	// Without headers nothing answered; with them the venue answered, but not within the bounds.
	const message =
		error.status === undefined
			? `Could not reach ${options.venue} at ${target.host} to ${options.action}: ${error.message}`
			: `Could not ${options.action} with ${options.venue} at ${target.host}: ${error.message}`;
	return buildApiError(context, options, {
		message,
		description,
		httpStatus: error.status,
		info: {
			code: error.code,
			...(tooLarge ? { maxBytes: error.limit } : { timeoutMs: error.limit }),
			...(error.status !== undefined ? { httpStatus: error.status } : {}),
			method: options.method,
			url: `${target.display}${options.path}`,
			attempts,
		},
	});
}

/** The venue's wording must not turn a failure into a crash of its own. */
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
