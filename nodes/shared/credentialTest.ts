import type { ICredentialTestFunctions, IDataObject, INodeCredentialTestResult } from 'n8n-workflow';

import { Redactor } from './redact';

/**
 * What a credential test needs to say what failed: the request it sent, named by its method, host
 * and path (never its query or body, which may carry a key), and what to check. n8n's declarative
 * `test` rules can only show fixed words, so each venue's test is a node-level `credentialTest`
 * method (n8n's CredentialsTester calls it through the node's `testedBy`) built on these helpers.
 * Requests go through n8n's request helper (its proxy and SSRF settings apply), bounded in time.
 */

/** A credential test's request, as the venue's test function builds it. */
export interface ProbeRequest {
	method: 'GET' | 'POST';
	url: string;
	headers?: Record<string, string>;
	body?: IDataObject;
}

export type ProbeResult = { answered: true; status: number; body: unknown } | { answered: false; reason: string };

/** A credential test waits this long for an answer: the editor's user is waiting too. */
export const PROBE_TIMEOUT_MS = 15_000;

/** "GET https://api.venue.example/v1/path": what the test called, safe to show. */
export function describeRequest(request: Pick<ProbeRequest, 'method' | 'url'>): string {
	try {
		const url = new URL(request.url);
		return `${request.method} ${url.origin}${url.pathname}`;
	} catch {
		return `${request.method} ${request.url.split(/[?#]/)[0]}`;
	}
}

/** Sends the test's request; an HTTP status is an answer, not a failure. */
export async function probe(ctx: ICredentialTestFunctions, request: ProbeRequest, secrets: string[]): Promise<ProbeResult> {
	try {
		const response = (await ctx.helpers.request({
			method: request.method,
			uri: request.url,
			headers: request.headers,
			body: request.body,
			json: true,
			simple: false,
			resolveWithFullResponse: true,
			timeout: PROBE_TIMEOUT_MS,
		})) as { statusCode: number; body: unknown };
		return { answered: true, status: response.statusCode, body: response.body };
	} catch (error) {
		return { answered: false, reason: new Redactor(secrets).text(networkReason(error)) };
	}
}

/** The network error's code (ECONNREFUSED, ENOTFOUND, a TLS error) or, without one, its words. */
function networkReason(error: unknown): string {
	const caught = error as { code?: unknown; cause?: { code?: unknown }; message?: unknown };
	const code = caught.code ?? caught.cause?.code;
	if (typeof code === 'string' && code && code !== 'ERR_BAD_RESPONSE') return code;
	return typeof caught.message === 'string' ? caught.message : String(error);
}

/** Why a URL could not be reached, and what to check: the host and port, and http vs https. */
export function unreachable(request: ProbeRequest, reason: string, field: string): INodeCredentialTestResult {
	return failed(
		`Cannot reach ${describeRequest(request)} (${reason}). Check the ${field}: its host and port, and whether the service speaks http or https there.`,
	);
}

export function failed(message: string): INodeCredentialTestResult {
	return { status: 'Error', message };
}

/** A passed test. n8n's editor shows its own words on success; `message` reaches the API's caller. */
export function passed(message = 'Connection successful!'): INodeCredentialTestResult {
	return { status: 'OK', message };
}

/** A JSON object's value at a dotted path, or undefined. */
export function pick(body: unknown, path: string): unknown {
	let current: unknown = body;
	for (const part of path.split('.')) {
		if (current === null || typeof current !== 'object') return undefined;
		current = (current as Record<string, unknown>)[part];
	}
	return current;
}
