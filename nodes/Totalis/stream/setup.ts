import { join } from 'node:path';
import type { ResourceLimits } from 'node:worker_threads';

import type { ITriggerFunctions } from 'n8n-workflow';

import { carryingDroppedGaps, eventFilter, type Stage } from '../../shared/delivery/stages';
import type { EngineHooks, StreamTriggerSetup } from '../../shared/delivery/triggerHost';
import type { StreamTiming } from '../../shared/engine/StreamEngine';
import { StreamEngine } from '../../shared/engine/StreamEngine';
import type { WebSocketTransport } from '../../shared/engine/websocketTransport';
import { WorkerStreamRunner } from '../../shared/engine/workerRunner';
import { LiveCredentials } from '../../shared/liveCredentials';
import { redactingLogger } from '../../shared/logging';
import { Redactor } from '../../shared/redact';
import { directHttpAllowed } from '../../shared/rest';
import { readTotalisCredentials, type TotalisCredentials } from '../auth';
import { AcceptanceMerger } from './acceptanceMerger';
import { createQuoteConfirmer } from './confirmStage';
import { helperConfirmSender } from './confirmSender';
import type { FastPathInit } from './fastPathWorker';
import { MarketMakerHeartbeat } from './mmHeartbeat';
import type { TotalisWebSocketProtocol } from './protocol';
import { NEW_REQUEST, TotalisQuoteRequestProtocol, UPDATED_REQUEST } from './quoteRequestProtocol';
import { QuoteRequestTransport } from './quoteRequestTransport';
import type { TotalisConfirmSettings, TotalisQuoteRequestSettings, TotalisTriggerSettings, TotalisWebSocketSettings } from './settings';
import { MAX_FRAME_BYTES, webSocketParts } from './webSocketParts';

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
 * With Confirm Accepted Quotes over the kept connection, the socket, the copy check and the
 * confirmer run in a worker thread (fastPathWorker.ts), off n8n's event loop; the rest runs here.
 */
function webSocketStream(
	ctx: ITriggerFunctions,
	live: LiveCredentials<TotalisCredentials>,
	settings: TotalisWebSocketSettings,
	redactor: Redactor,
): StreamTriggerSetup {
	const { events, mergeWaitMs, confirm } = settings;
	const stages: Stage[] = [];
	let createEngine: StreamTriggerSetup['createEngine'];
	if (confirm !== undefined && directHttpAllowed()) {
		createEngine = fastPathWorker(ctx, live, settings, confirm, redactor);
	} else {
		const { transport, protocol, copyCheck } = webSocketParts(live, settings, redactor);
		if (copyCheck) stages.push(copyCheck);
		// Before the merge: the confirm goes out on the first acceptance event, not after the merge wait.
		if (confirm) stages.push(inProcessConfirmer(ctx, live, confirm, redactor));
		createEngine = engineFor(transport, protocol, live, redactor, settings.timing);
	}
	if (mergeWaitMs !== undefined) stages.push(new AcceptanceMerger(mergeWaitMs));
	if (!events.includes('*')) {
		// A merged acceptance is always named quote:accepted, whichever of the two was chosen.
		const wanted = mergeWaitMs !== undefined && events.includes('mm_quote:accepted') ? [...events, 'quote:accepted'] : events;
		stages.push(eventFilter(wanted));
	}
	return {
		venueName: 'Totalis',
		redactor,
		delivery: settings.delivery,
		stages,
		createEngine,
		refusalReportIntervalMs: settings.timing.refusalReportIntervalMs,
	};
}

/**
 * The fast-path thread's heap: a young generation of 4 MB instead of V8's default (the thread's new
 * space grew to 33 MB), so that each scavenge has little to copy and its pause stays short. Through
 * a real n8n, 300 acceptances at 20/s, the longest scavenge fell from 12 ms to 2.6 ms (14 short
 * ones instead of 2 long ones; docs/performance.md). The old generation keeps V8's limit: the
 * thread holds its modules (about 27 MB, most of it n8n-workflow) and bounded maps, and a lower
 * limit could only end the thread, and its confirms, without shortening any pause.
 */
export const FAST_PATH_WORKER_LIMITS: ResourceLimits = { maxYoungGenerationSizeMb: 4 };

/** The socket, the copy check and the confirmer in a worker thread; its items come back to the stages here. */
function fastPathWorker(
	ctx: ITriggerFunctions,
	live: LiveCredentials<TotalisCredentials>,
	settings: TotalisWebSocketSettings,
	confirm: TotalisConfirmSettings,
	redactor: Redactor,
) {
	const node = ctx.getNode();
	const manual = ctx.getMode() === 'manual';
	return (hooks: EngineHooks) =>
		new WorkerStreamRunner({
			entry: join(__dirname, 'fastPathWorker'),
			init: (): FastPathInit => ({
				node,
				manual,
				credentials: live.value,
				channels: settings.channels,
				followForMs: settings.followForMs,
				timing: settings.timing,
				confirm,
			}),
			venue: 'Totalis',
			hooks,
			readCredentials: async () => {
				await live.refresh();
				return live.value;
			},
			timing: settings.timing,
			redactor,
			resourceLimits: FAST_PATH_WORKER_LIMITS,
		});
}

/** Confirm Accepted Quotes in n8n's main: through n8n's helper where a proxy or SSRF protection applies. */
function inProcessConfirmer(
	ctx: ITriggerFunctions,
	live: LiveCredentials<TotalisCredentials>,
	settings: TotalisConfirmSettings,
	redactor: Redactor,
) {
	return createQuoteConfirmer({
		context: ctx,
		live,
		settings,
		redactor,
		logger: redactingLogger(ctx, redactor),
		manual: ctx.getMode() === 'manual',
		sender: helperConfirmSender(ctx, live),
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
