/**
 * The bounds of Follow My Trades, which the trigger tests cannot reach in a test's time: how many
 * trades are followed at once, and how many events are remembered to drop a second copy.
 */
import type { IDataObject } from 'n8n-workflow';

import type { Delivered } from '../../nodes/shared/items';
import { onceAcrossChannels, REMEMBERED_EVENTS } from '../../nodes/Totalis/stream/onceAcrossChannels';
import { RecentlyLeft } from '../../nodes/Totalis/stream/recentlyLeft';
import { MAX_SUBJECTS_PER_TRADE, SeenEvents } from '../../nodes/Totalis/stream/seenEvents';
import { TrackedTrade } from '../../nodes/Totalis/stream/trackedTrade';
import { TradeOrder } from '../../nodes/Totalis/stream/tradeOrder';
import { RECENTLY_LEFT_MS, TradeFollower } from '../../nodes/Totalis/stream/tradeFollower';

function liveConnection() {
	const sent: string[] = [];
	return {
		sent,
		live: {
			send: (message: unknown) => {
				const { type, channel } = message as { type: string; channel: string };
				sent.push(`${type} ${channel}`);
				return true;
			},
			replace: () => undefined,
		},
	};
}

describe('TradeFollower', () => {
	/** The follower tells the connection once per turn of the event loop: let that turn end. */
	const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

	it('follows at most maxFollowed trades, leaving the oldest first, and never an RFQ the user chose', async () => {
		const follower = new TradeFollower({ followForMs: 60_000, maxFollowed: 2 }, new Set(['mine']));
		const { sent, live } = liveConnection();
		const detach = follower.attach(live);
		const steps: Array<[string, Record<string, string>]> = [
			['quote:accepted', { quote_id: 'q1', rfq_id: 'a' }],
			['mm_quote:accepted', { quote_id: 'q1', rfq_id: 'a' }],
			['quote:confirmed', { quote_id: 'q2', rfq_id: 'b' }],
			['quote:accepted', { quote_id: 'q3', rfq_id: 'c' }],
			['quote:accepted', { quote_id: 'q4', rfq_id: 'mine' }],
			['position:settled', { rfq_id: 'mine' }],
			['position:created', { rfq_id: 'b' }],
			['quote:expired', { quote_id: 'q3', rfq_id: 'c' }],
		];
		for (const [event, data] of steps) {
			follower.observe(event, data);
			await turn();
		}
		expect(sent).toEqual(['subscribe rfq:a', 'subscribe rfq:b', 'unsubscribe rfq:a', 'subscribe rfq:c', 'unsubscribe rfq:c']);
		expect(follower.rfqIds).toEqual(['b']);
		detach();
	});

	it('tells the connection once per turn, net: a trade followed and left within one turn costs no message', async () => {
		const follower = new TradeFollower({ followForMs: 60_000 });
		const { sent, live } = liveConnection();
		const detach = follower.attach(live);
		follower.observe('quote:accepted', { quote_id: 'q1', rfq_id: 'old' });
		await turn();
		// One read of the socket: a trade starts and ends, another starts, the old one ends.
		follower.observe('quote:accepted', { quote_id: 'q2', rfq_id: 'brief' });
		follower.observe('position:settled', { rfq_id: 'brief' });
		follower.observe('quote:accepted', { quote_id: 'q3', rfq_id: 'new' });
		follower.observe('position:settled', { rfq_id: 'old' });
		expect(sent).toEqual(['subscribe rfq:old']);
		await turn();
		expect(sent).toEqual(['subscribe rfq:old', 'subscribe rfq:new', 'unsubscribe rfq:old']);
		expect(follower.rfqIds).toEqual(['new']);
		// A connection that ended is told nothing more; the next one subscribes to what is followed then.
		follower.observe('quote:accepted', { quote_id: 'q4', rfq_id: 'later' });
		detach();
		await turn();
		expect(sent).toHaveLength(3);
	});

	it('remembers nothing of a trade followed and left within one turn: no connection was on its channel', async () => {
		const follower = new TradeFollower({ followForMs: 60_000 });
		const { sent, live } = liveConnection();
		const detach = follower.attach(live);
		follower.observe('quote:accepted', { quote_id: 'q1', rfq_id: 'brief' });
		follower.observe('position:settled', { rfq_id: 'brief' });
		expect(follower.seenOf('brief')).toBeUndefined();
		expect(follower.anyTradeChannel()).toBe(false);
		// Subscribed to before it was left: the venue may still send on its channel, so it is remembered,
		// and so it stays when it is followed again and left within one turn.
		follower.observe('quote:accepted', { quote_id: 'q2', rfq_id: 'told' });
		await turn();
		follower.observe('position:settled', { rfq_id: 'told' });
		follower.observe('quote:confirmed', { quote_id: 'q2', rfq_id: 'told' });
		follower.observe('position:settled', { rfq_id: 'told' });
		expect(follower.seenOf('told')).toBeDefined();
		await turn();
		expect(sent).toEqual(['subscribe rfq:told', 'unsubscribe rfq:told']);
		detach();
		// A trade followed while disconnected is on its channel once the next connection subscribes to it.
		const later = new TradeFollower({ followForMs: 60_000 });
		later.observe('quote:accepted', { quote_id: 'q3', rfq_id: 'offline' });
		const detachLater = later.attach(liveConnection().live);
		later.observe('position:settled', { rfq_id: 'offline' });
		expect(later.seenOf('offline')).toBeDefined();
		detachLater();
	});

	it('subscribes a new connection to the trades still followed, and drops those whose time ran out while disconnected', () => {
		let now = 0;
		const follower = new TradeFollower({ followForMs: 1000 }, new Set(), () => now);
		follower.observe('quote:accepted', { quote_id: 'q1', rfq_id: 'early' });
		now = 600;
		follower.observe('quote:accepted', { quote_id: 'q2', rfq_id: 'late' });
		now = 1200;
		const { sent, live } = liveConnection();
		follower.attach(live)();
		expect(sent).toEqual(['subscribe rfq:late']);
	});

	it("keeps a trade's memory while it is followed or listed, and for a bounded time and number after leaving it", async () => {
		let now = 0;
		const follower = new TradeFollower({ followForMs: 600_000, maxFollowed: 2 }, new Set(['mine']), () => now);
		// Each trade is left a turn after it was followed, once the connection was told to subscribe.
		const detach = follower.attach(liveConnection().live);
		const onChannel = (rfqId: string) => follower.seenOf(rfqId) !== undefined;
		expect(follower.anyTradeChannel()).toBe(true);
		expect(new TradeFollower({ followForMs: 1000 }).anyTradeChannel()).toBe(false);
		expect(onChannel('mine')).toBe(true);
		expect(onChannel('a')).toBe(false);
		follower.observe('quote:accepted', { quote_id: 'q1', rfq_id: 'a' });
		const seen = follower.seenOf('a');
		expect(seen?.mark('q1', 1)).toBe(true);
		await turn();
		follower.observe('position:settled', { rfq_id: 'a' });
		// Left, but the venue may still send on rfq:a until it has acted on the unsubscribe: the memory stays.
		expect(follower.rfqIds).toEqual([]);
		expect(follower.seenOf('a')).toBe(seen);
		expect(seen?.mark('q1', 1)).toBe(false);
		// Time: a trade left more than RECENTLY_LEFT_MS before another one is left is forgotten.
		now = RECENTLY_LEFT_MS + 1;
		follower.observe('quote:accepted', { quote_id: 'q2', rfq_id: 'b' });
		await turn();
		follower.observe('quote:expired', { quote_id: 'q2', rfq_id: 'b' });
		expect(onChannel('a')).toBe(false);
		expect(onChannel('b')).toBe(true);
		// Number: at most maxFollowed left trades, the oldest forgotten first.
		for (const rfqId of ['c', 'd']) {
			follower.observe('quote:confirmed', { quote_id: `q-${rfqId}`, rfq_id: rfqId });
			await turn();
			follower.observe('position:cancelled', { rfq_id: rfqId });
		}
		expect(['b', 'c', 'd'].map(onChannel)).toEqual([false, true, true]);
		detach();
	});

	it("follows and leaves the last frame's trade from ids that are equal strings, and follows it again once left", async () => {
		const follower = new TradeFollower({ followForMs: 60_000 });
		const { sent, live } = liveConnection();
		const detach = follower.attach(live);
		// As a socket gives them: each frame's id a fresh string, equal to the last frame's, not the same one.
		const idOfFrame = () => JSON.parse('"rfq-1"') as string;
		follower.observe('quote:accepted', { quote_id: 'q1', rfq_id: idOfFrame() });
		const seen = follower.seenOf(idOfFrame());
		follower.observe('mm_quote:accepted', { quote_id: 'q1', rfq_id: idOfFrame() });
		await turn();
		follower.observe('position:settled', { rfq_id: idOfFrame() });
		// Left already: a second terminal event changes nothing.
		follower.observe('position:error', { rfq_id: idOfFrame() });
		expect(follower.rfqIds).toEqual([]);
		await turn();
		// Followed again: a new follow, with what was seen of it.
		follower.observe('quote:confirmed', { quote_id: 'q1', rfq_id: idOfFrame() });
		expect(follower.rfqIds).toEqual(['rfq-1']);
		expect(follower.seenOf(idOfFrame())).toBe(seen);
		await turn();
		expect(sent).toEqual(['subscribe rfq:rfq-1', 'unsubscribe rfq:rfq-1', 'subscribe rfq:rfq-1']);
		follower.observe('position:settled', { rfq_id: idOfFrame() });
		expect(follower.rfqIds).toEqual([]);
		detach();
	});

	it('answers for the trade just followed or left only while it is still remembered', () => {
		// No room for left trades: a trade is forgotten the moment it is left.
		const follower = new TradeFollower({ followForMs: 600_000, maxFollowed: 0 });
		follower.observe('quote:accepted', { quote_id: 'q1', rfq_id: 'a' });
		expect(follower.seenOf('a')).toBeDefined();
		expect(follower.seenOf('b')).toBeUndefined();
		follower.observe('position:settled', { rfq_id: 'a' });
		expect(follower.seenOf('a')).toBeUndefined();
		expect(follower.anyTradeChannel()).toBe(false);
	});
});

