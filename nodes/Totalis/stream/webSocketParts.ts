/**
 * The Totalis WebSocket's transport and protocol, and the copy check that goes with them, built
 * alike in n8n's main and in the fast path's worker thread.
 */
import type { Stage } from '../../shared/delivery/stages';
import { WebSocketTransport } from '../../shared/engine/websocketTransport';
import type { LiveCredentials } from '../../shared/liveCredentials';
import type { Redactor } from '../../shared/redact';
import type { TotalisCredentials } from '../auth';
import { onceAcrossChannels, REMEMBERED_EVENTS, type CopySources } from './onceAcrossChannels';
import { TotalisWebSocketProtocol, type TotalisChannels } from './protocol';
import { SeenEvents } from './seenEvents';
import { TradeFollower } from './tradeFollower';

/** Frames above this size are dropped unread (Totalis' REST limit is 256 KB; events are far smaller). */
export const MAX_FRAME_BYTES = 1024 * 1024;

export interface WebSocketParts {
	transport: WebSocketTransport;
	protocol: TotalisWebSocketProtocol;
	/** One item per event across channels; undefined where no event can come on two channels. */
	copyCheck: Stage | undefined;
}

export function webSocketParts(
	live: LiveCredentials<TotalisCredentials>,
	settings: { channels: TotalisChannels; followForMs: number | undefined },
	redactor: Redactor,
): WebSocketParts {
	const { marketMakerQuotes, rfqIds } = settings.channels;
	const transport = new WebSocketTransport({ url: live.value.wsUrl, redactor, domains: live.value.domains });
	// Only the market maker's own quotes say which trades are its own; RFQs the user chose are never left.
	const follower =
		settings.followForMs === undefined ? undefined : new TradeFollower({ followForMs: settings.followForMs }, new Set(rfqIds));
	const protocol = new TotalisWebSocketProtocol(() => live.value.apiKey, settings.channels, follower);
	// A copy needs two channels that carry one event: the market maker's and a trade's. On trade
	// channels alone each event has one channel, so nothing is checked.
	const copyCheck =
		marketMakerQuotes && (follower || rfqIds.length > 0)
			? onceAcrossChannels(REMEMBERED_EVENTS, follower ?? listedTrades(rfqIds))
			: undefined;
	return { transport, protocol, copyCheck };
}

/** Without Follow My Trades: the trades the user listed are the only ones on a channel of their own. */
function listedTrades(rfqIds: readonly string[]): CopySources {
	const seen = new Map(rfqIds.map((rfqId) => [rfqId, new SeenEvents()]));
	return { seenOf: (rfqId) => seen.get(rfqId), anyTradeChannel: () => true };
}
