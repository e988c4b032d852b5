/**
 * The Totalis Trigger's parameters, read and checked once before anything connects, into one
 * typed object (the idea of n8n's Kafka Trigger v2 TriggerSettings). setup.ts builds the stream
 * from it and reads no parameter itself.
 */
import type { ITriggerFunctions } from 'n8n-workflow';

import type { DeliveryOptions } from '../../shared/delivery/delivery';
import type { StreamTiming } from '../../shared/engine/StreamEngine';
import { readStreamOptions } from '../../shared/triggerOptions';
import { commaList, TriggerParameters } from '../../shared/triggerParameters';
import { TOTALIS_STREAM_DEFAULTS } from './description';
import type { ConfirmGuardSettings } from './confirmGuards';
import type { TotalisChannels } from './protocol';

interface StreamSettings {
	delivery: DeliveryOptions;
	timing: StreamTiming;
}

/** Source "Quote & Position Events": the WebSocket. */
export interface TotalisWebSocketSettings extends StreamSettings {
	source: 'websocket';
	channels: TotalisChannels;
	/** The events that start the workflow; `*` among them lets every event through. */
	events: string[];
	/** How long the first acceptance event waits for its partner; undefined: the two are not merged. */
	mergeWaitMs: number | undefined;
	/** Follow My Trades: how long a trade's rfq: channel is followed at most; undefined: trades are not followed. */
	followForMs: number | undefined;
	/** Confirm Accepted Quotes: the trigger confirms each acceptance itself; undefined: it does not. */
	confirm: TotalisConfirmSettings | undefined;
}

/** Confirm Accepted Quotes and its Confirm Guards. */
export interface TotalisConfirmSettings {
	guards: ConfirmGuardSettings;
	confirmInManualRuns: boolean;
}

/** Source "Quote Requests (Market Maker)": the SSE stream, with the market-maker heartbeat beside it. */
export interface TotalisQuoteRequestSettings extends StreamSettings {
	source: 'quoteRequests';
	/** quote_request, quote_request:updated, and "other" for removals and unknown events. */
	requestEvents: string[];
	includeSnapshot: boolean;
	/** How often to send POST /v1/mm/heartbeat; 0: never. */
	mmHeartbeatMs: number;
}

export type TotalisTriggerSettings = TotalisWebSocketSettings | TotalisQuoteRequestSettings;

export function readTotalisTriggerSettings(ctx: ITriggerFunctions): TotalisTriggerSettings {
	const parameters = new TriggerParameters(ctx);
	const stream = readStreamOptions(ctx, TOTALIS_STREAM_DEFAULTS);
	if (parameters.value<string>('source', 'websocket') === 'quoteRequests') {
		return {
			...stream,
			source: 'quoteRequests',
			requestEvents: parameters.choices('requestEvents', 'Request Events', [], 'choose at least one kind of quote-request event'),
			includeSnapshot: parameters.value('includeSnapshot', true),
			mmHeartbeatMs: parameters.numberParameter('mmHeartbeatMs', 'Market-Maker Heartbeat (Milliseconds)', 20000, { min: 0 }),
		};
	}

	const chosen = parameters.value<string[]>('channels', ['marketMakerQuotes']);
	const marketMakerQuotes = chosen.includes('marketMakerQuotes');
	// RFQ IDs are only shown, and only read, with Specific RFQs.
	const rfqIds = chosen.includes('rfqs') ? parameters.commaList('rfqIds') : [];
	if (!marketMakerQuotes && rfqIds.length === 0) {
		throw parameters.fail('Subscribe To: choose My Market-Maker Quotes or give at least one RFQ ID');
	}
	const events = parameters.choices('events', 'Events', ['*'], 'choose at least one event or All Events');
	const mergeWaitMs = parameters.value('mergeAccepted', true)
		? parameters.numberParameter('mergeWaitMs', 'Merge Wait (Milliseconds)', 150, { min: 0 })
		: undefined;
	const marketMakerId = String(parameters.value<unknown>('marketMakerId', '') ?? '').trim() || undefined;
	// Only the market maker's own quotes say which trades are its own.
	const followForMs =
		marketMakerQuotes && parameters.value('followTrades', true)
			? parameters.numberParameter('followForMinutes', 'Follow For (Minutes)', 1440, { above: 0 }) * 60_000
			: undefined;
	const confirm = parameters.value('confirmAcceptedQuotes', false) ? readConfirmSettings(parameters) : undefined;
	return {
		...stream,
		source: 'websocket',
		channels: { marketMakerQuotes, marketMakerId, rfqIds },
		events,
		mergeWaitMs,
		followForMs,
		confirm,
	};
}

/** The Confirm Guards collection: only the guards the user added are set. */
function readConfirmSettings(parameters: TriggerParameters): TotalisConfirmSettings {
	const raw = parameters.value<Record<string, unknown>>('confirmGuards', {}) ?? {};
	const label = (name: string) => `Confirm Guards → ${name}`;
	const guards: ConfirmGuardSettings = {};
	if (raw.maxCostPerQuote !== undefined) {
		guards.maxCostPerQuote = parameters.number(label('Max Cost per Quote'), raw.maxCostPerQuote, 0, { min: 0 });
	}
	if (raw.maxCostPerHour !== undefined) {
		guards.maxCostPerHour = parameters.number(label('Max Cost per Rolling Hour'), raw.maxCostPerHour, 0, { min: 0 });
	}
	if (raw.maxConfirmsPerMinute !== undefined) {
		guards.maxConfirmsPerMinute = parameters.wholeNumber(label('Max Confirmations per Minute'), raw.maxConfirmsPerMinute, 1);
	}
	if (raw.allowedExposureVenues !== undefined) {
		const venues = commaList(raw.allowedExposureVenues).map((venue) => venue.toLowerCase());
		if (venues.length === 0) {
			throw parameters.fail(
				`${label('Allowed Exposure Venues')} is empty: give at least one venue (e.g. kalshi, polymarket) or remove the guard`,
			);
		}
		guards.allowedExposureVenues = venues;
	}
	return { guards, confirmInManualRuns: raw.confirmInManualRuns === true };
}
