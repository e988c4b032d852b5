/**
 * One HTTP exchange with a total deadline and a body cap, over an n8n request helper
 * (httpRequestWithAuthentication for venue calls, httpRequest for logins and token refreshes).
 *
 * What n8n's request options bound (read in n8n-core 2.41.1 with @n8n/backend-network and axios
 * 1.x; n8n 1.x passes the same options on):
 * - `timeout` is axios' timeout: a wall clock until the answer's headers, then only an idle
 *   socket ends it, so a venue that sends a byte every few seconds is never cut;
 * - `abortSignal` ends the request, except that httpRequestWithAuthentication replaces it with
 *   the execution's cancel signal in action nodes (n8n 1.x releases before it ignore it);
 * - `maxContentLength` / `maxBodyLength` are not passed on: n8n always sets Infinity;
 * - `encoding: 'stream'` is passed on as axios' responseType: the body arrives unread.
 * So the body is asked for as a stream and read here, under our own deadline and cap; a stream
 * that passes either is destroyed, which closes the connection. The wait for the headers is
 * raced against the same deadline, because in action nodes our signal cannot reach axios.
 */
import type { IHttpRequestOptions } from 'n8n-workflow';
import type { Readable } from 'node:stream';
import type { RawResponse } from './types';
import { RequestCancelledError, formatDuration, normalizeHeaders, type HeaderMap } from './wait';

/** An n8n request helper, already bound to its context and credential. */
export type RequestHelper = (request: IHttpRequestOptions) => Promise<unknown>;

export interface ExchangeBounds {
	/** From sending to the last byte of the body. */
	timeoutMs: number;
	/** The largest body read. */
	maxBytes: number;
	/** Any of these aborting ends the exchange at once (a closed trigger, a cancelled execution). */
	signals?: ReadonlyArray<AbortSignal | undefined>;
}

/** A bound of limits.ts was passed: the deadline, or the body cap. */
export class ResponseLimitError extends Error {
	constructor(
		readonly code: 'RESPONSE_TIMEOUT' | 'RESPONSE_TOO_LARGE',
		/** The bound that was passed: ms for a timeout, bytes for a body. */
		readonly limit: number,
		/** The answer's status, when its headers had arrived. */
		readonly status?: number,
	) {
		super(describeLimit(code, limit, status));
		this.name = 'ResponseLimitError';
	}
}

function describeLimit(code: ResponseLimitError['code'], limit: number, status: number | undefined): string {
	const answer = status === undefined ? 'the answer' : `the answer (HTTP ${status})`;
	if (code === 'RESPONSE_TOO_LARGE') return `${answer} is larger than ${formatBytes(limit)}, the most this node reads`;
	return status === undefined
		? `no answer within ${formatDuration(limit)}`
		: `${answer} did not arrive in full within ${formatDuration(limit)}`;
}

/** "10 MB", "512 KB". */
export function formatBytes(bytes: number): string {
	if (bytes >= 1024 * 1024) return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;
	if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
	return `${bytes} bytes`;
}

/**
 * Sends `request` through `helper` and reads the answer, whatever its status, within `bounds`.
 * Throws a ResponseLimitError past a bound, a RequestCancelledError when a signal aborts, and
 * what the helper threw when no answer came (a refused connection, a failed preAuthentication).
 */
export async function exchange(helper: RequestHelper, request: IHttpRequestOptions, bounds: ExchangeBounds): Promise<RawResponse> {
	const attempt = new AbortController();
	let status: number | undefined;
	const timer = setTimeout(() => attempt.abort(new ResponseLimitError('RESPONSE_TIMEOUT', bounds.timeoutMs, status)), bounds.timeoutMs);
	const signals = (bounds.signals ?? []).filter((signal): signal is AbortSignal => signal !== undefined);
	const cancel = () => attempt.abort(new RequestCancelledError());
	for (const signal of signals) signal.addEventListener('abort', cancel, { once: true });
	if (signals.some((signal) => signal.aborted)) cancel();
	try {
		const pending = helper({
			...request,
			returnFullResponse: true,
			encoding: 'stream',
			// Bounds the wait for the headers inside axios too, where our signal does not reach it.
			timeout: bounds.timeoutMs,
			abortSignal: attempt.signal,
		});
		let raw: RawParts | undefined;
		let failure: unknown;
		let thrown = false;
		try {
			raw = partsOf(await untilAborted(pending, attempt.signal));
		} catch (error) {
			// Past a bound, or cancelled: why the signal aborted. Otherwise a status n8n threw is an answer.
			failure = attempt.signal.aborted ? attempt.signal.reason : error;
			raw = attempt.signal.aborted ? undefined : partsInside(error);
			thrown = raw !== undefined;
		}
		if (!raw) throw failure;
		status = raw.status;
		const headers = normalizeHeaders(raw.headers);
		const body = await readBody(raw.data, headers, bounds.maxBytes, attempt, status);
		return { status, body, headers, ...(thrown ? { thrown } : {}) };
	} finally {
		clearTimeout(timer);
		for (const signal of signals) signal.removeEventListener('abort', cancel);
	}
}

