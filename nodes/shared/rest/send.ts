/**
 * One attempt: the request through `helpers.httpRequestWithAuthentication`, so the credential's
 * `authenticate` adds the key and n8n's proxy, SSRF and domain settings apply. Error bodies are
 * read as answers, also when n8n threw them.
 */
import type { IHttpRequestOptions } from 'n8n-workflow';
import type { RawResponse, RequestJsonOptions, RestContext } from './types';
import { normalizeHeaders } from './wait';

const DEFAULT_TIMEOUT_MS = 30_000;

/** How long one attempt may take. */
export function attemptTimeoutMs(options: RequestJsonOptions<unknown>): number {
	return options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
}

/** `statusErrors`: which statuses n8n throws instead of answering (see retry/credentialRefresh.ts). */
export async function send(
	context: RestContext,
	options: RequestJsonOptions<unknown>,
	url: string,
	statusErrors: IHttpRequestOptions['ignoreHttpStatusErrors'],
): Promise<RawResponse> {
	const request: IHttpRequestOptions = {
		url,
		method: options.method,
		headers: { Accept: 'application/json', ...(options.headers ?? {}) },
		json: true,
		returnFullResponse: true,
		ignoreHttpStatusErrors: statusErrors,
		timeout: attemptTimeoutMs(options),
	};
	if (options.body !== undefined) request.body = options.body;
	if (options.qs !== undefined) request.qs = options.qs;
	// n8n replaces this with the execution's cancel signal in action nodes; triggers keep ours.
	if (options.signal) request.abortSignal = options.signal;
	const response = (await context.helpers.httpRequestWithAuthentication.call(context, options.credentialType, request)) as {
		statusCode?: number;
		body?: unknown;
		headers?: unknown;
	};
	return {
		status: Number(response.statusCode ?? 0),
		body: parseMaybeJson(response.body),
		headers: normalizeHeaders(response.headers),
	};
}

/** The HTTP answer inside an error thrown for a status (n8n wraps axios' error, which holds `response`). */
export function answerInside(error: unknown): RawResponse | undefined {
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
