/** Faults on demand for the simulated Totalis, built on the shared switches of ../faults. */
import type { Clock } from '../clock';
import {
	OVERSIZED_FRAME_BYTES,
	refuseAuthFor,
	refusingAuth,
	type ConnectionFaultSwitches,
	type FaultTransport,
	type RestFaultQueue,
	type RestFaultRule,
	type StreamedAnswer,
} from '../faults';
import type { HeartbeatHold } from './rest';
import type { SseGateway } from './sse';
import type { WebSocketGateway } from './websocket';

export type MalformedKind = 'invalid-json' | 'schema' | 'oversized';

export interface FaultTarget {
	/** Default 'websocket'. */
	transport?: FaultTransport;
}

export interface TotalisFaultDeps {
	websocket: WebSocketGateway;
	sse: SseGateway;
	switches: ConnectionFaultSwitches;
	restFaults: RestFaultQueue;
	heartbeatHold: HeartbeatHold;
	/** Shared with the REST API, which reads it on every quote. */
	quoteRaces: Set<string>;
	clock: Clock;
}

export class TotalisFaults {
	constructor(private readonly deps: TotalisFaultDeps) {}

	/** Terminates every WebSocket and cuts every SSE stream, without a closing handshake. */
	dropConnections(): { sockets: number; streams: number } {
		return { sockets: this.deps.websocket.terminateAll(), streams: this.deps.sse.destroyAll() };
	}

	/**
	 * Sockets and streams stay open but the server sends nothing: no events, no pong (app or
	 * protocol level), no SSE keepalive. Events produced meanwhile are lost, as on a dead link.
	 */
	silence(on = true): void {
		this.deps.switches.silenced = on;
	}

	/** Every WebSocket auth is answered auth:error (then the socket is closed). */
	rejectAuth(on = true): void {
		this.deps.switches.authRejected = on;
	}

	/**
	 * Every key is refused for `durationMs`, then accepted again by itself: WebSocket auth is
	 * answered `auth:error` (then the socket is closed), the SSE stream and REST calls 401.
	 * Open connections are left alone (drop them to make clients authenticate again).
	 */
	refuseAuth(durationMs: number): void {
		refuseAuthFor(this.deps.switches, this.deps.clock, durationMs);
	}

	get refusingAuth(): boolean {
		return refusingAuth(this.deps.switches, this.deps.clock);
	}

	get silenced(): boolean {
		return this.deps.switches.silenced;
	}

	get authRejected(): boolean {
		return this.deps.switches.authRejected;
	}

	/**
	 * Sends a bad frame to every authenticated socket (and/or every SSE stream): broken JSON, a
	 * known event with wrongly typed fields, or a ~2 MB frame. Returns how many got it.
	 */
	sendMalformed(kind: MalformedKind, target: FaultTarget = {}): number {
		const transport = target.transport ?? 'websocket';
		let sent = 0;
		if (transport !== 'sse') sent += this.deps.websocket.broadcastRaw(malformedWebSocketFrame(kind));
		if (transport !== 'websocket') sent += this.deps.sse.broadcastRaw('quote_request', malformedSseData(kind));
		return sent;
	}

	/**
	 * Sends one WebSocket text frame of exactly `bytes` bytes (a `quote:accepted` padded with x) to
	 * every authenticated socket: far above any client's frame limit, as a broken venue once sent
	 * 90 MB. A client that limits frames at the socket refuses it from its header (close 1009).
	 */
	hugeFrame(bytes: number): number {
		return this.deps.websocket.broadcastRaw(paddedJson('{"type":"quote:accepted","data":{"padding":"', '"}}', bytes));
	}

	/**
	 * Writes a `quote_request` event to every SSE stream whose data line is `bytes` of x with no line
	 * end, as a broken venue once sent 16 MB. Whatever the stream writes next (a keepalive, an event)
	 * ends that line, so the event it opened is lost to a client that drops over-long lines; the
	 * events after it arrive.
	 */
	unterminatedLine(bytes: number): number {
		const line = `data: ${'x'.repeat(positiveBytes(bytes))}`;
		return this.deps.sse.writeRawAll((id) => `event: quote_request\nid: ${id}\n${line}`);
	}

