/** The Totalis WebSocket's transport and protocol, built alike in n8n's main and in the fast path's worker thread. */
import { WebSocketTransport } from '../../shared/engine/websocketTransport';
import type { LiveCredentials } from '../../shared/liveCredentials';
import type { Redactor } from '../../shared/redact';
import type { TotalisCredentials } from '../auth';
import { TotalisWebSocketProtocol, type TotalisChannels } from './protocol';
import { TradeFollower } from './tradeFollower';

/** Frames above this size are dropped unread (Totalis' REST limit is 256 KB; events are far smaller). */
export const MAX_FRAME_BYTES = 1024 * 1024;

export function webSocketParts(
	live: LiveCredentials<TotalisCredentials>,
	settings: { channels: TotalisChannels; followForMs: number | undefined },
	redactor: Redactor,
): { transport: WebSocketTransport; protocol: TotalisWebSocketProtocol } {
	const transport = new WebSocketTransport({ url: live.value.wsUrl, redactor, domains: live.value.domains });
	// Only the market maker's own quotes say which trades are its own; RFQs the user chose are never left.
	const follower =
		settings.followForMs === undefined
			? undefined
			: new TradeFollower({ followForMs: settings.followForMs }, new Set(settings.channels.rfqIds));
	const protocol = new TotalisWebSocketProtocol(() => live.value.apiKey, settings.channels, follower);
	return { transport, protocol };
}
