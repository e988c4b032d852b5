import type { IDataObject } from 'n8n-workflow';

import type { Delivered, StreamItem } from '../items';
import { ArrivalClock } from '../isoClock';
import type { Redactor } from '../redact';
import { Backoff, RefusalBackoff, type BackoffPolicy, type RefusalRetryPolicy } from './backoff';
import { describeError, StreamFailure } from './errors';
import { decodeFrame, frameExcerpt } from './frames';
import { GapTracker } from './gap';
import type { Frame, VenueEvent, VenueProtocol } from './protocol';
import type { CloseInfo, Connection, Transport } from './transport';
import { Watchdog } from './watchdog';

export interface StreamTiming {
	/** Opening the connection (TCP, TLS, HTTP upgrade); a login or token renewal for its URL has as long again. */
	connectTimeoutMs: number;
	/** Auth and subscriptions after opening. */
	handshakeTimeoutMs: number;
	/** How often the heartbeat (app ping or protocol ping) is sent. */
	heartbeatIntervalMs: number;
	/** No traffic at all for this long means the connection is dead: it is replaced. */
	silenceTimeoutMs: number;
	backoff: BackoffPolicy;
	/** Retries after the venue refused the credentials or a subscription once started (default: 15 s doubling to 5 min). */
	refusalRetry?: RefusalRetryPolicy;
	/**
	 * The trigger host records such a refusal as a failed execution at most once per this period
	 * (default 10 min). Not used by the engine; kept with the other timings the options set.
	 */
	refusalReportIntervalMs?: number;
}

export const DEFAULT_REFUSAL_RETRY: RefusalRetryPolicy = { initialDelayMs: 15_000, maxDelayMs: 300_000 };
export const DEFAULT_REFUSAL_REPORT_INTERVAL_MS = 600_000;

/** Where a refusal after start stands, for whoever reports it. */
export interface RefusalState {
	/** Refused attempts in a row, this one included. */
	attempts: number;
	/** When the venue first refused (epoch ms). */
	sinceMs: number;
	/** When the next attempt is made. */
	retryInMs: number;
}

export interface EngineLogger {
	debug(message: string, meta?: IDataObject): void;
	info(message: string, meta?: IDataObject): void;
	warn(message: string, meta?: IDataObject): void;
	error(message: string, meta?: IDataObject): void;
}

export interface BadFrameReport {
	reason: string;
	/** A redacted excerpt of the frame. */
	excerpt: string;
	/** Its size; for a frame the transport refused unread, the limit plus one (all that is known). */
	bytes: number;
	/** Bad frames so far on this stream. */
	total: number;
}

export interface StreamEngineOptions {
	transport: Transport;
	protocol: VenueProtocol;
	redactor: Redactor;
	logger: EngineLogger;
	timing: StreamTiming;
	maxFrameBytes: number;
	/** Receives every event as an item, in order. Not called after stop(). */
	onEvent(delivered: Delivered): void;
	onBadFrame?(report: BadFrameReport): void;
	/**
	 * A permanent failure after a successful start (credentials or a subscription refused), when
	 * there is no `onRefused`: the engine has stopped. Called at most once.
	 */
	onFatal?(failure: StreamFailure): void;
	/**
	 * With this, a permanent failure after a successful start does not stop the engine: it retries
	 * on the slower `timing.refusalRetry`, and calls this after every refused attempt. A trigger
	 * must stay active (n8n's emitError would leave two live copies of it); the venue may accept
	 * again, or the user may fix the credential.
	 */
	onRefused?(failure: StreamFailure, state: RefusalState): void;
	/**
	 * Reads the credential again before each reconnect, so a key the user fixed is used without
	 * re-activating. A failure is logged and the credential already read is used.
	 */
	refreshCredentials?(): Promise<void>;
	/** After every successful (re)connect, with the handshake's facts. */
	onConnected?(session: Record<string, unknown>, connectionId: number): void;
	random?: () => number;
}

export interface StreamStats {
	connections: number;
	reconnects: number;
	frames: number;
	events: number;
	badFrames: number;
}

type Phase = 'handshake' | 'streaming' | 'closed';

