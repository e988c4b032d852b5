/**
 * The fast path's confirm stage (Confirm Accepted Quotes), built alike in n8n's main (the in-process
 * path, through n8n's helper where a proxy or SSRF protection applies) and in the worker thread
 * (fastPathWorker.ts, over the kept connection).
 */
import type { IDataObject } from 'n8n-workflow';

import { chainStages, type Stage } from '../../shared/delivery/stages';
import type { EngineLogger } from '../../shared/engine/StreamEngine';
import type { Delivered } from '../../shared/items';
import type { LiveCredentials } from '../../shared/liveCredentials';
import type { Redactor } from '../../shared/redact';
import type { RestContext } from '../../shared/rest';
import type { TotalisCredentials } from '../auth';
import { confirmQuote, type ConfirmQuoteOptions } from '../confirmQuote';
import { ConfirmGuards } from './confirmGuards';
import type { ConfirmSender } from './confirmSender';
import { confirmTraceEnabled, traceConfirm } from './confirmTrace';
import { QuoteConfirmer } from './quoteConfirmer';
import type { TotalisConfirmSettings } from './settings';

/** Quote → Confirm's default 429 wait; the confirmation deadline ends any wait sooner. */
const CONFIRM_RATE_LIMIT_MAX_WAIT_MS = 30_000;

export interface ConfirmStageOptions {
	/** For the confirm's errors (the node) and its debug lines; its helpers are used only without a sender's own client. */
	context: RestContext;
	live: LiveCredentials<TotalisCredentials>;
	settings: TotalisConfirmSettings;
	redactor: Redactor;
	logger: EngineLogger;
	manual: boolean;
	sender: ConfirmSender;
}

/** The confirm call of Quote → Confirm, made by the trigger under the guards. */
export function createQuoteConfirmer({ context, live, settings, redactor, logger, manual, sender }: ConfirmStageOptions): QuoteConfirmer {
	return new QuoteConfirmer({
		guards: new ConfirmGuards(settings.guards),
		declineAll:
			manual && !settings.confirmInManualRuns
				? 'a manual run does not confirm unless Confirm Guards → Confirm in Manual Runs is on'
				: undefined,
		redactor,
		logger,
		confirm: async (quoteId, deadline, timeoutMs, signal) =>
			await confirmQuote(context, {
				...confirmCallArguments(live, redactor),
				quoteId,
				deadline,
				signal,
				timeoutMs,
				sendVia: confirmTraceEnabled ? tracedSend(sender, quoteId) : sender.send,
			}),
		onDisposed: () => sender.close(),
	});
}

/** What every confirm call of the trigger shares, the rehearsal's included; read at each call. */
function confirmCallArguments(
	live: LiveCredentials<TotalisCredentials>,
	redactor: Redactor,
): Pick<ConfirmQuoteOptions, 'baseUrl' | 'redactor' | 'rateLimitMaxWaitMs'> {
	return {
		// The credential read last: a base URL corrected in n8n is used without re-activating.
		baseUrl: live.value.baseUrl.replace(/\/+$/, ''),
		redactor,
		rateLimitMaxWaitMs: CONFIRM_RATE_LIMIT_MAX_WAIT_MS,
	};
}

/** The sender, stamping when each attempt's request was handed to node:http (its synchronous part has run). */
function tracedSend(sender: ConfirmSender, quoteId: string): ConfirmSender['send'] {
	return (request) => {
		const answer = sender.send(request);
		traceConfirm('sent', quoteId);
		return answer;
	};
}

/** The quote ID the rehearsal confirms (and the prefix of its acceptances'); it never leaves the thread. */
const REHEARSAL_QUOTE_ID = 'rehearsal';

/**
 * How many times the confirm call, and then an acceptance through the confirmer, are rehearsed.
 * The confirm call alone, five times, left the first confirm 2-3.5 ms in the trigger against 0.7
 * warm; with the acceptances and the real send path it took 0.75-1.1 ms (docs/performance.md).
 * The whole rehearsal costs about 40 ms at start, before the socket opens.
 */
export const CONFIRM_REHEARSALS = 5;

export interface RehearsalOptions extends Omit<ConfirmStageOptions, 'manual'> {
	/** A copy check built as the stream's is, used only by the rehearsal; undefined where the stream has none. */
	copyCheck: Stage | undefined;
}