describe('RecentlyLeft', () => {
	const remembered = (left: RecentlyLeft, rfqIds: string[]) => rfqIds.filter((rfqId) => left.seenOf(rfqId) !== undefined);

	it('keeps at most max trades, the oldest forgotten first', () => {
		const left = new RecentlyLeft(3, 1000);
		for (const rfqId of ['a', 'b', 'c', 'd', 'e']) left.add(new TrackedTrade(rfqId), 0);
		expect(remembered(left, ['a', 'b', 'c', 'd', 'e'])).toEqual(['c', 'd', 'e']);
		expect(left.size).toBe(3);
	});

	it('forgets a trade keepMs after it was left, when a later one is left', () => {
		const left = new RecentlyLeft(10, 1000);
		left.add(new TrackedTrade('a'), 0);
		left.add(new TrackedTrade('b'), 500);
		left.add(new TrackedTrade('c'), 1000);
		expect(remembered(left, ['a', 'b', 'c'])).toEqual(['b', 'c']);
		left.add(new TrackedTrade('d'), 1600);
		expect(remembered(left, ['a', 'b', 'c', 'd'])).toEqual(['c', 'd']);
	});

	it('hands back what was seen of a trade followed again, and forgets it there', () => {
		const left = new RecentlyLeft(10, 1000);
		const seen = new TrackedTrade('a');
		seen.mark('q1', 1);
		left.add(seen, 0);
		expect(left.take('a')).toBe(seen);
		expect(left.take('a')).toBeUndefined();
		expect(left.size).toBe(0);
	});

	it('counts a trade left again from its latest leaving, and its earlier place neither evicts nor keeps anything', () => {
		const left = new RecentlyLeft(2, 1000);
		const first = new TrackedTrade('a');
		left.add(first, 0);
		left.add(new TrackedTrade('b'), 100);
		left.take('a');
		left.add(first, 900);
		// 'a' was first left at 0: that place has expired, the trade itself has not.
		left.add(new TrackedTrade('c'), 1050);
		expect(remembered(left, ['a', 'b', 'c'])).toEqual(['a', 'c']);
		expect(left.seenOf('a')).toBe(first);
	});

	it('stays bounded whatever the churn: a trade followed and left again and again within keepMs', () => {
		const left = new RecentlyLeft(4, 60_000);
		for (let round = 0; round < 10_000; round++) {
			const rfqId = `r${round % 3}`;
			left.add(left.take(rfqId) ?? new TrackedTrade(rfqId), round);
		}
		expect(left.size).toBe(3);
		expect(placesOf((left as unknown as { trades: TradeOrder }).trades).room).toBeLessThanOrEqual(4 * 5 + 2 * 64 + 2);
	});
});

