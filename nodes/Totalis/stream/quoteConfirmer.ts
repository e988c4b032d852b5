/**
 * Confirm Accepted Quotes, the fast path: the trigger confirms an accepted quote itself, the
 * moment its first acceptance event arrives, before any workflow runs, so n8n's load never
 * decides whether a trade happens. The acceptance then goes on with the outcome attached
 * (`confirmation`), to the merge and to delivery, which may hold it (backpressure) without harm.
 */
import type { IDataObject } from 'n8n-workflow';

import { parseInstant } from '../../shared/actions/values';
import type { Stage } from '../../shared/delivery/stages';
import type { EngineLogger } from '../../shared/engine/StreamEngine';
import type { Delivered } from '../../shared/items';
import type { Redactor } from '../../shared/redact';
import { DEFAULT_REQUEST_TIMEOUT_MS, UnexpectedReplyError } from '../../shared/rest';
import type { ConfirmedQuote } from '../confirmQuote';
import type { ConfirmGuards, Decline } from './confirmGuards';
import { traceConfirm, traceConfirmDone } from './confirmTrace';
import { idOf } from './venueIds';

const ACCEPTED = 'quote:accepted';
const MM_ACCEPTED = 'mm_quote:accepted';
/** How long a lone quote:accepted waits for mm_quote:accepted when a guard needs its payload. */
export const DETAILS_WAIT_MS = 1000;
/** Quotes whose outcome is remembered, so neither the partner event nor a new connection confirms twice. */
export const REMEMBERED_QUOTES = 10_000;
/** Acceptances being decided or confirmed at once; past it a quote is declined (`inFlightLimit`). */
export const MAX_CONFIRMS_IN_FLIGHT = 1000;
/** Later events held behind one acceptance at most; past it they pass at once. */
const MAX_HELD_BEHIND = 100;
/** An attempt may outlive the deadline by this much: an answer to a confirm sent in time is worth waiting for. */
const ANSWER_GRACE_MS = 2000;
const MIN_ATTEMPT_MS = 2000;

/** What an acceptance item says of its confirm, in `confirmation`. */
export type Confirmation = IDataObject &
	(
		| { status: 'confirmed'; latencyMs: number; execution_id?: string; attempts?: number; warning?: string }
		| { status: 'declined'; latencyMs: number; declinedBy: Decline['declinedBy'] | 'inFlightLimit'; reason: string }
		| { status: 'failed'; latencyMs: number; error: string }
	);

export type ConfirmCall = (quoteId: string, deadline: Date | undefined, timeoutMs: number, signal: AbortSignal) => Promise<ConfirmedQuote>;

export interface QuoteConfirmerOptions {
	confirm: ConfirmCall;
	guards: ConfirmGuards;
	/** A manual run that was not asked to confirm: every acceptance is declined (`manualRun`). */
	declineAll?: string;
	redactor: Redactor;
	logger: EngineLogger;
	now?: () => number;
	/** Runs once the confirms in flight have ended at close (releases the confirm's connections). */
	onDisposed?: () => void;
}

interface Pending {
	quoteId: string;
	rfqId: string | undefined;
	/** The first acceptance event and what came after it for this quote, in arrival order. */
	held: Delivered[];
	next: (delivered: Delivered) => void;
	arrivedAt: number;
	/** The mm_quote:accepted payload, once it came. */
	details?: IDataObject;
	deadline: Date | undefined;
	detailsTimer?: NodeJS.Timeout;
	decided: boolean;
}

export class QuoteConfirmer implements Stage {
	private readonly pending = new Map<string, Pending>();
	private readonly pendingByRfq = new Map<string, Pending>();
	private readonly outcomes = new Map<string, Confirmation>();
	private readonly stopping = new AbortController();
	private readonly calls = new Set<Promise<void>>();
	private readonly now: () => number;

	constructor(private readonly options: QuoteConfirmerOptions) {
		this.now = options.now ?? Date.now;
	}

