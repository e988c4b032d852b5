/** What the simulated OpenMarkets reports to tests and the CLI (`openmarkets.events`, `openmarkets.waitFor`). */
import type { WireContestState } from './dialect';
import type { ChangedEntry } from './liquidity';
import type { Channel } from './wsProtocol';

/** The frame `moveLiquidity` and `requireRefresh` send. */
export interface LiquidityUpdateMessage {
	type: 'liquidity.update';
	contest_id: string;
	changed_entries: ChangedEntry[];
	refresh_required: boolean;
	/** ISO 8601. */
	timestamp: string;
}

/** The frame `setContestStatus` sends [inferred: the docs name the channel only]. */
export interface ContestStateMessage {
	type: 'contest_state.update';
	contest_id: string;
	/** `home_score` / `away_score` in the docs dialect, `score: {home, away}` in the variant. */
	state: WireContestState;
	timestamp: string;
}

export interface OpenMarketsSimEvents {
	/** An accepted upgrade. */
	'ws:connection': { connectionId: number; apiKeyId: string };
	/** An upgrade refused: 401 (missing, wrong or revoked key) or 429 (over maxConnectionsPerKey). */
	'ws:rejected': { status: 401 | 429; reason: string };
	'ws:closed': { connectionId: number; code: number; reason: string };
	/** A client→server frame; `message` is the parsed JSON, undefined when it did not parse. */
	'ws:message': { connectionId: number; message: unknown; raw: string };
	/** A subscribe answered; `contestIds` is the channel's whole list after it, `unknown` the ids refused. */
	'ws:subscribe': { connectionId: number; channel: Channel; contestIds: string[]; unknown: string[] };
	/** `contestIds` are the ids the client asked to drop. */
	'ws:unsubscribe': { connectionId: number; channel: Channel; contestIds: string[] };
	/** An `{"type":"error"}` answer to a client's frame. */
	'ws:error': { connectionId: number; code: string; message: string };
	/** An app-level `{"action":"ping"}`; `answered` is false while silenced or skipping pongs. */
	'ws:ping': { connectionId: number; answered: boolean };
	/** A client's answer to one of our protocol pings. */
	'ws:protocol-pong': { connectionId: number };
	/** A socket that had not answered the previous protocol ping was terminated. */
	'ws:ping-timeout': { connectionId: number };
	/** `recipients` counts the sockets subscribed to the contest on `liquidity` that got it. */
	'liquidity:update': { contestId: string; message: LiquidityUpdateMessage; recipients: number };
	/** `recipients` counts the sockets subscribed to the contest on `contest_state` that got it. */
	'contest:state': { contestId: string; message: ContestStateMessage; recipients: number };
	/** `path` is the full path without query ('/openmarkets/flow/v1/leagues'); status 0 = the client left. */
	'rest:request': { method: string; path: string; status: number };
}

export type OpenMarketsSimEventName = keyof OpenMarketsSimEvents;