/** Read through a function: the phase changes in callbacks while `connect()` awaits. */
function isClosed(link: Link): boolean {
	return link.phase === 'closed';
}

/** The state of one connection; frames from an older connection are ignored. */
interface Link {
	id: number;
	connection?: Connection;
	/** Aborted when the link is retired (stop, close): opening and the handshake give up at once. */
	abort: AbortController;
	phase: Phase;
	openedAt: number;
	sequence: number;
	/** Frames that arrived during the handshake and were not consumed by it. */
	held: Frame[];
	waiter?: { pick: (frame: Frame) => unknown; resolve: (value: unknown) => void; reject: (error: Error) => void };
	closed?: (info: CloseInfo) => void;
	watchdog?: Watchdog;
	heartbeat?: NodeJS.Timeout;
	/** A planned replacement (credentials about to expire): why, and its timer. */
	planned?: string;
	rotateTimer?: NodeJS.Timeout;
	/** What the protocol asked to run when this connection stops streaming. */
	endStreaming?: () => void;
	/** The venue withdrew its consent on this live connection (a revoked key): retried as a refusal. */
	refused?: StreamFailure;
}

/** setTimeout's ceiling (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * One self-healing venue stream: connect, handshake (auth + subscribe), keep alive, detect a
 * dead connection, reconnect with backoff and jitter, and hand every valid event on with where
 * it came from and whether a gap preceded it. Venue specifics live in the protocol; the wire in
 * the transport.
 */
export class StreamEngine {
	private readonly backoff: Backoff;
	private readonly refusalBackoff: RefusalBackoff;
	/** Set while the venue refuses after start: since when, how many attempts, and why (noted once in the gap). */
	private refusal: { sinceMs: number; attempts: number; what: string; reason: string } | undefined;
	private readonly gap = new GapTracker();
	private readonly counters: StreamStats = { connections: 0, reconnects: 0, frames: 0, events: 0, badFrames: 0 };
	private link: Link | undefined;
	private linkCounter = 0;
	private reconnectTimer: NodeJS.Timeout | undefined;
	private stopped = false;
	private started = false;
	private stopping: Promise<void> | undefined;
	private connecting: Promise<unknown> | undefined;
	private readonly clock = new ArrivalClock();

	constructor(private readonly options: StreamEngineOptions) {
		this.backoff = new Backoff(options.timing.backoff, options.random);
		this.refusalBackoff = new RefusalBackoff(options.timing.refusalRetry ?? DEFAULT_REFUSAL_RETRY, options.random);
	}

	get stats(): Readonly<StreamStats> {
		return this.counters;
	}

	get isStopped() {
		return this.stopped;
	}

	/**
	 * Opens the first connection and completes its handshake. Rejects with a StreamFailure when
	 * it cannot (wrong key, wrong URL, venue down) within the connect and handshake timeouts.
	 */
	async start(): Promise<Record<string, unknown>> {
		if (this.started) throw new Error('StreamEngine.start() called twice');
		this.started = true;
		// Stopped before it started (a manual run closed before it began): open nothing.
		if (this.stopped) throw new StreamFailure('closed', 'stopped before starting');
		return await this.track(this.connect());
	}

	/** Closes the connection and cancels every timer; nothing is delivered afterwards. Idempotent. */
	stop(reason = 'stopped'): Promise<void> {
		this.stopping ??= this.shutdown(reason);
		return this.stopping;
	}

	/** Remembers a connect in flight, so stop() can wait until whatever it opened is closed again. */
	private track<T>(connecting: Promise<T>): Promise<T> {
		this.connecting = connecting;
		return connecting;
	}