	push(delivered: Delivered, next: (delivered: Delivered) => void) {
		if (this.stopping.signal.aborted) return;
		const { event, data } = delivered.item;
		if (event !== ACCEPTED && event !== MM_ACCEPTED) {
			const waitingFor = this.heldFor(data);
			if (waitingFor && waitingFor.held.length <= MAX_HELD_BEHIND) waitingFor.held.push(delivered);
			else next(delivered);
			return;
		}
		const quoteId = String(data.quote_id);
		const known = this.outcomes.get(quoteId);
		if (known) {
			// The partner event, or the same acceptance on a new connection: confirmed (or not) once already.
			next(withConfirmation(delivered, known));
			return;
		}
		const waiting = this.pending.get(quoteId);
		if (waiting) {
			waiting.held.push(delivered);
			if (event === MM_ACCEPTED && !waiting.decided) {
				waiting.details = data;
				this.decide(waiting);
			}
			return;
		}
		traceConfirm('read', quoteId);
		const entry: Pending = {
			quoteId,
			rfqId: idOf(data.rfq_id),
			held: [delivered],
			next,
			arrivedAt: this.now(),
			details: event === MM_ACCEPTED ? data : undefined,
			deadline: deadlineOf(data.confirmation_deadline),
			decided: false,
		};
		if (this.pending.size >= MAX_CONFIRMS_IN_FLIGHT) {
			this.finish(entry, {
				status: 'declined',
				latencyMs: 0,
				declinedBy: 'inFlightLimit',
				reason: `${MAX_CONFIRMS_IN_FLIGHT} acceptances were already being confirmed`,
			});
			return;
		}
		this.pending.set(quoteId, entry);
		if (entry.rfqId !== undefined) this.pendingByRfq.set(entry.rfqId, entry);
		if (entry.details === undefined && this.options.declineAll === undefined && this.options.guards.needsDetails) {
			entry.detailsTimer = setTimeout(() => this.decide(entry), DETAILS_WAIT_MS);
			return;
		}
		this.decide(entry);
	}

	/** Aborts the confirms in flight and waits for them; held acceptances are discarded, not emitted. */
	async dispose() {
		this.stopping.abort();
		for (const entry of this.pending.values()) clearTimeout(entry.detailsTimer);
		const discarded = this.pending.size;
		this.pending.clear();
		this.pendingByRfq.clear();
		await Promise.all(this.calls);
		this.options.onDisposed?.();
		if (discarded > 0) this.options.logger.info(`Totalis: closed while ${discarded} accepted quote(s) were being confirmed`);
	}

	/** Guards first; then the confirm call, once per quote. */
	private decide(entry: Pending) {
		if (entry.decided) return;
		entry.decided = true;
		clearTimeout(entry.detailsTimer);
		const declined: Decline | undefined =
			this.options.declineAll !== undefined
				? { declinedBy: 'manualRun', reason: this.options.declineAll }
				: this.options.guards.check(entry.details);
		if (declined) {
			this.finish(entry, { status: 'declined', latencyMs: this.now() - entry.arrivedAt, ...declined });
			return;
		}
		const ended = this.options.guards.sent(entry.details);
		const timeoutMs = attemptTimeoutMs(entry.deadline, this.now());
		const call = this.options
			.confirm(entry.quoteId, entry.deadline, timeoutMs, this.stopping.signal)
			.then(
				(answer): Confirmation => {
					ended(true);
					const confirmed: Confirmation = { status: 'confirmed', latencyMs: this.now() - entry.arrivedAt, attempts: answer.attempts };
					if (answer.execution_id !== undefined) confirmed.execution_id = answer.execution_id;
					return confirmed;
				},
				(error: unknown): Confirmation => {
					if (error instanceof UnexpectedReplyError) {
						// Totalis accepted the confirm (2xx) and said it in an unexpected shape: confirmed, with a warning.
						ended(true);
						return {
							status: 'confirmed',
							latencyMs: this.now() - entry.arrivedAt,
							warning: error.warning,
							answer: error.body as IDataObject,
						};
					}
					const failed = this.failure(error, entry);
					// A refusal spent nothing; a call that got no answer may have confirmed.
					ended(failed.httpStatus === undefined);
					return failed;
				},
			)
			.then((outcome) => this.finish(entry, outcome))
			// Nothing downstream should throw; if it does, the stream goes on and says so.
			.catch((error: unknown) =>
				this.options.logger.warn(`Totalis: passing on the acceptance of quote ${entry.quoteId} failed: ${String(error)}`),
			);
		this.calls.add(call);
		void call.finally(() => this.calls.delete(call));
	}

