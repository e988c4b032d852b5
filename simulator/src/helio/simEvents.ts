/** What the simulated Helio reports to tests, the demo and the CLI (`helio.events`). */
import type { HelioMarketEvents } from './marketEvents';

/** The channels of the subscribe acks: `events` (subscribe), `depth`, `metrics`. */
export type HelioChannel = 'events' | 'depth' | 'metrics';

export interface HelioSubscription {
	connectionId: number;
	channel: HelioChannel;
	symbols?: string[];
	events?: string[];
	symbol?: string;
	depth?: number;
	accountId?: string;
}

export interface HelioSimEvents {
	/** A login attempt; `reason` says why it failed. */
	login: { ok: boolean; email: string; reason?: 'invalid_credentials' | 'rejectLogin fault' | 'refuseAuth fault' };
	/** `ok` false: the token was missing, unknown or expired, and the socket is being closed 1008. */
	'ws:connection': { connectionId: number; remoteAddress: string | undefined; ok: boolean; email?: string };
	'ws:close': { connectionId: number; code: number; reason: string };
	/** A client→server frame; `message` is the parsed JSON, undefined when it did not parse. */
	'ws:message': { connectionId: number; message: unknown; raw: string };
	'ws:subscribe': HelioSubscription;
	'ws:unsubscribe': HelioSubscription;
	/** A protocol-level ping from a client; `answered` is false while silenced. */
	'ws:protocol-ping': { connectionId: number; answered: boolean };
	/** A client's answer to one of our protocol pings. */
	'ws:protocol-pong': { connectionId: number };
	/** A socket that had not answered the previous ping was terminated. */
	'ws:ping-timeout': { connectionId: number };
	/** A server→client event (not acks or errors); `recipients` counts the sockets that got it. */
	'ws:event': { type: string; payload: unknown; recipients: number };
	/** `path` is the full path without query ('/helio/api/v1/login'); status 0 = the client left before an answer. */
	'rest:request': { method: string; path: string; status: number; email?: string };
	'order:created': HelioMarketEvents['order:created'];
	'order:filled': HelioMarketEvents['order:filled'];
	'order:ended': HelioMarketEvents['order:ended'];
	'position:closed': HelioMarketEvents['position:closed'];
}

export type HelioSimEventName = keyof HelioSimEvents;
