/**
 * The fast path's confirm stage (Confirm Accepted Quotes), built alike in n8n's main (the in-process
 * path, through n8n's helper where a proxy or SSRF protection applies) and in the worker thread
 * (fastPathWorker.ts, over the kept connection).
 */
import type { EngineLogger } from '../../shared/engine/StreamEngine';
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

/** The quote ID the rehearsal confirms; it never leaves the thread. */
const REHEARSAL_QUOTE_ID = 'rehearsal';

/**
 * How many times the confirm is rehearsed. After one, the second and third confirms still paid
 * some warming in-process; five did not measurably shorten the first confirms through n8n
 * (docs/performance.md), and cost about 12 ms at start, most of it the first.
 */
export const CONFIRM_REHEARSALS = 5;

/**
 * Runs the confirm call a few times without sending anything to the venue (the sender's
 * `rehearse`: the request built, signed and written by node:http, and an answer parsed and
 * checked, over a connection in memory), so that the first real confirms pay less of the first
 * runs of that code. A sender without `rehearse` (n8n's helper) skips it.
 */
export async function rehearseConfirm({ context, live, redactor, logger, sender }: Omit<ConfirmStageOptions, 'settings' | 'manual'>) {
	const rehearse = sender.rehearse;
	if (!rehearse) return;
	const answer = { data: { status: 'confirmed', quote_id: REHEARSAL_QUOTE_ID } };
	const startedAt = performance.now();
	for (let rehearsal = 0; rehearsal < CONFIRM_REHEARSALS; rehearsal++) {
		await confirmQuote(context, {
			...confirmCallArguments(live, redactor),
			quoteId: REHEARSAL_QUOTE_ID,
			deadline: undefined,
			sendVia: async (request) => await rehearse(request, answer),
		});
	}
	const tookMs = Math.round(performance.now() - startedAt);
	logger.debug(
		`Totalis: rehearsed the confirm call ${CONFIRM_REHEARSALS} times (nothing sent) in ${tookMs} ms, so that the first confirms run warmer`,
	);
}