	private finish(entry: Pending, outcome: Confirmation) {
		if (this.stopping.signal.aborted) return;
		this.remember(entry.quoteId, outcome);
		if (this.pending.get(entry.quoteId) === entry) this.pending.delete(entry.quoteId);
		if (entry.rfqId !== undefined && this.pendingByRfq.get(entry.rfqId) === entry) this.pendingByRfq.delete(entry.rfqId);
		this.log(entry.quoteId, outcome);
		for (const delivered of entry.held) {
			const { event } = delivered.item;
			entry.next(event === ACCEPTED || event === MM_ACCEPTED ? withConfirmation(delivered, outcome) : delivered);
		}
		traceConfirmDone();
	}

	/** A failed confirm as the item shows it: the (redacted) error, and what Totalis answered. */
	private failure(error: unknown, entry: Pending): Confirmation & { httpStatus?: number } {
		const { redactor } = this.options;
		const details = error as { message?: unknown; description?: unknown; httpCode?: unknown; context?: IDataObject };
		const failed: Confirmation & { httpStatus?: number } = {
			status: 'failed',
			latencyMs: this.now() - entry.arrivedAt,
			error: redactor.text(String(details.message ?? error)),
		};
		if (typeof details.description === 'string' && details.description) failed.description = redactor.text(details.description);
		const status = Number(details.httpCode);
		if (details.httpCode && Number.isInteger(status)) failed.httpStatus = status;
		const context = details.context ?? {};
		if (typeof context.code === 'string') failed.code = context.code;
		if (context.details !== undefined) failed.details = redactor.value(context.details) as IDataObject;
		if (typeof context.attempts === 'number') failed.attempts = context.attempts;
		return failed;
	}

	private log(quoteId: string, outcome: Confirmation) {
		const { logger } = this.options;
		if (outcome.status === 'confirmed') {
			logger.debug(`Totalis: confirmed quote ${quoteId} in ${outcome.latencyMs} ms`);
		} else if (outcome.status === 'declined') {
			logger.info(`Totalis: did not confirm quote ${quoteId} (${outcome.declinedBy}: ${outcome.reason}); it expires at the venue`);
		} else {
			logger.warn(`Totalis: confirming quote ${quoteId} failed: ${outcome.error}`);
		}
	}

	/** Remembers the last REMEMBERED_QUOTES outcomes; a Map keeps insertion order, so the oldest goes first. */
	private remember(quoteId: string, outcome: Confirmation) {
		this.outcomes.set(quoteId, outcome);
		if (this.outcomes.size > REMEMBERED_QUOTES) this.outcomes.delete(this.outcomes.keys().next().value as string);
	}

	/** The pending acceptance an event must wait behind: its quote's, or, for an event without a quote_id, its trade's. */
	private heldFor(data: IDataObject): Pending | undefined {
		const quoteId = idOf(data.quote_id);
		if (quoteId !== undefined) return this.pending.get(quoteId);
		const rfqId = idOf(data.rfq_id);
		return rfqId === undefined ? undefined : this.pendingByRfq.get(rfqId);
	}
}

/** A copy of the acceptance with the outcome attached (the partner event shares the same outcome). */
function withConfirmation(delivered: Delivered, outcome: Confirmation): Delivered {
	return { ...delivered, item: { ...delivered.item, confirmation: { ...outcome } } };
}

/** The confirmation deadline, or undefined when absent or unreadable (a 503 is then not retried). */
function deadlineOf(value: unknown): Date | undefined {
	const deadline = parseInstant(value);
	return deadline === 'invalid' ? undefined : deadline;
}

/** One attempt's bound: an answer past the deadline (plus a grace) is no longer worth holding the item for. */
function attemptTimeoutMs(deadline: Date | undefined, now: number): number {
	if (deadline === undefined) return DEFAULT_REQUEST_TIMEOUT_MS;
	return Math.min(DEFAULT_REQUEST_TIMEOUT_MS, Math.max(MIN_ATTEMPT_MS, deadline.getTime() - now + ANSWER_GRACE_MS));
}