interface RawParts {
	status: number;
	data: unknown;
	headers: unknown;
}

/** A full response as n8n's helpers return it (`returnFullResponse`). */
function partsOf(response: unknown): RawParts {
	const { statusCode, body, headers } = (response ?? {}) as { statusCode?: unknown; body?: unknown; headers?: unknown };
	return { status: Number(statusCode ?? 0), data: body, headers };
}

/** The HTTP answer inside an error thrown for a status (n8n wraps axios' error, which holds `response`). */
function partsInside(error: unknown): RawParts | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
		const response = (current as { response?: unknown }).response;
		if (response && typeof response === 'object') {
			const { status, data, headers } = response as { status?: unknown; data?: unknown; headers?: unknown };
			if (typeof status === 'number' && status > 0) return { status, data, headers };
		}
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}

/**
 * `pending`, or the signal's reason as soon as it aborts. An answer that arrives after that has
 * its body destroyed, so its connection does not stay open behind us.
 */
function untilAborted<T>(pending: Promise<T>, signal: AbortSignal): Promise<T> {
	return new Promise<T>((resolve, reject) => {
		const onAbort = () => {
			reject(signal.reason);
			pending.then(
				(late) => destroyBody(partsOf(late).data),
				(error: unknown) => destroyBody(partsInside(error)?.data),
			);
		};
		if (signal.aborted) return onAbort();
		signal.addEventListener('abort', onAbort, { once: true });
		pending.then(
			(value) => {
				signal.removeEventListener('abort', onAbort);
				resolve(value);
			},
			(error: unknown) => {
				signal.removeEventListener('abort', onAbort);
				reject(error);
			},
		);
	});
}

function isStream(data: unknown): data is Readable {
	return Boolean(data) && typeof (data as Readable).on === 'function' && typeof (data as Readable).destroy === 'function';
}

/**
 * Closes an answer's connection without reading the rest of its body. axios 1.x hands the body
 * over wrapped in a Readable.from() generator (its maxContentLength check), and destroying that
 * wrapper only reaches the socket once the generator has started reading: so the body is let
 * flow until its next chunk, then destroyed. (Where our signal reaches axios, aborting it has
 * already closed the socket.)
 */
function destroyBody(data: unknown): void {
	if (!isStream(data) || data.destroyed) return;
	data.on('error', () => undefined);
	data.once('data', () => data.destroy());
	data.resume();
}

/**
 * The body as text parsed when it is JSON, read up to `maxBytes` before `signal` aborts. An n8n
 * that handed the body over already read (not a stream) is only checked against the cap.
 */
async function readBody(data: unknown, headers: HeaderMap, maxBytes: number, attempt: AbortController, status: number): Promise<unknown> {
	if (!isStream(data)) {
		if (typeof data === 'string' && Buffer.byteLength(data) > maxBytes)
			throw new ResponseLimitError('RESPONSE_TOO_LARGE', maxBytes, status);
		return parseMaybeJson(data);
	}
	const { signal } = attempt;
	const declared = Number(headers['content-length']);
	if (Number.isFinite(declared) && declared > maxBytes) {
		const error = new ResponseLimitError('RESPONSE_TOO_LARGE', maxBytes, status);
		attempt.abort(error);
		destroyBody(data);
		throw error;
	}
	const text = await new Promise<string>((resolve, reject) => {
		const chunks: Buffer[] = [];
		let bytes = 0;
		let done = false;
		const finish = (error: unknown, value = '') => {
			if (done) return;
			done = true;
			signal.removeEventListener('abort', onAbort);
			if (error === undefined) return resolve(value);
			// Aborting first closes the socket where our signal reaches axios.
			if (!signal.aborted) attempt.abort(error);
			chunks.length = 0;
			destroyBody(data);
			reject(error);
		};
		const onAbort = () => finish(signal.reason);
		if (signal.aborted) return onAbort();
		signal.addEventListener('abort', onAbort, { once: true });
		data.on('data', (chunk: Buffer | string) => {
			if (done) return;
			const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
			bytes += buffer.length;
			if (bytes > maxBytes) finish(new ResponseLimitError('RESPONSE_TOO_LARGE', maxBytes, status));
			else chunks.push(buffer);
		});
		data.on('end', () => finish(undefined, Buffer.concat(chunks, bytes).toString('utf8')));
		data.on('error', (error: unknown) => finish(error));
		// A stream closed without 'end' or 'error' (a socket cut mid-body).
		data.on('close', () =>
			finish(Object.assign(new Error('the connection closed before the answer was complete'), { code: 'ECONNRESET' })),
		);
	});
	return parseMaybeJson(text);
}

/** JSON text parsed (axios did this before the body came as a stream); anything else as given. */
function parseMaybeJson(body: unknown): unknown {
	if (typeof body !== 'string') return body ?? '';
	const trimmed = body.replace(/^\uFEFF/, '').trim();
	if (!trimmed) return body;
	try {
		return JSON.parse(trimmed) as unknown;
	} catch {
		return body;
	}
}
