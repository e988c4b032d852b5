import type { Redactor } from '../redact';
import { assertStreamUrlAllowed, type DomainRestriction } from './allowedDomains';
import { StreamFailure } from './errors';

/**
 * What the engine needs from a transport (WebSocket, Server-Sent Events): open one connection,
 * hand over each frame's text, report any sign of life, send, and close. Reconnecting is not
 * the transport's job; the engine opens a new connection.
 */
export interface RawFrame {
	/** The frame's text (a WebSocket text message, an SSE event's data). */
	text: string;
	/** Its size in bytes as received. */
	bytes: number;
	/** The SSE event name, for transports that have one. */
	eventName?: string;
}

export interface CloseInfo {
	/** What ended the connection, in words safe to show (already redacted). */
	reason: string;
	/** The WebSocket close code, when there was one. */
	code?: number;
	/** True when our side closed it on purpose (stop, watchdog, handshake failure). */
	initiatedLocally: boolean;
}

export interface ConnectionHandlers {
	/** A frame's text and size (and SSE event name): plain values, so the engine makes one object per frame, not two. */
	onFrame(text: string, bytes: number, eventName?: string): void;
	/** Any traffic that proves the connection alive, frames included (pongs, pings, SSE comments). */
	onActivity(): void;
	/** Called exactly once when the connection is gone, whoever closed it. */
	onClose(info: CloseInfo): void;
	/**
	 * A frame that arrived whole but is not text (a WebSocket text message that is not valid
	 * UTF-8): counted and reported as a bad frame, and the connection goes on. `excerpt` is the
	 * frame read with replacement characters, for the log (the engine redacts it).
	 */
	onUnreadableFrame(reason: string, excerpt: string, bytes: number): void;
	/**
	 * A frame above `maxFrameBytes` was refused before it was read in full (a WebSocket message
	 * past `maxPayload`, an SSE line or event past the limit). The engine counts it and reports it
	 * as a gap; the transport decides whether the connection survives (SSE) or not (WebSocket 1009).
	 */
	onOversizedFrame(): void;
}

/** How the engine asks for one connection. */
export interface OpenOptions {
	/** Opening (TCP, TLS, HTTP upgrade or the stream's response) may take this long. */
	timeoutMs: number;
	/** The largest frame the transport may buffer; a larger one is dropped unread (`onOversizedFrame`). */
	maxFrameBytes: number;
	/**
	 * Aborted when the engine stops: opening rejects at once and closes whatever it had opened, so
	 * closing a trigger never waits for a connect timeout or a login.
	 */
	signal: AbortSignal;
}

export interface Connection {
	/** Sends a message (JSON-encoded); false when the transport cannot send or the socket is not open. */
	send(message: unknown): boolean;
	/** Sends a transport-level ping (WebSocket control frame) where the transport has one. */
	sendProtocolPing(): boolean;
	/** Graceful close. */
	close(reason: string): void;
	/** Immediate teardown, for a connection that stopped answering. */
	terminate(reason: string): void;
}

/**
 * Where a transport connects; `url` may carry a key in its query string (never printed
 * unredacted). A function is asked again before every connection, for URLs that carry a token
 * obtained by logging in; it may throw a StreamFailure (credentials refused). It is given the
 * connect timeout, and its signal aborts when that passes or the engine stops (see resolveUrl).
 */
export interface TransportOptions {
	url: string | ((signal: AbortSignal) => string | Promise<string>);
	/** What the URL function does, for the error when it outlasts the connect timeout ("the Helio login at https://…"). */
	urlStep?: string;
	headers?: Record<string, string>;
	redactor: Redactor;
	/** The credential's "Allowed HTTP Request Domains" list: a URL outside it is refused before connecting. */
	domains?: DomainRestriction;
}

export interface Transport {
	/** A description of the endpoint, safe to show (secrets in the URL redacted). */
	readonly endpoint: string;
	/**
	 * Opens one connection. Rejects with a StreamFailure (auth, unreachable, timeout; closed once
	 * `options.signal` aborts) when it cannot. Frames that arrive after open are passed to
	 * `handlers` at once.
	 */
	open(handlers: ConnectionHandlers, options: OpenOptions): Promise<Connection>;
}

/** The failure an aborted open rejects with: the signal's reason when the engine gave one. */
export function abortFailure(signal: AbortSignal): StreamFailure {
	const reason: unknown = signal.reason;
	return reason instanceof StreamFailure ? reason : new StreamFailure('closed', 'stopped while connecting');
}

/**
 * The URL for the next connection, refused when the credential's allowed domains leave its host
 * out. A URL function (a login, a token renewal) gets a signal that
 * aborts after `timeoutMs` or when `stop` aborts, and is not waited for past either: a venue
 * that holds the login answer cannot hold the trigger's activation or its close.
 */
export async function resolveUrl(options: TransportOptions, timeoutMs: number, stop: AbortSignal): Promise<string> {
	const url = await urlFor(options, timeoutMs, stop);
	// The one place every stream URL passes, whoever built it (a login may name another host).
	assertStreamUrlAllowed(url, options.domains);
	return url;
}

async function urlFor(options: TransportOptions, timeoutMs: number, stop: AbortSignal): Promise<string> {
	const { url } = options;
	if (typeof url === 'string') return url;
	if (stop.aborted) throw abortFailure(stop);
	const attempt = new AbortController();
	const step = options.urlStep ?? 'the login before connecting';
	const timer = setTimeout(() => attempt.abort(new StreamFailure('timeout', `${step} did not finish within ${timeoutMs} ms`)), timeoutMs);
	const onStop = () => attempt.abort(abortFailure(stop));
	stop.addEventListener('abort', onStop, { once: true });
	try {
		return await new Promise<string>((resolve, reject) => {
			const onAbort = () => reject(attempt.signal.reason);
			if (attempt.signal.aborted) return onAbort();
			attempt.signal.addEventListener('abort', onAbort, { once: true });
			Promise.resolve()
				.then(() => url(attempt.signal))
				.then(resolve, reject)
				.finally(() => attempt.signal.removeEventListener('abort', onAbort));
		});
	} finally {
		clearTimeout(timer);
		stop.removeEventListener('abort', onStop);
	}
}