/** A TradeOrder's array, read through its private fields: nothing else shows its bound. */
function placesOf(trades: TradeOrder) {
	const { order, head, end } = trades as unknown as { order: unknown[]; head: number; end: number };
	return { room: order.length, inUse: end - head };
}

describe('TradeOrder', () => {
	const ids = (trades: TradeOrder) => trades.list().map((trade) => trade.rfqId);

	it('keeps trades in the order they were put in, skips those taken out, and moves one put in again to the end', () => {
		const trades = new TradeOrder(4, 'followPlace');
		const [a, b, c] = ['a', 'b', 'c'].map((rfqId) => new TrackedTrade(rfqId));
		for (const trade of [a, b, c]) trades.push(trade);
		expect(trades.remove(b)).toBe(true);
		expect(trades.remove(b)).toBe(false);
		expect(ids(trades)).toEqual(['a', 'c']);
		trades.push(a);
		expect(ids(trades)).toEqual(['c', 'a']);
		expect(trades.oldest()).toBe(c);
		expect(trades.size).toBe(2);
		expect(trades.get('a')).toBe(a);
		expect(trades.get('b')).toBeUndefined();
		// A trade is in each order on its own field: being left lately does not count as followed.
		const left = new TradeOrder(4, 'leftPlace');
		left.push(b);
		expect(b.followPlace).toBe(-1);
		expect(trades.get('b')).toBeUndefined();
	});

	it('lets a new record of an id replace the old one, which loses its place', () => {
		const trades = new TradeOrder(4, 'leftPlace');
		const first = new TrackedTrade('a');
		trades.push(first);
		trades.push(new TrackedTrade('b'));
		const second = new TrackedTrade('a');
		trades.push(second);
		expect(first.leftPlace).toBe(-1);
		expect(ids(trades)).toEqual(['b', 'a']);
		expect(trades.get('a')).toBe(second);
		expect(trades.oldest()?.rfqId).toBe('b');
	});

	it('stays bounded and in order under churn: most trades leave at once, some stay long, one is put in again and again', () => {
		const trades = new TradeOrder(8, 'followPlace');
		const stayers: TrackedTrade[] = [];
		const again = new TrackedTrade('again');
		let mostRoom = 0;
		for (let round = 0; round < 20_000; round++) {
			const trade = new TrackedTrade(`r${round}`);
			trades.push(trade);
			if (round % 1000 === 0) stayers.push(trade);
			else trades.remove(trade);
			if (round % 7 === 0) trades.push(again);
			// The stayers leave oldest first, one every 3,000 rounds.
			if (round % 3000 === 2999) trades.remove(stayers.shift()!);
			mostRoom = Math.max(mostRoom, placesOf(trades).room);
		}
		expect(ids(trades)).toEqual([...stayers.map((trade) => trade.rfqId), 'again']);
		expect(trades.oldest()).toBe(stayers[0]);
		expect(trades.size).toBe(stayers.length + 1);
		// In use: at most twice the trades held plus the slack; before the front: at most as much again.
		expect(mostRoom).toBeLessThanOrEqual(4 * 16 + 2 * 64 + 2);
	});
});

