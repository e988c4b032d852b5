import { bookChecksum, CHECKSUM_FORMS, type ChecksumForm } from '../../nodes/AggMarket/book/checksum';
import { DIALECTS, startSimulator, type AggDialect, type VenueSimulator } from '../src';
import { WsClient, type WsMessage } from './helpers';

// Frames are whatever the simulator sent: the assertions below pin their shape.
type Json = any;
type Level = { price: number; totalSize: number; venues: unknown[] };

/** A client-side book, as the nodes keep it. */
class ClientBook {
	seq: number;
	bids: Level[];
	asks: Level[];

	constructor(snapshot: Json) {
		this.seq = snapshot.seq;
		this.bids = snapshot.bids;
		this.asks = snapshot.asks;
	}

	apply(delta: Json): void {
		this.bids = merge(this.bids, delta.bidChanges, 'desc');
		this.asks = merge(this.asks, delta.askChanges, 'asc');
		this.seq = delta.seq;
	}

	checksum(): number {
		return bookChecksum(this.bids, this.asks);
	}
}

function merge(levels: Level[], changes: Level[], order: 'asc' | 'desc'): Level[] {
	const byPrice = new Map(levels.map((l) => [l.price, l]));
	for (const change of changes) {
		if (change.totalSize === 0) byPrice.delete(change.price);
		else byPrice.set(change.price, change);
	}
	return [...byPrice.values()].sort((a, b) => (order === 'asc' ? a.price - b.price : b.price - a.price));
}

