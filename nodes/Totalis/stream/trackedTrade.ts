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
	/** Its place in RecentlyLeft's leaving order while it is there, else -1: an older place of it no longer counts. */
	place = -1;
	/** Whether it is among the followed trades now (it is on its channel while this or `place` says so). */
	followed = false;
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