	/**
	 * Returns promptly in every state: a connect or a handshake in flight is aborted (retiring the
	 * link aborts its signal), a backoff timer is cleared, and only a connection that was streaming
	 * gets a graceful close, bounded by the transport's short grace.
	 */
	private async shutdown(reason: string) {
		this.stopped = true;
		clearTimeout(this.reconnectTimer);
		const inFlight = this.connecting;
		const link = this.link;
		if (!link || link.phase === 'closed') {
			await inFlight?.catch(() => {});
			return;
		}
		const gone = new Promise<void>((resolve) => {
			const previous = link.closed;
			link.closed = (info) => {
				previous?.(info);
				resolve();
			};
		});
		const wasStreaming = link.phase === 'streaming';
		this.retire(link, new StreamFailure('closed', `stream ${reason}`));
		if (link.connection) {
			// A handshake has nobody to say goodbye to: the venue is not answering, or we gave up on it.
			if (wasStreaming) link.connection.close(reason);
			else link.connection.terminate(reason);
			await gone;
		}
		// A connect still opening sees the abort and closes what it opened; wait for that.
		await inFlight?.catch(() => {});
	}

	private async connect(): Promise<Record<string, unknown>> {
		const { transport, protocol, timing } = this.options;
		const link: Link = {
			id: ++this.linkCounter,
			abort: new AbortController(),
			phase: 'handshake',
			openedAt: 0,
			sequence: 0,
			held: [],
		};
		this.link = link;
		this.counters.connections++;

		const connection = await transport.open(
			{
				onFrame: (text, bytes, eventName) => this.onFrame(link, text, bytes, eventName),
				onActivity: () => link.watchdog?.feed(),
				onClose: (info) => this.onClose(link, info),
				onOversizedFrame: () => this.onOversizedFrame(link),
				onUnreadableFrame: (reason, excerpt, bytes) => this.onUnreadableFrame(link, reason, excerpt, bytes),
			},
			{ timeoutMs: timing.connectTimeoutMs, maxFrameBytes: this.options.maxFrameBytes, signal: link.abort.signal },
		);
		link.connection = connection;
		link.openedAt = performance.now();
		if (this.stopped || isClosed(link)) {
			// stop() ran just as the connection opened: cut what just opened before reporting.
			await new Promise<void>((resolve) => {
				link.closed = () => resolve();
				connection.terminate('stopped');
			});
			throw new StreamFailure('closed', 'stopped while connecting');
		}

		let handshakeTimer: NodeJS.Timeout | undefined;
		try {
			const session = await Promise.race([
				protocol.handshake({
					send: (message) => {
						connection.send(message);
					},
					next: <T>(pick: (frame: Frame) => T | undefined) => this.awaitFrame(link, pick),
					signal: link.abort.signal,
				}),
				// A handshake awaiting something else than a frame (a token renewal) ends with the link too.
				new Promise<never>((_, reject) => {
					link.abort.signal.addEventListener('abort', () => reject(link.abort.signal.reason as Error), { once: true });
				}),
				new Promise<never>((_, reject) => {
					handshakeTimer = setTimeout(
						() =>
							reject(
								new StreamFailure(
									'timeout',
									`${protocol.venue} did not complete authentication and subscription within ${timing.handshakeTimeoutMs} ms`,
								),
							),
						timing.handshakeTimeoutMs,
					);
				}),
			]);
			clearTimeout(handshakeTimer);
			if (this.stopped || isClosed(link)) throw new StreamFailure('closed', 'stopped during handshake');
			// Before any item of this connection, so the first one carries how long the refusal lasted.
			this.acceptedAgain();
			this.beginStreaming(link, session);
			this.options.onConnected?.(session, link.id);
			return session;
		} catch (error) {
			clearTimeout(handshakeTimer);
			const failure =
				error instanceof StreamFailure ? error : new StreamFailure('closed', this.options.redactor.text(describeError(error)));
			if (!isClosed(link)) {
				this.retire(link, failure);
				connection.terminate(`handshake failed: ${failure.message}`);
			}
			throw failure;
		}
	}

	private awaitFrame<T>(link: Link, pick: (frame: Frame) => T | undefined): Promise<T> {
		return new Promise<T>((resolve, reject) => {
			if (link.phase === 'closed') {
				reject(new StreamFailure('closed', 'connection closed during the handshake'));
				return;
			}
			// Frames may have arrived before the handshake asked (an SSE greeting): offer those first.
			for (let index = 0; index < link.held.length; index++) {
				let picked: T | undefined;
				try {
					picked = pick(link.held[index]);
				} catch (error) {
					reject(error as Error);
					return;
				}
				if (picked !== undefined) {
					link.held.splice(index, 1);
					resolve(picked);
					return;
				}
			}
			link.waiter = { pick, resolve: resolve as (value: unknown) => void, reject };
		});
	}