describe('SeenEvents', () => {
	it('marks each bit once per subject and remembers at most MAX_SUBJECTS_PER_TRADE subjects, the oldest forgotten first', () => {
		const seen = new SeenEvents();
		expect([seen.mark('q1', 1), seen.mark('q1', 2), seen.mark('q1', 1), seen.mark('r1', 1)]).toEqual([true, true, false, true]);
		for (let index = 0; index < MAX_SUBJECTS_PER_TRADE - 1; index++) seen.mark(`other${index}`, 1);
		expect(seen.mark('r1', 1)).toBe(false);
		expect(seen.mark('q1', 2)).toBe(true);
	});
});

describe('onceAcrossChannels', () => {
	const delivered = (key: string | undefined, event = 'position:settled', data: IDataObject = {}): Delivered => ({
		item: { venue: 'totalis', source: 'websocket', event, data, receivedAt: '', connection: { id: 1, sequence: 1 }, gap: null },
		deduplicationKey: key,
	});

	it('drops a second copy of a remembered event, remembers a bounded number, and passes events without a key', () => {
		const stage = onceAcrossChannels(2);
		const passed: Array<string | undefined> = [];
		const push = (key: string | undefined) => stage.push(delivered(key), (kept) => passed.push(kept.deduplicationKey));
		for (const key of ['a', 'a', 'b', undefined, undefined, 'c', 'b', 'a', 'd', 'e', 'a']) push(key);
		// Two generations of two: 'a' and 'b' are still known after 'c' came; when 'e' came they were forgotten, so 'a' passes again.
		expect(passed).toEqual(['a', 'b', undefined, undefined, 'c', 'd', 'e', 'a']);
	});

	it("remembers a trade's events under the trade: each of its events passes once, a copy of any of them is dropped", () => {
		const stage = onceAcrossChannels();
		const passed: string[] = [];
		const push = (event: string) =>
			stage.push({ ...delivered(`totalis:${event}:r1`, event, { rfq_id: 'r1' }), key: 'r1' }, (kept) => passed.push(kept.item.event));
		for (const event of ['position:created', 'position:created', 'position:settled', 'position:created', 'position:settled']) push(event);
		expect(passed).toEqual(['position:created', 'position:settled']);
	});

	it('knows an event type it does not know by its whole payload: a copy is dropped, a new state of the trade passes', () => {
		const stage = onceAcrossChannels();
		const passed: unknown[] = [];
		const push = (data: IDataObject) =>
			stage.push(delivered('totalis:position:bought_back:r1', 'position:bought_back', data), (kept) => passed.push(kept.item.data));
		push({ rfq_id: 'r1', amount: 10 });
		push({ rfq_id: 'r1', amount: 10 });
		push({ rfq_id: 'r1', amount: 12 });
		expect(passed).toEqual([
			{ rfq_id: 'r1', amount: 10 },
			{ rfq_id: 'r1', amount: 12 },
		]);
	});
	it('with sources, checks only the events of a trade on its channel: a copy on rfq:<id> right after leaving it is still dropped', async () => {
		const follower = new TradeFollower({ followForMs: 600_000 });
		const detach = follower.attach(liveConnection().live);
		const stage = onceAcrossChannels(REMEMBERED_EVENTS, follower);
		const passed: string[] = [];
		// Decoding shows the follower each event first, as the protocol does, then the copy check runs.
		const arrive = (event: string, data: Record<string, string>) => {
			follower.observe(event, data);
			const subject = data.quote_id ?? data.rfq_id;
			stage.push({ ...delivered(`totalis:${event}:${subject}`, event, data), key: subject }, (kept) =>
				passed.push(`${kept.item.event} ${subject}`),
			);
		};
		arrive('quote:accepted', { quote_id: 'q1', rfq_id: 'r1' });
		// The follower tells the connection to subscribe to rfq:r1 at the end of the turn.
		await new Promise<void>((resolve) => setImmediate(resolve));
		arrive('position:created', { rfq_id: 'r1', position_pda: 'p' });
		arrive('position:created', { rfq_id: 'r1', position_pda: 'p' });
		// The settlement leaves the trade; its copy from the other channel comes after.
		arrive('position:settled', { rfq_id: 'r1', position_pda: 'p', outcome: 'win' });
		expect(follower.rfqIds).toEqual([]);
		arrive('position:settled', { rfq_id: 'r1', position_pda: 'p', outcome: 'win' });
		// A quote of a trade never followed has only the market maker's channel: it is not looked up,
		// so even a frame the venue repeated there passes (the check would cost every event for it).
		arrive('quote:withdrawn', { quote_id: 'q2', rfq_id: 'r2' });
		arrive('quote:withdrawn', { quote_id: 'q2', rfq_id: 'r2' });
		expect(passed).toEqual(['quote:accepted q1', 'position:created r1', 'position:settled r1', 'quote:withdrawn q2', 'quote:withdrawn q2']);
		detach();
	});
});
