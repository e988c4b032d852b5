import type { ITriggerFunctions } from 'n8n-workflow';

import { carryingDroppedGaps, eventFilter, type Stage } from '../../shared/delivery/stages';
import type { EngineHooks, StreamTriggerSetup } from '../../shared/delivery/triggerHost';
import type { StreamTiming } from '../../shared/engine/StreamEngine';
import { StreamEngine } from '../../shared/engine/StreamEngine';
import { WebSocketTransport } from '../../shared/engine/websocketTransport';
import { LiveCredentials } from '../../shared/liveCredentials';
import { Redactor } from '../../shared/redact';
import { readTotalisCredentials, type TotalisCredentials } from '../auth';
import { redactingLogger } from '../../shared/logging';
import { confirmQuote } from '../confirmQuote';
import { AcceptanceMerger } from './acceptanceMerger';
import { ConfirmGuards } from './confirmGuards';
import { confirmSender } from './confirmSender';
import { MarketMakerHeartbeat } from './mmHeartbeat';
import { onceAcrossChannels, REMEMBERED_EVENTS, type CopySources } from './onceAcrossChannels';
import { TotalisWebSocketProtocol } from './protocol';
import { NEW_REQUEST, TotalisQuoteRequestProtocol, UPDATED_REQUEST } from './quoteRequestProtocol';
import { QuoteConfirmer } from './quoteConfirmer';
import { QuoteRequestTransport } from './quoteRequestTransport';
import type { TotalisConfirmSettings, TotalisQuoteRequestSettings, TotalisTriggerSettings, TotalisWebSocketSettings } from './settings';
import { SeenEvents } from './seenEvents';
import { TradeFollower } from './tradeFollower';

/** Frames above this size are dropped unread (Totalis' REST limit is 256 KB; events are far smaller). */
const MAX_FRAME_BYTES = 1024 * 1024;

/** Quote → Confirm's default 429 wait; the confirmation deadline ends any wait sooner. */
const CONFIRM_RATE_LIMIT_MAX_WAIT_MS = 30_000;

const trimSlash = (url: string) => url.replace(/\/+$/, '');

/** Builds the Totalis Trigger's stream from its settings: the WebSocket or the quote-request stream. */
export function totalisTriggerSetup(
	ctx: ITriggerFunctions,
	credentials: TotalisCredentials,
	settings: TotalisTriggerSettings,
): StreamTriggerSetup {
	const redactor = new Redactor();
	// Read again before every reconnect: a key corrected in n8n is used without re-activating.
	const live = new LiveCredentials(
		credentials,
		() => readTotalisCredentials(ctx),
		redactor,
		({ apiKey }) => [apiKey],
	);
	return settings.source === 'quoteRequests'
		? quoteRequestStream(ctx, live, settings, redactor)
		: webSocketStream(ctx, live, settings, redactor);
}

function engineFor(
	transport: WebSocketTransport | QuoteRequestTransport,
	protocol: TotalisWebSocketProtocol | TotalisQuoteRequestProtocol,
	live: LiveCredentials<TotalisCredentials>,
	redactor: Redactor,
	timing: StreamTiming,
) {
	return (hooks: EngineHooks) =>
		new StreamEngine({
			transport,
			protocol,
			redactor,
			timing,
			maxFrameBytes: MAX_FRAME_BYTES,
			...hooks,
			refreshCredentials: () => live.refresh(),
		});
}

/**
 * The WebSocket: quote and position events (the trades of accepted quotes followed), each event
 * once whatever channels carried it, the acceptance pair merged, the chosen events let through.
 */