	private beginStreaming(link: Link, session: Record<string, unknown>) {
		const { timing, protocol } = this.options;
		link.phase = 'streaming';
		// A handshake may say when its credentials stop being valid (a token's expiry): the
		// connection is then replaced in time, with fresh credentials, instead of being cut off.
		const rotateAtMs = session.rotateAtMs;
		if (typeof rotateAtMs === 'number') {
			link.rotateTimer = setTimeout(
				() => this.replace(link, 'the session is about to expire; reconnecting with fresh credentials'),
				Math.min(MAX_TIMER_MS, Math.max(0, rotateAtMs - Date.now())),
			);
		}
		link.watchdog = new Watchdog(timing.silenceTimeoutMs, (silentForMs) => {
			this.options.logger.warn(`${protocol.venue} ${protocol.source}: no traffic for ${silentForMs} ms, replacing the connection`);
			link.connection?.terminate(`no traffic for ${silentForMs} ms (dead connection)`);
		});
		link.watchdog.start();
		const beat = protocol.heartbeat;
		if (beat.kind !== 'none') {
			link.heartbeat = setInterval(() => {
				if (beat.kind === 'message') link.connection?.send(beat.message());
				else link.connection?.sendProtocolPing();
			}, timing.heartbeatIntervalMs);
		}
		const ended = protocol.streaming?.({
			send: (message) => link.phase === 'streaming' && (link.connection?.send(message) ?? false),
			replace: (reason) => this.replace(link, reason),
		});
		if (ended) link.endStreaming = ended;
		const held = link.held;
		link.held = [];
		for (const frame of held) this.deliver(link, frame);
	}

	/** A planned reconnect: close this connection; onClose reconnects at once and reports the gap. */
	private replace(link: Link, reason: string) {
		if (link.phase !== 'streaming' || link.planned) return;
		link.planned = reason;
		this.options.logger.info(`${this.options.protocol.venue} ${this.options.protocol.source}: ${reason}`);
		link.connection?.close(reason);
	}

	private onFrame(link: Link, text: string, bytes: number, eventName: string | undefined) {
		if (link !== this.link || link.phase === 'closed' || link.refused) return;
		link.watchdog?.feed();
		this.counters.frames++;
		const frame = decodeFrame(text, bytes, eventName, this.options.maxFrameBytes);
		if (typeof frame === 'string') {
			this.badFrame(frame, frameExcerpt(text), bytes);
			return;
		}
		if (link.phase === 'handshake') {
			this.offerToHandshake(link, frame);
			return;
		}
		this.deliver(link, frame);
	}

	private offerToHandshake(link: Link, frame: Frame) {
		const waiter = link.waiter;
		if (!waiter) {
			link.held.push(frame);
			return;
		}
		let picked: unknown;
		try {
			picked = waiter.pick(frame);
		} catch (error) {
			link.waiter = undefined;
			waiter.reject(error as Error);
			return;
		}
		if (picked === undefined) {
			link.held.push(frame);
			return;
		}
		link.waiter = undefined;
		waiter.resolve(picked);
	}

	private deliver(link: Link, frame: Frame) {
		const { protocol } = this.options;
		const decoded = protocol.decode(frame);
		switch (decoded.kind) {
			case 'control':
				return;
			case 'invalid':
				this.badFrame(decoded.reason, frameExcerpt(frame.text), frame.bytes);
				return;
			case 'fatal': {
				const failure = new StreamFailure('auth', this.options.redactor.text(decoded.reason), { venueCode: decoded.code });
				if (!this.options.onRefused) {
					this.fail(failure);
					return;
				}
				// End this connection; onClose retries it as a refusal, on the slower backoff.
				link.refused ??= failure;
				link.connection?.terminate(failure.message);
				return;
			}
			case 'event':
				this.emit(link, decoded, frame.bytes);
				return;
			case 'events': {
				const share = Math.ceil(frame.bytes / Math.max(1, decoded.events.length));
				for (const event of decoded.events) this.emit(link, event, share);
			}
		}
	}

