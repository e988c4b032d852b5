import { NodeOperationError, type ITriggerFunctions } from 'n8n-workflow';

import type { Stage } from '../../shared/delivery/stages';
import { eventFilter } from '../../shared/delivery/stages';
import type { StreamTriggerSetup } from '../../shared/delivery/triggerHost';
import { SseTransport } from '../../shared/engine/sseTransport';
import { StreamEngine } from '../../shared/engine/StreamEngine';
import { WebSocketTransport } from '../../shared/engine/websocketTransport';
import { Redactor } from '../../shared/redact';
import { readStreamOptions } from '../../shared/triggerOptions';
import { AcceptanceMerger } from './acceptanceMerger';
import type { TotalisCredentials } from '../auth';
import { TOTALIS_STREAM_DEFAULTS } from './description';
import { MarketMakerHeartbeat } from './mmHeartbeat';
import { NEW_REQUEST, TotalisQuoteRequestProtocol, UPDATED_REQUEST } from './quoteRequestProtocol';
import { TotalisWebSocketProtocol } from './protocol';

/** Frames above this size are dropped unread (Totalis' REST limit is 256 KB; events are far smaller). */
const MAX_FRAME_BYTES = 1024 * 1024;

const trimSlash = (url: string) => url.replace(/\/+$/, '');

/** Builds the Totalis Trigger's stream from its parameters: the WebSocket or the quote-request stream. */
export function totalisTriggerSetup(ctx: ITriggerFunctions, credentials: TotalisCredentials): StreamTriggerSetup {
	const node = ctx.getNode();
	const redactor = new Redactor([credentials.apiKey]);
	const { delivery, timing } = readStreamOptions(ctx, TOTALIS_STREAM_DEFAULTS);
	const source = ctx.getNodeParameter('source', 'websocket') as string;
	const engineFor =
		(transport: WebSocketTransport | SseTransport, protocol: TotalisWebSocketProtocol | TotalisQuoteRequestProtocol) =>
		(hooks: Parameters<StreamTriggerSetup['createEngine']>[0]) =>
			new StreamEngine({ transport, protocol, redactor, timing, maxFrameBytes: MAX_FRAME_BYTES, ...hooks });

	if (source === 'quoteRequests') {
		const baseUrl = trimSlash(credentials.baseUrl);
		const selected = ctx.getNodeParameter('requestEvents', []) as string[];
		if (selected.length === 0) {
			throw new NodeOperationError(node, 'Request Events is empty: choose at least one kind of quote-request event');
		}
		const transport = new SseTransport({
			url: `${baseUrl}/v1/mm/quote-requests/stream`,
			headers: { 'X-API-Key': credentials.apiKey },
			redactor,
		});
		const protocol = new TotalisQuoteRequestProtocol(ctx.getNodeParameter('includeSnapshot', true) as boolean);
		const heartbeatMs = ctx.getNodeParameter('mmHeartbeatMs', 20000) as number;
		return {
			venueName: 'Totalis',
			redactor,
			delivery,
			stages: [requestEventFilter(selected)],
			createEngine: engineFor(transport, protocol),
			createCompanions: (hooks) => [
				new MarketMakerHeartbeat(ctx, { baseUrl, intervalMs: heartbeatMs, redactor, logger: hooks.logger }),
			],
		};
	}

	const channels = ctx.getNodeParameter('channels', ['marketMakerQuotes']) as string[];
	const rfqIds = channels.includes('rfqs')
		? String(ctx.getNodeParameter('rfqIds', ''))
				.split(',')
				.map((id) => id.trim())
				.filter(Boolean)
		: [];
	if (channels.length === 0 || (channels.includes('rfqs') && rfqIds.length === 0 && channels.length === 1)) {
		throw new NodeOperationError(node, 'Subscribe To: choose My Market-Maker Quotes or give at least one RFQ ID');
	}
	const events = ctx.getNodeParameter('events', ['*']) as string[];
	if (events.length === 0) throw new NodeOperationError(node, 'Events is empty: choose at least one event or All Events');
	const mergeAccepted = ctx.getNodeParameter('mergeAccepted', true) as boolean;
	const stages: Stage[] = [];
	if (mergeAccepted) stages.push(new AcceptanceMerger(ctx.getNodeParameter('mergeWaitMs', 150) as number));
	if (!events.includes('*')) {
		// A merged acceptance is always named quote:accepted, whichever of the two was chosen.
		const wanted = mergeAccepted && events.includes('mm_quote:accepted') ? [...events, 'quote:accepted'] : events;
		stages.push(eventFilter(wanted));
	}
	const transport = new WebSocketTransport({ url: credentials.wsUrl, redactor });
	const protocol = new TotalisWebSocketProtocol(credentials.apiKey, {
		marketMakerQuotes: channels.includes('marketMakerQuotes'),
		marketMakerId: (ctx.getNodeParameter('marketMakerId', '') as string).trim() || undefined,
		rfqIds,
	});
	return { venueName: 'Totalis', redactor, delivery, stages, createEngine: engineFor(transport, protocol) };
}

/** The quote-request events chosen: new, updated, and "other" for removals and anything unknown. */
function requestEventFilter(selected: string[]): Stage {
	const known = new Set([NEW_REQUEST, UPDATED_REQUEST]);
	const wanted = new Set(selected);
	return {
		push(delivered, next) {
			const event = delivered.item.event;
			if (known.has(event) ? wanted.has(event) : wanted.has('other')) next(delivered);
		},
	};
}
