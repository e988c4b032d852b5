import { SeenEvents } from './seenEvents';

/** A change of channel a connection is told of: one message each. */
export type ChannelChange = 'subscribe' | 'unsubscribe';

/**
 * A trade whose `rfq:` channel the socket is on or lately was (Follow My Trades), with what the
 * copy check saw of it. One object from its follow until it is forgotten: leaving moves it from
 * the followed trades to the recently left ones, and following it again moves it back, where a
 * follow record, a left record and the memory of what was seen made three.
 */
export class TrackedTrade extends SeenEvents {
	/** Followed: when to leave it. Left: until when it still counts as on its channel. Epoch ms. */
	until = 0;
	/** Its place among the followed trades while it is one, else -1 (TradeOrder). */
	followPlace = -1;
	/** Its place among the trades left lately while it is one, else -1 (TradeOrder). It is on its channel while either is set. */
	leftPlace = -1;
	/** Whether a connection was ever told to subscribe to its channel: until then no copy of its events can come. */
	subscribed = false;
	/** The change the live connection has yet to be told (at most one: its opposite cancels it). */
	unsent: ChannelChange | undefined = undefined;
	/** Whether it is in the follower's list of trades to tell at the end of this turn. */
	queued = false;

	constructor(readonly rfqId: string) {
		super();
	}
}