	/**
	 * Delivers an event that did not come in a frame (a snapshot fetched over REST after the
	 * venue said "refresh") as the connection's next item, gap included. False, and nothing
	 * delivered, unless a connection is streaming: the next one will bring its own.
	 */
	inject(event: VenueEvent): boolean {
		const link = this.link;
		if (this.stopped || !link || link.phase !== 'streaming') return false;
		this.emit(link, event);
		return true;
	}

	private emit(link: Link, event: VenueEvent, bytes?: number) {
		if (this.stopped) return;
		const { protocol } = this.options;
		link.sequence++;
		this.counters.events++;
		const item: StreamItem = {
			venue: protocol.venue,
			source: protocol.source,
			event: event.event,
			data: event.data as IDataObject,
			receivedAt: this.clock.iso(),
			connection: { id: link.id, sequence: link.sequence },
			gap: this.gap.take(),
		};
		// Most events carry no annotations: no spread (a generic object copy) for them.
		if (event.annotations) Object.assign(item, event.annotations);
		this.options.onEvent({
			item,
			key: event.key,
			deduplicationKey: event.deduplicationKey,
			deduplicatedByKey: event.deduplicatedByKey,
			bytes,
		});
	}

	/**
	 * The transport refused a frame above the limit before reading it whole. Counted and reported
	 * like any bad frame; whether the connection goes on is the transport's business (a WebSocket
	 * is closed with 1009 and reconnected like any drop, an SSE stream goes on).
	 */
	private onOversizedFrame(link: Link) {
		if (link !== this.link || link.phase === 'closed') return;
		this.counters.frames++;
		const limit = this.options.maxFrameBytes;
		this.badFrame(`a frame above ${limit} bytes`, '(not read)', limit + 1);
	}

	/** A frame the transport could not read as text: counted and reported like any bad frame. */
	private onUnreadableFrame(link: Link, reason: string, excerpt: string, bytes: number) {
		if (link !== this.link || link.phase === 'closed' || link.refused) return;
		link.watchdog?.feed();
		this.counters.frames++;
		this.badFrame(reason, frameExcerpt(excerpt), bytes);
	}

	private badFrame(reason: string, excerpt: string, bytes: number) {
		const { protocol, redactor } = this.options;
		this.counters.badFrames++;
		const safeReason = redactor.text(reason);
		this.gap.droppedFrame(`dropped an invalid frame: ${safeReason}`);
		const report: BadFrameReport = {
			reason: safeReason,
			excerpt: redactor.text(excerpt),
			bytes,
			total: this.counters.badFrames,
		};
		this.options.logger.warn(`${protocol.venue} ${protocol.source}: dropped an invalid frame (${safeReason})`, {
			excerpt: report.excerpt,
			bytes: report.bytes,
			badFramesSoFar: report.total,
		});
		this.options.onBadFrame?.(report);
	}

	/** Marks a link closed, settles its handshake waiter, stops its timers and aborts its opening. */
	private retire(link: Link, failure: StreamFailure) {
		if (link.phase === 'closed') return;
		link.phase = 'closed';
		link.abort.abort(failure);
		link.watchdog?.stop();
		clearInterval(link.heartbeat);
		clearTimeout(link.rotateTimer);
		link.held = [];
		const ended = link.endStreaming;
		link.endStreaming = undefined;
		ended?.();
		const waiter = link.waiter;
		link.waiter = undefined;
		waiter?.reject(failure);
	}

	private onClose(link: Link, info: CloseInfo) {
		const wasStreaming = link.phase === 'streaming';
		// A close frame from the venue during the handshake means it answered, then turned us away
		// (1005 and 1006 say no close frame came: the link broke).
		const closeCode = info.initiatedLocally || info.code === 1005 || info.code === 1006 ? undefined : info.code;
		this.retire(link, new StreamFailure('closed', `connection lost during the handshake: ${info.reason}`, { closeCode }));
		link.closed?.(info);
		const { protocol, logger } = this.options;
		if (link === this.link) protocol.connectionClosed?.(info);
		if (link !== this.link || this.stopped || !wasStreaming) return;
		if (link.refused) {
			this.refused(link.refused);
			return;
		}
		if (link.planned) {
			// Our own replacement: reconnect at once, without counting it as a failure.
			this.gap.reconnected(`planned reconnect: ${link.planned}`);
			this.scheduleReconnect(0);
			return;
		}
		this.backoff.connectionEnded(performance.now() - link.openedAt);
		this.gap.reconnected(`connection lost: ${info.reason}`);
		logger.info(`${protocol.venue} ${protocol.source}: connection lost (${info.reason}); reconnecting`);
		this.scheduleReconnect();
	}

