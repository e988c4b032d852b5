import type { Redactor } from '../redact';

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
	onFrame(frame: RawFrame): void;
	/** Any traffic that proves the connection alive, frames included (pongs, pings, SSE comments). */
	onActivity(): void;
	/** Called exactly once when the connection is gone, whoever closed it. */
	onClose(info: CloseInfo): void;
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
 * obtained by logging in; it may throw a StreamFailure (credentials refused).
 */
export interface TransportOptions {
	url: string | (() => string | Promise<string>);
	headers?: Record<string, string>;
	redactor: Redactor;
}

export interface Transport {
	/** A description of the endpoint, safe to show (secrets in the URL redacted). */
	readonly endpoint: string;
	/**
	 * Opens one connection. Rejects with a StreamFailure (auth, unreachable, timeout) when it cannot.
	 * Frames that arrive after open are passed to `handlers` at once.
	 */
	open(handlers: ConnectionHandlers, options: OpenOptions): Promise<Connection>;
}

/** The URL for the next connection. */
export async function resolveUrl(url: TransportOptions['url']): Promise<string> {
	return typeof url === 'function' ? await url() : url;
}
