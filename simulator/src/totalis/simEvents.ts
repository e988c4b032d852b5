/** What the simulated Totalis reports to tests, the demo and the CLI (`totalis.events`). */
import type { Acceptance, MarketEvents } from './market';

export interface TotalisSimEvents {
	'ws:connection': { connectionId: number; remoteAddress: string | undefined };
	'ws:auth': { connectionId: number; ok: boolean; userId?: string; reason?: string };
	'ws:subscribe': { connectionId: number; channel: string };
	'ws:unsubscribe': { connectionId: number; channel: string };
	/** A client→server frame; `message` is the parsed JSON, undefined when it did not parse. */
	'ws:message': { connectionId: number; message: unknown; raw: string };
	/** A protocol-level ping from a client; `answered` is false while silenced. */
	'ws:protocol-ping': { connectionId: number; answered: boolean };
	/** A client's answer to the simulator's protocol ping (`pingClients()`). */
	'ws:protocol-pong': { connectionId: number };
	'ws:close': { connectionId: number; code: number; reason: string };
	/** A venue event sent to WebSocket channels; `recipients` counts the sockets that got it. */
	'ws:event': { channels: string[]; type: string; data: unknown; recipients: number };
	/**
	 * Reported once the answer went out. `path` is the full path without query ('/totalis/v1/mm/heartbeat');
	 * status 0 = the client left before an answer; `receivedAt` is when the call arrived (epoch ms, the simulator's clock).
	 */
	'rest:request': { method: string; path: string; status: number; mmId?: string; receivedAt: number };
	'sse:connection': { streamId: number; mmId: string };
	'sse:close': { streamId: number };
	'sse:event': { event: string; data: unknown; recipients: number };
	'quote:submitted': MarketEvents['quote:submitted'];
	'quote:accepted': Acceptance;
	/** `latencyMs` is from acceptance to confirmation. */
	'quote:confirmed': MarketEvents['quote:confirmed'];
	heartbeat: { mmId: string; at: string };
}

export type TotalisSimEventName = keyof TotalisSimEvents;
