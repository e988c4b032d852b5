import type { ITriggerFunctions } from 'n8n-workflow';

import type { Companion } from '../../shared/delivery/triggerHost';
import type { EngineLogger } from '../../shared/engine/StreamEngine';
import { operationError } from '../../shared/errors';
import type { Redactor } from '../../shared/redact';
import { formatDuration } from '../../shared/rest';
import { totalisRequest } from '../transport';

/**
 * A beat may wait this share of the interval for its answer, so it has ended (answered or
 * abandoned) before the next one is due: at most one beat is in flight.
 */
const BEAT_TIMEOUT_SHARE = 0.75;
/**
 * The first beat is part of activation and proves the key may quote; it may wait longer than a
 * short interval allows, since nothing is quoted before activation completes.
 */
const FIRST_BEAT_MIN_TIMEOUT_MS = 10_000;

/** Why a beat's own signal fired. */
type AbortReason = 'timeout' | 'superseded' | 'stopped';

/**
 * Keeps the market maker marked alive (`POST /v1/mm/heartbeat`, at least every 30 s per the
 * docs) while the quote-request stream runs, so Totalis keeps offering requests.
 *
 * Beats go on a fixed schedule: each is due `intervalMs` after the previous one was *sent*,
 * whatever became of its answer, because Totalis counts the beats it receives and a slow answer
 * must not stretch the gap between them. Each beat has its own timeout, shorter than the
 * interval; a beat still waiting when it expires is aborted, so late answers never pile up (and
 * a beat due while an older one is somehow still waiting aborts that one). The first beat is
 * awaited at start: a key without the `mm:quote` scope fails activation there, clearly.
 */
export class MarketMakerHeartbeat implements Companion {
	private timer: NodeJS.Timeout | undefined;
	private readonly stopping = new AbortController();
	private inFlight: { controller: AbortController; settled: Promise<void> } | undefined;
	private lastSentAt = 0;
	private readonly beatTimeoutMs: number;

	constructor(
		private readonly ctx: ITriggerFunctions,
		private readonly options: { baseUrl: string; intervalMs: number; redactor: Redactor; logger: EngineLogger },
	) {
		this.beatTimeoutMs = Math.max(1, Math.floor(options.intervalMs * BEAT_TIMEOUT_SHARE));
	}

	async start() {
		if (this.options.intervalMs <= 0) return;
		await this.beat(Math.max(this.beatTimeoutMs, FIRST_BEAT_MIN_TIMEOUT_MS));
		this.scheduleNext();
	}

	/** Cancels the next beat and aborts the one in flight; resolves once it has settled. */
	async stop() {
		this.stopping.abort();
		clearTimeout(this.timer);
		this.timer = undefined;
		await this.inFlight?.settled;
	}

	private scheduleNext() {
		if (this.stopping.signal.aborted) return;
		const dueInMs = Math.max(0, this.lastSentAt + this.options.intervalMs - Date.now());
		this.timer = setTimeout(() => {
			this.timer = undefined;
			if (this.stopping.signal.aborted) return;
			this.beat(this.beatTimeoutMs).catch((error: Error) => {
				if (this.stopping.signal.aborted) return;
				this.options.logger.warn(`${error.message}; the next beat goes on schedule`);
			});
			// Due an interval after this beat was sent, not after its answer.
			this.scheduleNext();
		}, dueInMs);
	}

	/** Sends one beat that gives up after `timeoutMs` (429 waits included). */
	private async beat(timeoutMs: number): Promise<void> {
		this.inFlight?.controller.abort('superseded' satisfies AbortReason);
		const controller = new AbortController();
		const onStop = () => controller.abort('stopped' satisfies AbortReason);
		this.stopping.signal.addEventListener('abort', onStop, { once: true });
		const timeout = setTimeout(() => controller.abort('timeout' satisfies AbortReason), timeoutMs);
		const sentAt = Date.now();
		this.lastSentAt = sentAt;
		const request = totalisRequest(this.ctx, {
			baseUrl: this.options.baseUrl,
			redactor: this.options.redactor,
			method: 'POST',
			path: '/v1/mm/heartbeat',
			action: 'send the market-maker heartbeat',
			timeoutMs,
			// A 429 wait that outlasts this beat is worth less than the next beat.
			retry: { rateLimitMaxWaitMs: timeoutMs, retryUntil: new Date(sentAt + timeoutMs) },
			signal: controller.signal,
		});
		const settled = request.then(
			() => undefined,
			() => undefined,
		);
		this.inFlight = { controller, settled };
		try {
			await request.catch((error: unknown) => {
				throw this.abandoned(controller.signal.reason as AbortReason | undefined, timeoutMs) ?? error;
			});
		} finally {
			clearTimeout(timeout);
			this.stopping.signal.removeEventListener('abort', onStop);
			if (this.inFlight?.controller === controller) this.inFlight = undefined;
		}
	}

	/** Says why a beat that we aborted ourselves got no answer (the request only knows it was cancelled). */
	private abandoned(reason: AbortReason | undefined, timeoutMs: number) {
		const unanswered = 'Totalis could not send the market-maker heartbeat: no answer';
		const description = 'Totalis was slow to answer; beats keep going at the interval, each one waiting at most this long.';
		if (reason === 'timeout') return operationError(this.ctx, `${unanswered} within ${formatDuration(timeoutMs)}`, description);
		if (reason === 'superseded') return operationError(this.ctx, `${unanswered} before the next beat was due`, description);
		return undefined;
	}
}