	/**
	 * Sends a WebSocket text frame that is not valid UTF-8 (a known event whose `quote_id` holds
	 * the byte 0xFF) to every authenticated socket. Returns how many got it.
	 */
	sendInvalidUtf8(): number {
		const [before, after] = ['{"type":"quote:expired","data":{"quote_id":"bad-', '","rfq_id":"r"}}'];
		return this.deps.websocket.broadcastRawBytes(Buffer.concat([Buffer.from(before), Buffer.from([0xff]), Buffer.from(after)]));
	}

	/** Sends an event type no client knows yet (`quote:future_thing`), with data. */
	sendUnknownEvent(target: FaultTarget & { type?: string; data?: unknown } = {}): number {
		const transport = target.transport ?? 'websocket';
		const data = target.data ?? { quote_id: 'future-0001', note: 'an event type added after this client was written' };
		let sent = 0;
		if (transport !== 'sse') sent += this.deps.websocket.broadcastRaw(JSON.stringify({ type: target.type ?? 'quote:future_thing', data }));
		if (transport !== 'websocket') sent += this.deps.sse.broadcastRaw(target.type ?? 'quote_request:future_thing', JSON.stringify(data));
		return sent;
	}

	/** Rejects (with the venue's error envelope) or delays the next `times` matching REST calls. */
	failRest(rule: RestFaultRule): void {
		this.deps.restFaults.add(rule);
	}

	/**
	 * From now on every `POST /v1/mm/heartbeat` is counted when it arrives (the `heartbeat` event,
	 * lastHeartbeat()) but answered only `ms` later, as a venue slow to answer; 0 answers at once again.
	 */
	holdHeartbeats(ms: number): void {
		if (!Number.isFinite(ms) || ms < 0) throw new Error('holdHeartbeats: ms must be a number >= 0');
		this.deps.heartbeatHold.ms = ms;
	}

	/**
	 * The next quote on this request loses a race: as it arrives the request moves on to a new
	 * version (as `updateQuoteRequest`, with its `quote_request:updated` event), so the quote is
	 * answered 409 `version_mismatch` and the new version is there to quote.
	 */
	raceNextQuote(requestId: string): void {
		this.deps.quoteRaces.add(requestId);
	}

	/** How many injected REST faults are still waiting for a call. */
	pendingRestFaults(): number {
		return this.deps.restFaults.pending();
	}

	/** What became of each slowLoris and bodyBytes answer so far. */
	streamedAnswers(): readonly StreamedAnswer[] {
		return this.deps.restFaults.streamed;
	}

	/** Switches every fault off and forgets pending REST faults. */
	reset(): void {
		this.deps.switches.silenced = false;
		this.deps.switches.authRejected = false;
		this.deps.switches.authRefusedUntil = 0;
		this.deps.restFaults.clear();
		this.deps.heartbeatHold.ms = 0;
		this.deps.quoteRaces.clear();
	}
}

function malformedWebSocketFrame(kind: MalformedKind): string {
	switch (kind) {
		case 'invalid-json':
			return '{"type":"quote:accepted","data":{"quote_id":"7d3a2f1e-4b8c';
		case 'schema':
			return JSON.stringify({ type: 'quote:accepted', data: { quote_id: 42, rfq_id: null, confirmation_deadline: 'soon' } });
		case 'oversized':
			return JSON.stringify({
				type: 'quote:accepted',
				data: {
					quote_id: '00000000-0000-4000-8000-000000000000',
					rfq_id: '00000000-0000-4000-8000-000000000001',
					confirmation_deadline: new Date(0).toISOString(),
					padding: 'x'.repeat(OVERSIZED_FRAME_BYTES),
				},
			});
	}
}

function malformedSseData(kind: MalformedKind): string {
	switch (kind) {
		case 'invalid-json':
			return '{"id":"1a6d1f06-9d4f';
		case 'schema':
			return JSON.stringify({ id: 42, version: 'three', request_hash: null, legs: 'none', bet_amount: '25' });
		case 'oversized':
			return JSON.stringify({ id: '00000000-0000-4000-8000-000000000002', padding: 'x'.repeat(OVERSIZED_FRAME_BYTES) });
	}
}

function positiveBytes(bytes: number): number {
	if (!Number.isInteger(bytes) || bytes < 1) throw new Error('faults: bytes must be a positive integer');
	return bytes;
}

/** `prefix`, x padding, `suffix`: `bytes` bytes in all (or the bare shell when that is longer). */
function paddedJson(prefix: string, suffix: string, bytes: number): string {
	return `${prefix}${'x'.repeat(Math.max(0, positiveBytes(bytes) - prefix.length - suffix.length))}${suffix}`;
}
