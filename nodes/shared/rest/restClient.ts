/**
 * Authenticated JSON over REST for every venue, from an action node (IExecuteFunctions) or a
 * trigger (ITriggerFunctions): the attempt loop. Its parts, one job each:
 * - send.ts: one attempt through n8n's httpRequestWithAuthentication (the credential signs it);
 * - retry/: what a failed answer leads to: 429 waits (rateLimit.ts), deadline-bound retries of
 *   statuses such as 503 (deadlineRetry.ts), a resend so n8n refreshes an expired token
 *   (credentialRefresh.ts);
 * - envelope.ts reads the venue's error; restErrors.ts and networkErrors.ts word the NodeApiError;
 * - each attempt has one deadline from sending to the last body byte and a cap on the body
 *   (exchange.ts, limits.ts);
 * - waits and attempts end when an AbortSignal fires (the caller's or the execution's).
 * Everything a person can read (messages, descriptions, error context, logs) goes through the
 * Redactor.
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import { readVenueError } from './envelope';
import { transportError } from './networkErrors';
import { cancelledError, unexpectedReplyError, venueApiError } from './restErrors';
import { CredentialRefresh } from './retry/credentialRefresh';
import { DeadlineRetry } from './retry/deadlineRetry';
import { DEFAULT_RATE_LIMIT_MAX_WAIT_MS, RateLimitRetry } from './retry/rateLimit';
import { send } from './send';
import { resolveTarget } from './target';
import type { FailedAnswer, JsonResponse, RawResponse, RequestJsonOptions, RestContext } from './types';
import { RequestCancelledError, retryWaitMs, sleep } from './wait';

/**
 * Sends one authenticated JSON request and returns the answer once it is a 2xx, retrying as the
 * policies in retry/ allow. Anything else throws a NodeApiError (or RequestCancelledError when a
 * signal ends it). A 2xx that `schema` does not accept throws UnexpectedReplyError, which carries
 * the body: the call took effect, and action nodes pass that body on with a warning.
 */
export async function requestJson<T = unknown>(context: RestContext, options: RequestJsonOptions<T>): Promise<JsonResponse<T>> {
	const target = resolveTarget(context, options);
	const deadline = options.retry?.retryUntil?.getTime();
	const rateLimit = new RateLimitRetry(options.retry?.rateLimitMaxWaitMs ?? DEFAULT_RATE_LIMIT_MAX_WAIT_MS, deadline);
	const deadlineRetry = new DeadlineRetry(options.retry, deadline);
	const refresh = new CredentialRefresh(options.refreshCredentialOnStatus ?? []);
	const signals = [options.signal, executionCancelSignal(context)];
	const started = Date.now();
	let attempts = 0;
	let waitedMs = 0;

	for (;;) {
		if (signals.some((signal) => signal?.aborted)) throw cancelledError(options);
		attempts += 1;
		let response: RawResponse;
		try {
			// Statuses that were not ignored arrive as errors carrying the answer: send reads them as answers.
			response = await send(context, options, target.url, refresh.statusErrors(), signals);
		} catch (error) {
			throw transportError(context, options, target, error, attempts);
		}

		if (refresh.resendFor(response)) {
			log(
				context,
				options,
				`${options.venue} answered ${response.status} to "${options.action}"; sending it once more so n8n refreshes the credential (attempt ${attempts + 1})`,
			);
			continue;
		}

		if (response.status >= 200 && response.status < 300) {
			return {
				status: response.status,
				body: checkedBody(options, response),
				headers: response.headers,
				attempts,
				elapsedMs: Date.now() - started,
				waitedMs,
			};
		}

		const answer: FailedAnswer = { context, options, target, response, venueError: readVenueError(options, response) };
		const now = Date.now();
		const hintMs = retryWaitMs(response.headers, answer.venueError.retryAfterSeconds, now);
		const decision = rateLimit.decide(answer, hintMs, now, attempts) ??
			deadlineRetry.decide(answer, hintMs, now, attempts) ?? { error: venueApiError(answer, { attempts }) };
		if ('error' in decision) throw decision.error;
		log(context, options, decision.note);
		await sleep(decision.waitMs, signals).catch((error: unknown) => {
			throw error instanceof RequestCancelledError ? cancelledError(options) : error;
		});
		waitedMs += decision.waitMs;
		// A wait that ended later than planned (late timers on a busy machine) sends nothing past the deadline.
		if (decision.startBy !== undefined && decision.tooLate && Date.now() > decision.startBy) throw decision.tooLate();
	}
}

/** The execution's cancel signal, where the context has one (action nodes in n8n versions that offer it). */
export function executionCancelSignal(context: RestContext): AbortSignal | undefined {
	const candidate = context as Partial<Pick<IExecuteFunctions, 'getExecutionCancelSignal'>>;
	return typeof candidate.getExecutionCancelSignal === 'function' ? candidate.getExecutionCancelSignal() : undefined;
}

/** A 2xx body, validated by `schema` when the call has one. */
function checkedBody<T>(options: RequestJsonOptions<T>, response: RawResponse): T {
	if (!options.schema || options.accepts?.(response.body)) return response.body as T;
	const result = options.schema.safeParse(response.body);
	if (result.success) return result.data;
	const problems = result.error.issues
		.slice(0, 5)
		.map((issue) => `${issue.path.length ? issue.path.join('.') : '(body)'}: ${issue.message}`)
		.join('; ');
	throw unexpectedReplyError(options, response, problems);
}

function log(context: RestContext, options: RequestJsonOptions<unknown>, message: string): void {
	context.logger?.debug(options.redactor.text(message));
}
