/** What the simulated agg.market reports to tests, the demo and the CLI (`agg.events`). */
import type { UserMessage } from './orders';

export interface AggSimEvents {
	/** An accepted upgrade; `userId` null without a (valid) `token` in the query. */
	'ws:connection': { connectionId: number; appId: string; userId: string | null; origin: string | undefined };
	/** `authenticate` accepted (or a valid `?token=` at connect). */
	'ws:authenticated': { connectionId: number; userId: string };
	/** An authentication turned away by faults.refuseAuth (the socket is then closed 4001). */
	'ws:auth-refused': { connectionId: number };
	'ws:close': { connectionId: number; code: number; reason: string };
	/** A client→server frame; `message` is the parsed JSON, undefined when it did not parse. */
	'ws:message': { connectionId: number; message: unknown; raw: string };
	'ws:subscribe': { connectionId: number; outcomeIds: string[] };
	'ws:unsubscribe': { connectionId: number; outcomeIds: string[] };
	'ws:resnapshot': { connectionId: number; outcomeIds: string[] };
	/** A user event played; `recipients` counts that user's authenticated sockets that got it. */
	'user:event': { userId: string; message: UserMessage; recipients: number };
	/** A delta applied to a book; `recipients` counts the subscribed sockets that got it. */
	'book:delta': { outcomeId: string; seq: number; recipients: number };
	'market:resolved': { outcomeId: string; recipients: number };
	/** `path` is the full path without query ('/agg/execution/balances'); status 0 = the client left. */
	'rest:request': { method: string; path: string; status: number; userId?: string };
	'token:refreshed': { userId: string };
}

export type AggSimEventName = keyof AggSimEvents;
