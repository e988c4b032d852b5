/**
 * The bounds of Follow My Trades, which the trigger tests cannot reach in a test's time: how many
 * trades are followed at once, and how many events are remembered to drop a second copy.
 */
import type { IDataObject } from 'n8n-workflow';

import type { Delivered } from '../../nodes/shared/items';
import { onceAcrossChannels } from '../../nodes/Totalis/stream/onceAcrossChannels';
import { TradeFollower } from '../../nodes/Totalis/stream/tradeFollower';

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
});