describe('agg.market WebSocket', () => {
	let sim: VenueSimulator;
	const clients: WsClient[] = [];
	const OUTCOME = 'vmo_fed_cut_july_yes';

	const connect = async (query: Record<string, string> = {}, headers: Record<string, string> = {}): Promise<WsClient> => {
		const params = new URLSearchParams({ appId: sim.agg.appId, ...query });
		const client = await WsClient.connect(`${sim.agg.wsUrl}?${params}`, { headers });
		clients.push(client);
		return client;
	};
	const authed = async (token = sim.agg.accessToken): Promise<WsClient> => {
		const client = await connect({ token });
		await client.next('connected');
		return client;
	};
	/** Everything the server sent before reading this is queued once the answer is back. */
	const barrier = async (client: WsClient): Promise<void> => {
		client.send({ action: 'barrier' });
		await client.next('error', (m) => m.message === 'Unknown action: barrier');
	};
	const subscribe = async (client: WsClient, outcomeIds: string[]): Promise<Map<string, ClientBook>> => {
		client.send({ action: 'subscribe', channel: 'orderbook', outcomeIds });
		const ack = await client.next('subscribed');
		expect(ack).toEqual({ type: 'subscribed', channel: 'orderbook', outcomeIds });
		const books = new Map<string, ClientBook>();
		for (const id of outcomeIds) books.set(id, new ClientBook(await client.next('orderbook_snapshot', (m) => m.outcomeId === id)));
		return books;
	};

	afterEach(async () => {
		await Promise.all(clients.splice(0).map((c) => c.close()));
		await sim.close();
	});

	describe('connection and auth', () => {
		beforeEach(async () => {
			sim = await startSimulator({ agg: { seed: 7 } });
		});

		it('greets with connected: userId with a token, null without; authenticate upgrades in place', async () => {
			expect(sim.agg.wsUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/agg\/ws$/);
			const withToken = await connect({ token: sim.agg.accessToken });
			expect(await withToken.next()).toEqual({ type: 'connected', appId: 'app_sim_0001', userId: 'user-123' });
			const anonymous = await connect();
			expect(await anonymous.next()).toEqual({ type: 'connected', appId: 'app_sim_0001', userId: null });
			const authenticated = sim.agg.waitFor('ws:authenticated');
			anonymous.send({ action: 'authenticate', token: sim.agg.accessToken });
			expect(await anonymous.next()).toEqual({ type: 'authenticated', userId: 'user-123' });
			expect((await authenticated).userId).toBe('user-123');
		});

		it('refuses an unknown token with an error and keeps the socket open', async () => {
			const client = await connect();
			await client.next('connected');
			client.send({ action: 'authenticate', token: 'agg_at_nope' });
			expect(await client.next()).toEqual({ type: 'error', message: 'Invalid token' });
			await barrier(client);
			expect(sim.agg.openSockets()).toBe(1);
		});

		it('refuses an upgrade without or with an unknown appId (401)', async () => {
			await expect(WsClient.connect(sim.agg.wsUrl)).rejects.toThrow('upgrade refused: 401');
			await expect(WsClient.connect(`${sim.agg.wsUrl}?appId=app_other`)).rejects.toThrow('upgrade refused: 401');
		});

		it('answers malformed and invalid client messages with error {message}', async () => {
			const client = await connect();
			await client.next('connected');
			client.send('not json');
			expect((await client.next('error')).message).toBe('Malformed message: not valid JSON');
			client.send({ action: 'subscribe', channel: 'trades', outcomeIds: [OUTCOME] });
			expect((await client.next('error')).message).toMatch(/^Invalid subscribe: channel: /);
			client.send({ action: 'subscribe', channel: 'orderbook', outcomeIds: ['vmo_nope'] });
			expect((await client.next('error')).message).toBe('Unknown outcomeId: vmo_nope');
		});

		it('sends heartbeats to every socket', async () => {
			await sim.close();
			sim = await startSimulator({ agg: { heartbeatIntervalMs: 40 } });
			const client = await connect();
			const beat = await client.next('heartbeat');
			expect(typeof beat.ts).toBe('number');
			expect(Math.abs((beat.ts as number) - Date.now())).toBeLessThan(5000);
			await client.next('heartbeat');
		});

		it('checks the Origin when allowedOrigins is set (403 otherwise)', async () => {
			await sim.close();
			sim = await startSimulator({ agg: { allowedOrigins: ['https://app.example'] } });
			await expect(WsClient.connect(`${sim.agg.wsUrl}?appId=${sim.agg.appId}`)).rejects.toThrow('upgrade refused: 403');
			await expect(
				WsClient.connect(`${sim.agg.wsUrl}?appId=${sim.agg.appId}`, { headers: { Origin: 'https://evil.example' } }),
			).rejects.toThrow('upgrade refused: 403');
			const client = await connect({}, { Origin: 'https://app.example' });
			expect((await client.next('connected')).userId).toBeNull();
		});
	});

	describe('user events', () => {
		beforeEach(async () => {
			sim = await startSimulator({ agg: { seed: 11, users: ['user-456'], orderStepMs: 1 } });
		});

		it('plays a fill in lifecycle order to that user only, then a balance update', async () => {
			const mine = await authed();
			const other = await authed(sim.agg.issueTokens('user-456').accessToken);
			const anonymous = await connect();
			await anonymous.next('connected');
			const done = sim.agg.waitFor('user:event', (e) => e.message.type === 'balance_update');
			const placed = sim.agg.placeOrder({
				venue: 'kalshi',
				side: 'buy',
				price: 0.55,
				size: 10,
				outcomeId: OUTCOME,
				outcome: 'fill',
				retry: true,
			});
			await done;
			await mine.next('balance_update');
			const events = mine.inbox.all.filter((m) => m.type !== 'connected' && m.type !== 'heartbeat');
			expect(events[0]).toEqual({
				type: 'order_submitted',
				venue: 'kalshi',
				orderId: placed.orderId,
				side: 'buy',
				price: 0.55,
				size: 10,
				outcomeId: OUTCOME,
				timestamp: expect.any(Number),
			});
			const kinds = events.slice(1).map((m) => (m.type === 'order_event' ? m.event : m.type));
			expect(kinds.slice(0, 2)).toEqual(['dag_started', 'step_started']);
			expect(kinds).toContain('step_waiting');
			expect(kinds).toContain('step_retrying');
			expect(kinds.slice(-3)).toEqual(['filled', 'dag_completed', 'balance_update']);
			const completed = events.filter((m) => m.event === 'step_completed');
			expect(completed.map((m) => m.sequence)).toEqual([1, 2, 3, 4, 5, 6, 7]);
			expect(completed.every((m) => m.totalSteps === 7 && m.dagRunId === placed.dagRunId && m.userId === 'user-123')).toBe(true);
			const filled = events.find((m) => m.event === 'filled') as WsMessage;
			expect(filled).toMatchObject({ orderId: placed.orderId, venue: 'kalshi', filledAmountRaw: '10000000', remainingAmountRaw: '0' });
			const balance = events.at(-1) as Json;
			expect(Number.isInteger(balance.tradingBalanceCents)).toBe(true);
			expect(Number.isInteger(balance.walletBalanceCents)).toBe(true);
			await barrier(other);
			await barrier(anonymous);
			expect(other.inbox.all.filter((m) => m.type === 'order_event' || m.type === 'order_submitted')).toEqual([]);
			expect(anonymous.inbox.all.filter((m) => m.type === 'order_event' || m.type === 'balance_update')).toEqual([]);
		});

		it('a partial fill reports filled and remaining raw amounts, then the venue balance', async () => {
			const client = await authed();
			const fill = sim.agg.waitFor('user:event', (e) => e.message.event === 'partial_fill');
			const done = sim.agg.waitFor('user:event', (e) => e.message.type === 'balance_update');
			sim.agg.placeOrder({ venue: 'polymarket', side: 'buy', price: 0.4, size: 3, outcomeId: OUTCOME, outcome: 'partial', retry: false });
			expect((await fill).message).toMatchObject({ filledAmountRaw: '1500000', remainingAmountRaw: '1500000' });
			await done;
			const update = await client.next('balance_update');
			expect(update.venue).toBe('polymarket');
			expect(client.inbox.all.some((m) => m.event === 'step_retrying')).toBe(false);
		});

		it('a failure ends with step_failed, failed and dag_failed carrying the reason, and no balance update', async () => {
			const client = await authed();
			const end = sim.agg.waitFor('user:event', (e) => e.message.event === 'dag_failed');
			sim.agg.placeOrder({ venue: 'polymarket', side: 'sell', price: 0.3, size: 2, outcomeId: OUTCOME, outcome: 'fail', retry: false });
			await end;
			await client.next('order_event', (m) => m.event === 'dag_failed');
			const tail = client.inbox.all.filter((m) => m.type === 'order_event').slice(-3);
			expect(tail.map((m) => m.event)).toEqual(['step_failed', 'failed', 'dag_failed']);
			for (const m of tail) expect(m.errorReason).toMatch(/^Polymarket CLOB error \(400\)/);
			expect(client.inbox.all.some((m) => m.type === 'balance_update' || m.event === 'filled')).toBe(false);
		});

		it("sendUserEvent sends one event as given to that user's authenticated sockets only", async () => {
			const mine = await authed();
			const other = await authed(sim.agg.issueTokens('user-456').accessToken);
			const reported = sim.agg.waitFor('user:event');
			const message = { type: 'order_submitted', orderId: 'order-by-test-1', venue: 'kalshi', timestamp: 1 };
			expect(sim.agg.sendUserEvent(message)).toBe(1);
			expect(await reported).toEqual({ userId: 'user-123', message, recipients: 1 });
			expect(await mine.next('order_submitted')).toEqual(message);
			await barrier(other);
			expect(other.inbox.all.filter((m) => m.type === 'order_submitted')).toEqual([]);
			expect(sim.agg.sendUserEvent({ type: 'balance_update', tradingBalanceCents: 5 }, 'user-456')).toBe(1);
			expect(await other.next('balance_update')).toEqual({ type: 'balance_update', tradingBalanceCents: 5 });
		});

		it('refuses a bad order at once', () => {
			expect(() => sim.agg.placeOrder({ venue: 'kalshi', side: 'buy', price: 1.5, size: 1, outcomeId: OUTCOME, outcome: 'fill' })).toThrow(
				'price',
			);
			expect(() =>
				sim.agg.placeOrder({ venue: 'kalshi', side: 'buy', price: 0.5, size: 1, outcomeId: 'vmo_nope', outcome: 'fill' }),
			).toThrow('unknown outcome');
		});
	});

	describe.each(DIALECTS.agg)('order-book checksums in the %s dialect', (dialect: AggDialect) => {
		/** The nodes' form the dialect should match, and the other one it should not. */
		const spelled = (bid: string): ChecksumForm => CHECKSUM_FORMS.find((form) => form.bid === bid && form.numbers === 'normalized')!;
		const form = spelled(dialect === 'short' ? 'b' : 'bid');
		const other = spelled(dialect === 'short' ? 'bid' : 'b');
		const checksumOf = (book: { bids: Level[]; asks: Level[] }, using = form) => bookChecksum(book.bids, book.asks, using);

		beforeEach(async () => {
			sim = await startSimulator({ agg: { seed: 5, dialect } });
		});

		it(`hashes levels as ${form.bid}:/${form.ask}: in snapshots and deltas`, async () => {
			expect(sim.agg.dialect).toBe(dialect);
			const client = await connect();
			const book = (await subscribe(client, [OUTCOME])).get(OUTCOME)!;
			const snapshot = client.inbox.all.find((m) => m.type === 'orderbook_snapshot') as Json;
			expect(snapshot.checksum).toBe(checksumOf(book));
			expect(snapshot.checksum).not.toBe(checksumOf(book, other));
			sim.agg.moveBook(OUTCOME, { bidChanges: [{ price: 0.3, totalSize: 9 }] });
			const delta = await client.next('orderbook_delta');
			book.apply(delta);
			expect(delta.checksum).toBe(checksumOf(book));
		});

		it('corruptSnapshotChecksum: exactly the next snapshot sent carries a wrong checksum', async () => {
			const client = await connect();
			await subscribe(client, [OUTCOME]);
			sim.agg.faults.corruptSnapshotChecksum(OUTCOME);
			client.send({ action: 'resnapshot', channel: 'orderbook', outcomeIds: [OUTCOME] });
			const bad = await client.next('orderbook_snapshot');
			expect(bad.checksum).not.toBe(checksumOf(new ClientBook(bad)));
			expect(sim.agg.book(OUTCOME).checksum).toBe(checksumOf(new ClientBook(bad)));
			client.send({ action: 'resnapshot', channel: 'orderbook', outcomeIds: [OUTCOME] });
			const good = await client.next('orderbook_snapshot');
			expect(good.checksum).toBe(checksumOf(new ClientBook(good)));
		});

		it('scrambleChecksums: while on, no known form reproduces any checksum; off, they verify again', async () => {
			const client = await connect();
			const book = (await subscribe(client, [OUTCOME])).get(OUTCOME)!;
			sim.agg.faults.scrambleChecksums();
			sim.agg.moveBook(OUTCOME, { bidChanges: [{ price: 0.3, totalSize: 9 }] });
			const delta = await client.next('orderbook_delta');
			book.apply(delta);
			client.send({ action: 'resnapshot', channel: 'orderbook', outcomeIds: [OUTCOME] });
			const snapshot = await client.next('orderbook_snapshot');
			for (const any of CHECKSUM_FORMS) {
				expect(delta.checksum).not.toBe(checksumOf(book, any));
				expect(snapshot.checksum).not.toBe(checksumOf(new ClientBook(snapshot), any));
			}
			sim.agg.faults.reset();
			sim.agg.moveBook(OUTCOME, { bidChanges: [{ price: 0.31, totalSize: 4 }] });
			const after = await client.next('orderbook_delta');
			book.apply(after);
			expect(after.checksum).toBe(checksumOf(book));
		});
	});

	describe('order books', () => {
		beforeEach(async () => {
			sim = await startSimulator({ agg: { seed: 5 } });
		});

		it('snapshot then deltas whose checksums verify after applying them', async () => {
			const client = await connect();
			const books = await subscribe(client, [OUTCOME, 'vmo_btc_150k_no']);
			const book = books.get(OUTCOME)!;
			const snapshot = client.inbox.all.find((m) => m.type === 'orderbook_snapshot' && m.outcomeId === OUTCOME) as Json;
			expect(snapshot.checksum).toBe(book.checksum());
			expect(snapshot.bids.length).toBeGreaterThan(0);
			expect(snapshot.asks[0].price).toBeGreaterThan(snapshot.bids[0].price);
			expect(snapshot.midpoint).toBeCloseTo((snapshot.bids[0].price + snapshot.asks[0].price) / 2, 4);
			for (const level of [...snapshot.bids, ...snapshot.asks]) {
				expect(level.price).toBeGreaterThanOrEqual(0.01);
				expect(level.price).toBeLessThanOrEqual(0.99);
				expect(level.venues.reduce((sum: number, v: Json) => sum + v.size, 0)).toBe(level.totalSize);
			}

			const removed = snapshot.bids[1].price;
			sim.agg.moveBook(OUTCOME, { bidChanges: [{ price: removed, totalSize: 0 }], askChanges: [{ price: 0.7, totalSize: 42 }] });
			sim.agg.moveBook(OUTCOME, { bidChanges: [{ price: snapshot.bids[0].price, totalSize: 7 }] });
			for (let i = 0; i < 2; i++) {
				const delta = await client.next('orderbook_delta');
				expect(delta.seq).toBe(book.seq + 1);
				book.apply(delta);
				expect(delta.checksum).toBe(book.checksum());
			}
			expect(book.bids.some((l) => l.price === removed)).toBe(false);
			expect(sim.agg.book(OUTCOME).checksum).toBe(book.checksum());
		});

		it('skipSeq: exactly the next delta jumps a number; a resnapshot gets a fresh, valid snapshot', async () => {
			const client = await connect();
			const book = (await subscribe(client, [OUTCOME])).get(OUTCOME)!;
			sim.agg.faults.skipSeq(OUTCOME);
			sim.agg.moveBook(OUTCOME, { askChanges: [{ price: 0.8, totalSize: 5 }] });
			sim.agg.moveBook(OUTCOME, { askChanges: [{ price: 0.81, totalSize: 6 }] });
			const gap = await client.next('orderbook_delta');
			expect(gap.seq).toBe(book.seq + 2);
			const after = await client.next('orderbook_delta');
			expect(after.seq).toBe((gap.seq as number) + 1);
			const resnapshot = sim.agg.waitFor('ws:resnapshot');
			client.send({ action: 'resnapshot', channel: 'orderbook', outcomeIds: [OUTCOME] });
			const fresh = await client.next('orderbook_snapshot');
			expect((await resnapshot).outcomeIds).toEqual([OUTCOME]);
			expect(fresh.seq).toBe(after.seq);
			const rebuilt = new ClientBook(fresh);
			expect(fresh.checksum).toBe(rebuilt.checksum());
			expect(rebuilt.asks.some((l) => l.price === 0.81 && l.totalSize === 6)).toBe(true);
		});

		it('corruptChecksum: exactly the next delta carries a wrong checksum; the one after is right again', async () => {
			const client = await connect();
			const book = (await subscribe(client, [OUTCOME])).get(OUTCOME)!;
			sim.agg.faults.corruptChecksum(OUTCOME);
			sim.agg.moveBook(OUTCOME, { bidChanges: [{ price: 0.3, totalSize: 9 }] });
			sim.agg.moveBook(OUTCOME, { bidChanges: [{ price: 0.31, totalSize: 10 }] });
			const bad = await client.next('orderbook_delta');
			expect(bad.seq).toBe(book.seq + 1);
			book.apply(bad);
			expect(bad.checksum).not.toBe(book.checksum());
			const good = await client.next('orderbook_delta');
			book.apply(good);
			expect(good.checksum).toBe(book.checksum());
			client.send({ action: 'resnapshot', channel: 'orderbook', outcomeIds: [OUTCOME] });
			const fresh = await client.next('orderbook_snapshot');
			expect(fresh.checksum).toBe(new ClientBook(fresh).checksum());
			expect(fresh.checksum).toBe(book.checksum());
		});

		it('unsubscribe stops the deltas; resnapshot of an unsubscribed outcome is an error', async () => {
			const client = await connect();
			await subscribe(client, [OUTCOME]);
			client.send({ action: 'unsubscribe', channel: 'orderbook', outcomeIds: [OUTCOME] });
			expect(await client.next('unsubscribed')).toEqual({ type: 'unsubscribed', channel: 'orderbook', outcomeIds: [OUTCOME] });
			expect(sim.agg.moveBook(OUTCOME, { bidChanges: [{ price: 0.2, totalSize: 1 }] }).seq).toBeGreaterThan(1);
			client.send({ action: 'resnapshot', channel: 'orderbook', outcomeIds: [OUTCOME] });
			expect((await client.next('error')).message).toBe(`Not subscribed: ${OUTCOME}`);
			expect(client.inbox.all.some((m) => m.type === 'orderbook_delta')).toBe(false);
		});

		it('market_resolved ends the book: no more subscriptions or deltas', async () => {
			const client = await connect();
			await subscribe(client, [OUTCOME]);
			expect(sim.agg.resolveMarket(OUTCOME)).toBe(1);
			expect(await client.next('market_resolved')).toEqual({ type: 'market_resolved', outcomeId: OUTCOME });
			expect(() => sim.agg.moveBook(OUTCOME, { bidChanges: [{ price: 0.2, totalSize: 1 }] })).toThrow('resolved');
			client.send({ action: 'subscribe', channel: 'orderbook', outcomeIds: [OUTCOME] });
			expect((await client.next('error')).message).toBe(`Market resolved: ${OUTCOME}`);
		});

		it('allows 100 subscriptions per connection and refuses the 101st', async () => {
			const ids = sim.agg.outcomes.map((o) => o.outcomeId);
			expect(ids.length).toBeGreaterThan(100);
			const client = await connect();
			client.send({ action: 'subscribe', channel: 'orderbook', outcomeIds: ids.slice(0, 100) });
			expect(((await client.next('subscribed')).outcomeIds as string[]).length).toBe(100);
			client.send({ action: 'subscribe', channel: 'orderbook', outcomeIds: [ids[100]] });
			expect((await client.next('error')).message).toMatch(/^Subscription limit exceeded: at most 100/);
			// Re-subscribing an outcome it already has does not count twice.
			client.send({ action: 'subscribe', channel: 'orderbook', outcomeIds: [ids[0]] });
			await client.next('subscribed', (m) => (m.outcomeIds as string[])[0] === ids[0]);
			// Another connection has its own budget.
			const other = await connect();
			await subscribe(other, [ids[100]]);
		});

		it('the live market sends deltas that verify', async () => {
			await sim.close();
			sim = await startSimulator({ agg: { seed: 9, marketIntervalMs: 5 } });
			const ids = sim.agg.outcomes.slice(0, 12).map((o) => o.outcomeId);
			const client = await connect();
			const books = await subscribe(client, ids);
			sim.agg.startMarket();
			for (let i = 0; i < 20; i++) {
				const delta = await client.next('orderbook_delta');
				const book = books.get(delta.outcomeId as string)!;
				expect(delta.seq).toBe(book.seq + 1);
				book.apply(delta);
				expect(delta.checksum).toBe(book.checksum());
				expect(book.bids[0] === undefined || book.asks[0] === undefined || book.bids[0].price < book.asks[0].price).toBe(true);
			}
			sim.agg.stopMarket();
			expect(sim.agg.marketRunning).toBe(false);
		});
	});
});
