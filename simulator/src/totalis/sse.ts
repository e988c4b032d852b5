/**
 * The market-maker quote-request stream over Server-Sent Events: a snapshot of the active
 * requests, then live changes, with a keepalive comment so idle proxies keep the stream open.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock, TimerGroup, TimerHandle } from '../clock';
import type { ConnectionFaultSwitches } from '../faults';
import type { TypedEvents } from '../typedEvents';
import type { Identity } from './identities';
import type { QuoteRequestPayload } from './protocol';
import type { TotalisSimEvents } from './simEvents';

interface Stream {
	id: number;
	res: ServerResponse;
	/** Per-stream SSE `id:` sequence. */
	nextEventId: number;
	keepalive?: TimerHandle;
}

export interface SseGatewayDeps {
	switches: ConnectionFaultSwitches;
	events: TypedEvents<TotalisSimEvents>;
	timers: TimerGroup;
	clock: Clock;
	keepaliveMs: number;
	/** The active quote requests, for the snapshot a new stream starts with. */
	snapshot(): QuoteRequestPayload[];
}

export class SseGateway {
	private readonly streams = new Set<Stream>();
	private nextStreamId = 1;

	constructor(private readonly deps: SseGatewayDeps) {}

	/** Takes over an authenticated request; `headers` are added to the 200 (rate-limit headers). */
	open(req: IncomingMessage, res: ServerResponse, identity: Identity, headers: Record<string, string> = {}): void {
		const { events, timers, clock, keepaliveMs } = this.deps;
		const stream: Stream = { id: this.nextStreamId++, res, nextEventId: 1 };
		this.streams.add(stream);
		res.writeHead(200, {
			'Content-Type': 'text/event-stream',
			'Cache-Control': 'no-cache',
			Connection: 'keep-alive',
			'X-Accel-Buffering': 'no',
			...headers,
		});
		res.flushHeaders();
		req.socket.setKeepAlive(true);
		const onClosed = (): void => {
			if (!this.streams.delete(stream)) return;
			timers.cancel(stream.keepalive);
			events.emit('sse:close', { streamId: stream.id });
		};
		res.on('close', onClosed);
		res.on('error', onClosed);
		events.emit('sse:connection', { streamId: stream.id, mmId: identity.mmId });

		// connected / snapshot_* payloads are our guess [inferred]: the docs only name the events.
		const requests = this.deps.snapshot();
		this.writeEvent(stream, 'connected', { mm_id: identity.mmId, server_time: new Date(clock.now()).toISOString() });
		this.writeEvent(stream, 'snapshot_begin', { count: requests.length });
		for (const request of requests) this.writeEvent(stream, 'quote_request', request);
		this.writeEvent(stream, 'snapshot_complete', { count: requests.length });
		stream.keepalive = timers.every(keepaliveMs, () => this.write(stream, ': keepalive\n\n'));
	}

	broadcast(event: string, data: unknown): number {
		let sent = 0;
		for (const stream of this.streams) if (this.writeEvent(stream, event, data)) sent += 1;
		return sent;
	}

	/** Writes an event whose data line is `dataText` verbatim (fault injection). */
	broadcastRaw(event: string, dataText: string): number {
		let sent = 0;
		for (const stream of this.streams) {
			if (this.write(stream, `event: ${event}\nid: ${stream.nextEventId++}\ndata: ${dataText}\n\n`)) sent += 1;
		}
		return sent;
	}

	/** Writes text made for each stream (given its next event id) verbatim, line ends or not (fault injection). */
	writeRawAll(text: (eventId: number) => string): number {
		let sent = 0;
		for (const stream of this.streams) if (this.write(stream, text(stream.nextEventId++))) sent += 1;
		return sent;
	}

	openCount(): number {
		return this.streams.size;
	}

	/** Cuts every stream mid-flight, as a network failure would. */
	destroyAll(): number {
		const count = this.streams.size;
		for (const stream of [...this.streams]) stream.res.destroy();
		return count;
	}

	close(): void {
		this.destroyAll();
	}

	private writeEvent(stream: Stream, event: string, data: unknown): boolean {
		// JSON.stringify never emits a raw newline, so one data: line is always enough.
		return this.write(stream, `event: ${event}\nid: ${stream.nextEventId++}\ndata: ${JSON.stringify(data)}\n\n`);
	}

	private write(stream: Stream, text: string): boolean {
		if (this.deps.switches.silenced || stream.res.destroyed || stream.res.writableEnded) return false;
		stream.res.write(text);
		return true;
	}
}