function webSocketStream(
	ctx: ITriggerFunctions,
	live: LiveCredentials<TotalisCredentials>,
	settings: TotalisWebSocketSettings,
	redactor: Redactor,
): StreamTriggerSetup {
	const { events, mergeWaitMs, followForMs } = settings;
	const { marketMakerQuotes, rfqIds } = settings.channels;
	// Only the market maker's own quotes say which trades are its own; RFQs the user chose are never left.
	const follower = followForMs === undefined ? undefined : new TradeFollower({ followForMs }, new Set(rfqIds));
	const stages: Stage[] = [];
	// A copy needs two channels that carry one event: the market maker's and a trade's. On trade
	// channels alone each event has one channel, so nothing is checked.
	if (marketMakerQuotes && (follower || rfqIds.length > 0)) {
		stages.push(onceAcrossChannels(REMEMBERED_EVENTS, follower ?? listedTrades(rfqIds)));
	}
	// Before the merge: the confirm goes out on the first acceptance event, not after the merge wait.
	if (settings.confirm) stages.push(quoteConfirmer(ctx, live, settings.confirm, redactor));
	if (mergeWaitMs !== undefined) stages.push(new AcceptanceMerger(mergeWaitMs));
	if (!events.includes('*')) {
		// A merged acceptance is always named quote:accepted, whichever of the two was chosen.
		const wanted = mergeWaitMs !== undefined && events.includes('mm_quote:accepted') ? [...events, 'quote:accepted'] : events;
		stages.push(eventFilter(wanted));
	}
	const transport = new WebSocketTransport({ url: live.value.wsUrl, redactor, domains: live.value.domains });
	const protocol = new TotalisWebSocketProtocol(() => live.value.apiKey, settings.channels, follower);
	return {
		venueName: 'Totalis',
		redactor,
		delivery: settings.delivery,
		stages,
		createEngine: engineFor(transport, protocol, live, redactor, settings.timing),
		refusalReportIntervalMs: settings.timing.refusalReportIntervalMs,
	};
}

/** Without Follow My Trades: the trades the user listed are the only ones on a channel of their own. */
function listedTrades(rfqIds: readonly string[]): CopySources {
	const seen = new Map(rfqIds.map((rfqId) => [rfqId, new SeenEvents()]));
	return { seenOf: (rfqId) => seen.get(rfqId), anyTradeChannel: () => true };
}

/** Confirm Accepted Quotes: the confirm call of Quote → Confirm, made by the trigger under the guards. */
function quoteConfirmer(
	ctx: ITriggerFunctions,
	live: LiveCredentials<TotalisCredentials>,
	settings: TotalisConfirmSettings,
	redactor: Redactor,
): QuoteConfirmer {
	const manual = ctx.getMode() === 'manual';
	const sender = confirmSender(ctx, live);
	return new QuoteConfirmer({
		guards: new ConfirmGuards(settings.guards),
		declineAll:
			manual && !settings.confirmInManualRuns
				? 'a manual run does not confirm unless Confirm Guards → Confirm in Manual Runs is on'
				: undefined,
		redactor,
		logger: redactingLogger(ctx, redactor),
		confirm: async (quoteId, deadline, timeoutMs, signal) =>
			await confirmQuote(ctx, {
				// The credential read last: a base URL corrected in n8n is used without re-activating.
				baseUrl: trimSlash(live.value.baseUrl),
				redactor,
				quoteId,
				deadline,
				rateLimitMaxWaitMs: CONFIRM_RATE_LIMIT_MAX_WAIT_MS,
				signal,
				timeoutMs,
				sendVia: sender.send,
			}),
		onDisposed: () => sender.close(),
	});
}

/** The market maker's quote-request stream (SSE), with the market-maker heartbeat running beside it. */
function quoteRequestStream(
	ctx: ITriggerFunctions,
	live: LiveCredentials<TotalisCredentials>,
	settings: TotalisQuoteRequestSettings,
	redactor: Redactor,
): StreamTriggerSetup {
	const baseUrl = trimSlash(live.value.baseUrl);
	const transport = new QuoteRequestTransport({
		url: `${baseUrl}/v1/mm/quote-requests/stream`,
		// A getter: the transport copies the headers for every connection, so each uses the key read last.
		headers: {
			get 'X-API-Key'() {
				return live.value.apiKey;
			},
		},
		redactor,
		domains: live.value.domains,
	});
	const protocol = new TotalisQuoteRequestProtocol(settings.includeSnapshot);
	return {
		venueName: 'Totalis',
		redactor,
		delivery: settings.delivery,
		stages: [requestEventFilter(settings.requestEvents)],
		createEngine: engineFor(transport, protocol, live, redactor, settings.timing),
		refusalReportIntervalMs: settings.timing.refusalReportIntervalMs,
		createCompanions: (hooks) => [
			new MarketMakerHeartbeat(ctx, { baseUrl, intervalMs: settings.mmHeartbeatMs, redactor, logger: hooks.logger }),
		],
	};
}

/** The quote-request events chosen: new, updated, and "other" for removals and anything unknown. */
function requestEventFilter(selected: string[]): Stage {
	const known = new Set([NEW_REQUEST, UPDATED_REQUEST]);
	const wanted = new Set(selected);
	return carryingDroppedGaps({
		push(delivered, next) {
			const event = delivered.item.event;
			if (known.has(event) ? wanted.has(event) : wanted.has('other')) next(delivered);
		},
	});
}
