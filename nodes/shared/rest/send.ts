/**
 * One attempt: the request through `helpers.httpRequestWithAuthentication`, so the credential's
 * `authenticate` adds the key and n8n's proxy, SSRF and domain settings apply (or through the
 * call's own `sendVia`, a trigger's keep-alive client used only where n8n would go direct). Error bodies are
 * read as answers, also when n8n threw them. The attempt is bounded as exchange.ts explains: one
 * deadline from sending to the last body byte, and a cap on the body.
 */
import type { IHttpRequestOptions } from 'n8n-workflow';
import { exchange } from './exchange';
import { DEFAULT_REQUEST_TIMEOUT_MS, MAX_RESPONSE_BYTES } from './limits';
import type { RawResponse, RequestJsonOptions, RestContext } from './types';

/** How long one attempt may take, from sending to the last byte of the answer. */
export function attemptTimeoutMs(options: RequestJsonOptions<unknown>): number {
	return options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
}

/**
 * `statusErrors`: which statuses n8n throws instead of answering (see retry/credentialRefresh.ts).
 * `signals` end the attempt at once (the caller's, the execution's).
 */
export async function send(
	context: RestContext,
	options: RequestJsonOptions<unknown>,
	url: string,
	statusErrors: IHttpRequestOptions['ignoreHttpStatusErrors'],
	signals: ReadonlyArray<AbortSignal | undefined>,
): Promise<RawResponse> {
	const request: IHttpRequestOptions = {
		url,
		method: options.method,
		headers: { Accept: 'application/json', ...(options.headers ?? {}) },
		json: true,
		ignoreHttpStatusErrors: statusErrors,
	};
	if (options.body !== undefined) request.body = options.body;
	if (options.qs !== undefined) request.qs = options.qs;
	return await exchange(
		options.sendVia ??
			((bounded) => context.helpers.httpRequestWithAuthentication.call(context, options.credentialType, bounded) as Promise<unknown>),
		request,
		{ timeoutMs: attemptTimeoutMs(options), maxBytes: MAX_RESPONSE_BYTES, signals },
	);
}