	private scheduleReconnect(delayMs = this.backoff.nextDelayMs()) {
		if (this.stopped) return;
		this.reconnectTimer = setTimeout(() => void this.reconnect(), delayMs);
	}

	private async reconnect() {
		if (this.stopped) return;
		const { protocol, logger } = this.options;
		try {
			await this.track(this.freshConnect());
			this.counters.reconnects++;
			logger.info(`${protocol.venue} ${protocol.source}: reconnected (connection ${this.link?.id})`);
		} catch (error) {
			if (this.stopped) return;
			const failure = error as StreamFailure;
			if (failure.permanent) {
				this.refused(failure);
				return;
			}
			this.gap.reconnected(`reconnect failed: ${failure.message}`);
			logger.warn(`${protocol.venue} ${protocol.source}: reconnect failed (${failure.message}); retrying`);
			this.scheduleReconnect();
		}
	}

	/** A reconnect with the credential as it is stored now. */
	private async freshConnect(): Promise<Record<string, unknown>> {
		const refresh = this.options.refreshCredentials;
		if (refresh) {
			try {
				await refresh();
			} catch (error) {
				const { protocol, redactor, logger } = this.options;
				logger.warn(
					`${protocol.venue} ${protocol.source}: could not read the credential again (${redactor.text(describeError(error))}); using the one read before`,
				);
			}
			if (this.stopped) throw new StreamFailure('closed', 'stopped while reading the credential');
		}
		return await this.connect();
	}

	/**
	 * The venue refused the credentials or a subscription after start. With `onRefused` the stream
	 * stays: the next attempt waits on the refusal backoff and the gap says why, once per streak;
	 * without it (an action node's stream), the engine stops.
	 */
	private refused(failure: StreamFailure) {
		const { onRefused, protocol, logger } = this.options;
		if (!onRefused) {
			this.fail(failure);
			return;
		}
		const what = failure.kind === 'auth' ? 'credentials' : 'subscription';
		const refusal = (this.refusal ??= { sinceMs: Date.now(), attempts: 0, what, reason: '' });
		refusal.attempts++;
		const reason = `${what} refused: ${failure.message}`;
		this.gap.reconnected(reason === refusal.reason ? undefined : reason);
		refusal.reason = reason;
		const retryInMs = this.refusalBackoff.nextDelayMs();
		logger.warn(`${protocol.venue} ${protocol.source}: ${reason}; trying again in ${Math.round(retryInMs / 1000)} s`);
		this.scheduleReconnect(retryInMs);
		onRefused(failure, { attempts: refusal.attempts, sinceMs: refusal.sinceMs, retryInMs });
	}

	/** The venue accepts again after refusing: the gap says for how long, and the refusal backoff starts over. */
	private acceptedAgain() {
		const refusal = this.refusal;
		if (!refusal) return;
		this.refusal = undefined;
		this.refusalBackoff.reset();
		const seconds = Math.round((Date.now() - refusal.sinceMs) / 1000);
		const summary = `${refusal.what} accepted again after being refused for ${seconds} s (${refusal.attempts} refused attempt(s))`;
		this.gap.noted(summary);
		this.options.logger.info(`${this.options.protocol.venue} ${this.options.protocol.source}: ${summary}`);
	}

	/** A permanent failure: stop everything and report it once. */
	private fail(failure: StreamFailure) {
		if (this.stopped) return;
		this.options.logger.error(`${this.options.protocol.venue} ${this.options.protocol.source}: ${failure.message}; not retrying`);
		void this.stop('after a permanent failure');
		this.options.onFatal?.(failure);
	}
}
