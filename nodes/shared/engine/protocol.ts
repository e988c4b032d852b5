/**
 * The venue-specific half of a stream: what to say after connecting (auth, subscriptions),
 * how to keep the connection alive, and what each decoded frame means. The engine does the rest.
 */
import type { CloseInfo, RawFrame } from './transport';

/** One venue event, before it becomes an item. */
export interface VenueEvent {
	/** The venue's event name, unchanged (`quote:accepted`, `liquidity.update`, an SSE event name). */
	event: string;
	/** The payload, unknown fields kept. */
	data: Record<string, unknown>;
	/** Identity of the thing the event is about, for keep-latest-per-key (a symbol, a request id). */
	key?: string;
	/** A stable id of this very event, passed to n8n as the execution's deduplication key. */
	deduplicationKey?: string;
	/**
	 * The deduplication key is `<venue>:<event>:<key>`, made where a delivery mode reads it
	 * (`deduplicationKeyOf`) instead of per frame: batches never read it.
	 */
	deduplicatedByKey?: boolean;
	/** Extra top-level item fields a venue wants to add (e.g. `snapshot: true`). */
	annotations?: Record<string, unknown>;
}

/** One frame's event, the decode result and the event in one object. */
export interface DecodedEvent extends VenueEvent {
	kind: 'event';
}

export type Decoded =
	| DecodedEvent
	/** One frame that carries several events (a list of changes, one item each). */
	| { kind: 'events'; events: VenueEvent[] }
	/** Control traffic with nothing for the workflow: pongs, acks, heartbeats, markers. */
	| { kind: 'control' }
	/** The frame broke the venue's schema: counted, reported, dropped. */
	| { kind: 'invalid'; reason: string }
	/** The venue says this connection can never work (credentials revoked): stop, surface once. */
	| { kind: 'fatal'; reason: string; code?: string };

/** A frame decoded from JSON (or null for an empty SSE data field), with the text it came from. */
export interface Frame extends RawFrame {
	value: unknown;
}

export interface HandshakeSession {
	/** Sends a message on the new connection. */
	send(message: unknown): void;
	/**
	 * Resolves with the first later frame for which `pick` returns something other than undefined.
	 * `pick` may throw a StreamFailure to fail the handshake (an auth error, a refused channel).
	 * Frames it passes over are delivered as ordinary frames once the handshake is done.
	 */
	next<T>(pick: (frame: Frame) => T | undefined): Promise<T>;
	/** Aborted when this connection is given up (the stream stops, the handshake fails): for work of the handshake's own, such as a token request. */
	signal: AbortSignal;
}

/**
 * The connection a protocol is streaming on, for what it must say on its own: a request for a
 * fresh snapshot, a renewed token. Handed out per connection; useless once that one has ended.
 */
export interface LiveConnection {
	/** Sends a message; false when the connection can no longer send. */
	send(message: unknown): boolean;
	/** Replaces the connection now, as a planned reconnect (the next item reports it as a gap). */
	replace(reason: string): void;
}

export type Heartbeat =
	/** Send this venue message every interval; the answer (and any traffic) feeds the watchdog. */
	| { kind: 'message'; message: () => unknown }
	/** Send a WebSocket protocol ping every interval. */
	| { kind: 'protocolPing' }
	/** Nothing to send (SSE): only the venue's own traffic proves the connection alive. */
	| { kind: 'none' };

export interface VenueProtocol {
	readonly venue: string;
	/** Which of the venue's streams this is (`websocket`, `quoteRequestStream`, …). */
	readonly source: string;
	readonly heartbeat: Heartbeat;
	/**
	 * Runs after every connect: authenticate and subscribe; resolves with facts worth keeping (a
	 * user id). A `rotateAtMs` (epoch ms) among them makes the engine replace the connection at
	 * that time, e.g. before a token expires.
	 */
	handshake(session: HandshakeSession): Promise<Record<string, unknown>>;
	/**
	 * The engine reads what this returns at once and keeps none of it but the event's fields, so
	 * a protocol may hand back the same object for every frame (Totalis does: no object per frame).
	 */
	decode(frame: Frame): Decoded;
	/**
	 * Called when a connection starts streaming (after the handshake, before any frame is
	 * decoded); the function it returns runs when that connection ends. For work that needs the
	 * live connection: re-authenticating in place, asking for a resnapshot.
	 */
	streaming?(live: LiveConnection): (() => void) | void;
	/** Called after the current connection closed, whoever closed it (a venue close code says why). */
	connectionClosed?(info: CloseInfo): void;
}