/**
 * Rehearses the fast path as it starts, without sending anything to the venue: the confirm call
 * CONFIRM_REHEARSALS times, then as many acceptances through a copy check and a confirmer of the
 * rehearsal's own (the guards, the outcome memory, the partner event held and passed on, the
 * trace), all over the sender's `rehearsal` (the kept connection's path, to an answerer on
 * loopback). The stream's own stages are not touched: their guards and memories stay empty. A
 * sender without `rehearsal` (n8n's helper) skips it.
 */
export async function rehearseConfirm(options: RehearsalOptions): Promise<void> {
	const startedAt = performance.now();
	const answer = { data: { status: 'confirmed', quote_id: REHEARSAL_QUOTE_ID } };
	const rehearsal = await options.sender.rehearsal?.(answer);
	if (!rehearsal) return;
	try {
		for (let call = 0; call < CONFIRM_REHEARSALS; call++) {
			await confirmQuote(options.context, {
				...confirmCallArguments(options.live, options.redactor),
				quoteId: REHEARSAL_QUOTE_ID,
				deadline: undefined,
				sendVia: rehearsal.request,
			});
		}
		await rehearseStages(options, { send: rehearsal.request, close: () => undefined });
	} finally {
		rehearsal.close();
	}
	const tookMs = Math.round(performance.now() - startedAt);
	options.logger.debug(
		`Totalis: rehearsed the confirm call ${CONFIRM_REHEARSALS} times and ${CONFIRM_REHEARSALS} acceptances through the confirmer (nothing sent to the venue) in ${tookMs} ms, so that the first confirms run warmer`,
	);
}

/** The lines a rehearsal's confirmer would write ("confirmed quote rehearsal") are not the stream's. */
const SILENT: EngineLogger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * CONFIRM_REHEARSALS acceptances, each with its partner event, through a copy check and a
 * confirmer of the rehearsal's own, then the partner once more (the outcome remembered). Their
 * payloads are parsed from JSON in the documented shape, as the venue's frames are.
 */
async function rehearseStages(options: RehearsalOptions, sender: ConfirmSender): Promise<void> {
	const confirmer = createQuoteConfirmer({ ...options, logger: SILENT, manual: false, sender });
	const stages = options.copyCheck ? [options.copyCheck, confirmer] : [confirmer];
	let passed: Delivered[] = [];
	let bothPassed = () => {};
	const push = chainStages(stages, (delivered) => {
		passed.push(delivered);
		if (passed.length === 2) bothPassed();
	});
	const venue = options.settings.guards.allowedExposureVenues?.[0] ?? 'kalshi';
	for (let acceptance = 1; acceptance <= CONFIRM_REHEARSALS; acceptance++) {
		passed = [];
		const both = new Promise<void>((resolve) => (bothPassed = resolve));
		const quoteId = `${REHEARSAL_QUOTE_ID}-${acceptance}`;
		const deadline = new Date(Date.now() + 10_000).toISOString();
		push(rehearsalEvent('quote:accepted', { quote_id: quoteId, rfq_id: quoteId, confirmation_deadline: deadline }));
		const details = {
			quote_id: quoteId,
			rfq_id: quoteId,
			market_maker_id: REHEARSAL_QUOTE_ID,
			confirmation_deadline: deadline,
			quote: { payout_odds: 2, user_cost: 0, total_payout: 0, mm_cost: 0 },
			exposure_legs: [{ venue, event_ticker: REHEARSAL_QUOTE_ID, market_ticker: REHEARSAL_QUOTE_ID, side: 'yes' }],
		};
		push(rehearsalEvent('mm_quote:accepted', details));
		// Both pass once the confirm (bounded by its attempt's timeout) or a guard has decided; a copy then meets the remembered outcome.
		await both;
		const outcome = passed[0].item.confirmation as { status?: string; error?: string } | undefined;
		if (outcome?.status === 'failed') throw new Error(`the rehearsal's confirm failed: ${outcome.error}`);
		push(rehearsalEvent('mm_quote:accepted', details));
	}
	await confirmer.dispose();
}

/** An event as the stream delivers it, its payload parsed from JSON as a frame's is. */
function rehearsalEvent(event: string, payload: IDataObject): Delivered {
	const data = JSON.parse(JSON.stringify(payload)) as IDataObject;
	return {
		item: {
			venue: 'totalis',
			source: 'websocket',
			event,
			data,
			receivedAt: new Date().toISOString(),
			connection: { id: 0, sequence: 0 },
			gap: null,
		},
		key: String(data.quote_id),
		deduplicatedByKey: true,
	};
}
