import { ManualClock, startSimulator, type VenueSimulator } from '../src';
import { ISO_TIMESTAMP, WsClient, type WsMessage } from './helpers';

// Payloads are whatever the simulator sent: the assertions below pin their shape.
type Json = any;

const OTHER_USER = { email: 'other@helio.sim', password: 'pw-other', accounts: [{ id: 'acc-2001', gid: 2 }] };

const payload = (message: WsMessage): Json => message.payload;

const order = (volume: number, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
	symbol_id: 'EURUSD',
	side: 'TRADE_SIDE_BUY',
	type: 'ORDER_TYPE_MARKET',
	time_in_force: 'TIF_GTC',
	volume,
	...extra,
});

describe('Helio WebSocket', () => {
	let sim: VenueSimulator;
	const clients: WsClient[] = [];

	const connect = async (token = sim.helio.issueToken().access_token, options = {}): Promise<WsClient> => {
		const client = await WsClient.connect(`${sim.helio.wsUrl}?token=${encodeURIComponent(token)}`, options);
		clients.push(client);
		return client;
	};
	/** Everything the server sent before reading this is queued once its error comes back. */
	const barrier = async (client: WsClient): Promise<void> => {
		client.send({ type: 'barrier', payload: {} });
		await client.next('error', (m) => payload(m).message === 'Unknown message type: barrier');
	};
	const subscribe = async (client: WsClient, symbols: string[], events: string[]): Promise<void> => {
		client.send({ type: 'subscribe', payload: { symbols, events } });
		await client.next('subscribed');
	};
	const nextPayload = async (client: WsClient, type: string, predicate: (p: Json) => boolean = () => true): Promise<Json> =>
		payload(await client.next(type, (m) => predicate(payload(m))));

	afterEach(async () => {
		await Promise.all(clients.splice(0).map((c) => c.close()));
		await sim.close();
	});

	describe('connection and messages', () => {
		beforeEach(async () => {
			sim = await startSimulator({ helio: { users: [OTHER_USER] } });
		});

		it('mounts under /helio, serves the socket at /helio/api/v1/ws and opens it for a valid token', async () => {
			const port = new URL(sim.baseUrl).port;
			expect(sim.helio.restUrl).toBe(`${sim.baseUrl}/helio`);
			expect(sim.helio.wsUrl).toBe(`ws://127.0.0.1:${port}/helio/api/v1/ws`);
			expect([sim.helio.email, sim.helio.password]).toEqual(['trader@helio.sim', 'helio-sim-password']);
			expect(sim.helio.accounts).toEqual([
				{ id: 'acc-1001', gid: 1 },
				{ id: 'acc-1002', gid: 1 },
			]);
			expect(sim.helio.symbols).toEqual(['EURUSD', 'GBPUSD', 'USDJPY', 'XAUUSD', 'BTCUSD']);
			const seen = sim.helio.waitFor('ws:connection');
			const client = await connect();
			expect(await seen).toMatchObject({ ok: true, email: sim.helio.email });
			expect(sim.helio.openSockets()).toBe(1);
			await barrier(client);
			await expect(WsClient.connect(`${sim.helio.restUrl.replace('http', 'ws')}/api/v1/other`)).rejects.toThrow('upgrade refused: 404');
		});

		it.each([
			['an unknown token', '?token=not-a-token'],
			['no token', ''],
		])('accepts the upgrade with %s, then closes it 1008 invalid token', async (_case, query) => {
			const seen = sim.helio.waitFor('ws:connection');
			const client = await WsClient.connect(`${sim.helio.wsUrl}${query}`);
			clients.push(client);
			expect(await client.closed).toEqual({ code: 1008, reason: 'invalid token' });
			expect((await seen).ok).toBe(false);
		});

		it('acknowledges every subscription with its channel', async () => {
			const client = await connect();
			const seen = sim.helio.waitFor('ws:subscribe');
			client.send({ type: 'subscribe', payload: { symbols: ['EURUSD', 'GBPUSD'], events: ['quoteEvent', 'executionEvent'] } });
			expect(await client.next()).toEqual({
				type: 'subscribed',
				payload: { channel: 'events', symbols: ['EURUSD', 'GBPUSD'], events: ['quoteEvent', 'executionEvent'] },
			});
			expect(await seen).toEqual({
				connectionId: expect.any(Number),
				channel: 'events',
				symbols: ['EURUSD', 'GBPUSD'],
				events: ['quoteEvent', 'executionEvent'],
			});
			client.send({ type: 'unsubscribe', payload: { symbols: ['GBPUSD'], events: ['quoteEvent'] } });
			expect(await client.next()).toEqual({
				type: 'unsubscribed',
				payload: { channel: 'events', symbols: ['GBPUSD'], events: ['quoteEvent'] },
			});
			client.send({ type: 'depthSubscribe', payload: { symbol: 'XAUUSD' } });
			expect(await client.next()).toEqual({ type: 'subscribed', payload: { channel: 'depth', symbol: 'XAUUSD', depth: 5 } });
			client.send({ type: 'depthUnsubscribe', payload: { symbol: 'XAUUSD' } });
			expect(await client.next()).toEqual({ type: 'unsubscribed', payload: { channel: 'depth', symbol: 'XAUUSD' } });
			client.send({ type: 'metricsSubscribe', payload: { accountId: 'acc-1002' } });
			expect(await client.next()).toEqual({ type: 'subscribed', payload: { channel: 'metrics', accountId: 'acc-1002' } });
			client.send({ type: 'metricsUnsubscribe', payload: { accountId: 'acc-1002' } });
			expect(await client.next()).toEqual({ type: 'unsubscribed', payload: { channel: 'metrics', accountId: 'acc-1002' } });
		});

		it('answers error {code, message} for unknown symbols and accounts and for malformed messages', async () => {
			const client = await connect();
			const expectError = async (message: unknown, code: string, text: string | RegExp): Promise<void> => {
				client.send(message);
				const reply = await client.next();
				expect(reply).toEqual({ type: 'error', payload: { code, message: expect.stringMatching(text) } });
			};
			await expectError(
				{ type: 'subscribe', payload: { symbols: ['EURUSD', 'DOGEUSD'], events: ['quoteEvent'] } },
				'UNKNOWN_SYMBOL',
				'DOGEUSD',
			);
			await expectError({ type: 'depthSubscribe', payload: { symbol: 'DOGEUSD' } }, 'UNKNOWN_SYMBOL', 'DOGEUSD');
			await expectError({ type: 'metricsSubscribe', payload: { accountId: 'acc-9999' } }, 'UNKNOWN_ACCOUNT', 'acc-9999');
			// Another user's account is just as unknown to this token.
			await expectError({ type: 'metricsSubscribe', payload: { accountId: 'acc-2001' } }, 'UNKNOWN_ACCOUNT', 'acc-2001');
			await expectError('{"type":"subscribe"', 'INVALID_MESSAGE', /not valid JSON/);
			await expectError({ type: 'subscribe' }, 'INVALID_MESSAGE', /payload must be an object/);
			await expectError({ type: 'subscribe', payload: { events: ['quoteEvent'] } }, 'INVALID_MESSAGE', /symbols/);
			await expectError({ payload: {} }, 'INVALID_MESSAGE', /type/);
			await expectError({ type: 'subscribe', payload: { symbols: ['EURUSD'], events: ['tradeEvent'] } }, 'INVALID_MESSAGE', /events/);
			await expectError({ type: 'depthSubscribe', payload: { symbol: 'EURUSD', depth: 50 } }, 'INVALID_MESSAGE', /depth/);
			await expectError({ type: 'fly', payload: {} }, 'INVALID_MESSAGE', 'Unknown message type: fly');
			await expectError({ type: 'createOrder', payload: order(1) }, 'INVALID_MESSAGE', /REST/);
			// Nothing was subscribed by the refused messages.
			sim.helio.setQuote('EURUSD', 1.2, 1.2002);
			await barrier(client);
			expect(client.pendingOf('quoteEvent')).toHaveLength(0);
		});

		it('reports every client frame, parsed', async () => {
			const client = await connect();
			const seen = sim.helio.waitFor('ws:message');
			client.send({ type: 'depthSubscribe', payload: { symbol: 'EURUSD', depth: 2 } });
			expect(await seen).toEqual({
				connectionId: expect.any(Number),
				message: { type: 'depthSubscribe', payload: { symbol: 'EURUSD', depth: 2 } },
				raw: expect.any(String),
			});
		});
	});

	describe('events reach only the sockets that asked', () => {
		beforeEach(async () => {
			sim = await startSimulator({ helio: { users: [OTHER_USER] } });
			sim.helio.setQuote('EURUSD', 1.1, 1.1002);
		});

		it('quoteEvent goes to sockets subscribed to that symbol with quoteEvent', async () => {
			const euro = await connect();
			const cable = await connect();
			const executionsOnly = await connect();
			await subscribe(euro, ['EURUSD'], ['quoteEvent']);
			await subscribe(cable, ['GBPUSD'], ['quoteEvent']);
			await subscribe(executionsOnly, ['EURUSD'], ['executionEvent']);

			const sent = sim.helio.setQuote('EURUSD', 1.1003, 1.1005);
			expect(sent).toEqual({ symbol: 'EURUSD', bid: 1.1003, ask: 1.1005, ts: expect.stringMatching(ISO_TIMESTAMP) });
			expect(await euro.next('quoteEvent')).toEqual({ type: 'quoteEvent', payload: sent });
			await Promise.all([barrier(cable), barrier(executionsOnly)]);
			expect(cable.pendingOf('quoteEvent')).toHaveLength(0);
			expect(executionsOnly.pendingOf('quoteEvent')).toHaveLength(0);

			sim.helio.setQuote('GBPUSD', 1.27, 1.2702);
			expect(await nextPayload(cable, 'quoteEvent')).toMatchObject({ symbol: 'GBPUSD', bid: 1.27 });

			euro.send({ type: 'unsubscribe', payload: { symbols: ['EURUSD'], events: ['quoteEvent'] } });
			await euro.next('unsubscribed');
			sim.helio.setQuote('EURUSD', 1.1004, 1.1006);
			await barrier(euro);
			expect(euro.pendingOf('quoteEvent')).toHaveLength(0);
		});

		it('depthEvent gives each depth subscriber its number of levels, best first', async () => {
			const deep = await connect();
			const shallow = await connect();
			deep.send({ type: 'depthSubscribe', payload: { symbol: 'EURUSD' } });
			shallow.send({ type: 'depthSubscribe', payload: { symbol: 'EURUSD', depth: 2 } });
			await Promise.all([deep.next('subscribed'), shallow.next('subscribed')]);
			sim.helio.setQuote('EURUSD', 1.1, 1.1002);
			const book = await nextPayload(deep, 'depthEvent');
			expect(book).toEqual({
				symbol: 'EURUSD',
				bids: expect.any(Array),
				asks: expect.any(Array),
				ts: expect.stringMatching(ISO_TIMESTAMP),
			});
			expect(book.bids).toHaveLength(5);
			expect(book.asks).toHaveLength(5);
			expect(book.bids[0][0]).toBe(1.1);
			expect(book.asks[0][0]).toBe(1.1002);
			for (let i = 1; i < 5; i++) {
				expect(book.bids[i][0]).toBeLessThan(book.bids[i - 1][0]);
				expect(book.asks[i][0]).toBeGreaterThan(book.asks[i - 1][0]);
			}
			for (const [, volume] of [...book.bids, ...book.asks]) expect(volume).toBeGreaterThan(0);
			const top = await nextPayload(shallow, 'depthEvent');
			expect(top.bids).toEqual(book.bids.slice(0, 2));
			expect(top.asks).toEqual(book.asks.slice(0, 2));
			// Another symbol's move sends no depth here.
			sim.helio.setQuote('GBPUSD', 1.27, 1.2702);
			await barrier(deep);
			expect(deep.pendingOf('depthEvent')).toHaveLength(0);
		});

		it('executionEvent: one on acceptance, one per fill; an order over 5 lots fills in two parts', async () => {
			const watcher = await connect();
			await subscribe(watcher, ['EURUSD'], ['executionEvent']);
			const small = sim.helio.placeOrderAs('acc-1001', order(1, { client_order_id: 'c-1' }));
			expect(small.status).toBe(201);
			const smallId = (small.body as Json).order.id;
			expect(await nextPayload(watcher, 'executionEvent')).toEqual({
				accountId: 'acc-1001',
				orderId: smallId,
				clientOrderId: 'c-1',
				symbol: 'EURUSD',
				side: 'TRADE_SIDE_BUY',
				type: 'ORDER_TYPE_MARKET',
				status: 'ACCEPTED',
				volume: 1,
				filledVolume: 0,
				remainingVolume: 1,
				price: null,
				ts: expect.stringMatching(ISO_TIMESTAMP),
			});
			expect(await nextPayload(watcher, 'executionEvent')).toMatchObject({
				orderId: smallId,
				status: 'FILLED',
				filledVolume: 1,
				remainingVolume: 0,
				price: 1.1002,
			});

			const done = sim.helio.waitFor('order:filled', (f) => f.complete);
			const big = sim.helio.placeOrderAs('acc-1001', order(6.5));
			const bigId = (big.body as Json).order.id;
			expect((big.body as Json).order).toMatchObject({ status: 'ORDER_STATUS_PARTIALLY_FILLED', filled_volume: 3.25 });
			const statuses = [];
			for (let i = 0; i < 3; i++) statuses.push(await nextPayload(watcher, 'executionEvent', (p) => p.orderId === bigId));
			expect(statuses.map((p) => [p.status, p.filledVolume, p.remainingVolume])).toEqual([
				['ACCEPTED', 0, 6.5],
				['PARTIALLY_FILLED', 3.25, 3.25],
				['FILLED', 6.5, 0],
			]);
			expect((await done).order).toMatchObject({ id: bigId, status: 'ORDER_STATUS_FILLED', filled_volume: 6.5 });
			// Both parts went into one position.
			expect(sim.helio.openPositions('acc-1001').map((p) => p.volume)).toEqual([1, 6.5]);
		});

		it("execution and portfolio events go only to the account owner's sockets subscribed to the symbol for that kind", async () => {
			const both = await connect();
			const quotesOnly = await connect();
			const otherSymbol = await connect();
			const otherUser = await connect(sim.helio.issueToken(OTHER_USER.email).access_token);
			await subscribe(both, ['EURUSD'], ['executionEvent', 'portfolioEvent']);
			await subscribe(quotesOnly, ['EURUSD'], ['quoteEvent']);
			await subscribe(otherSymbol, ['GBPUSD'], ['executionEvent', 'portfolioEvent']);
			await subscribe(otherUser, ['EURUSD'], ['executionEvent', 'portfolioEvent']);

			sim.helio.placeOrderAs('acc-1002', order(1));
			const executions = [await nextPayload(both, 'executionEvent'), await nextPayload(both, 'executionEvent')];
			expect(executions.map((e) => [e.accountId, e.status])).toEqual([
				['acc-1002', 'ACCEPTED'],
				['acc-1002', 'FILLED'],
			]);
			const portfolio = await nextPayload(both, 'portfolioEvent');
			expect(portfolio).toEqual({
				accountId: 'acc-1002',
				balance: 10_000,
				positions: [{ id: expect.any(String), symbol: 'EURUSD', side: 'TRADE_SIDE_BUY', volume: 1, openPrice: 1.1002, pnl: -20 }],
				ts: expect.stringMatching(ISO_TIMESTAMP),
			});
			await Promise.all([quotesOnly, otherSymbol, otherUser].map(barrier));
			for (const client of [quotesOnly, otherSymbol, otherUser])
				expect(client.pendingOf('executionEvent', 'portfolioEvent')).toHaveLength(0);

			// The other user's own orders reach the other user only.
			sim.helio.placeOrderAs('acc-2001', order(1));
			expect((await nextPayload(otherUser, 'executionEvent')).accountId).toBe('acc-2001');
			await barrier(both);
			expect(both.pendingOf('executionEvent')).toHaveLength(0);
		});

		it('portfolioEvent follows position open, amend and close', async () => {
			const client = await connect();
			await subscribe(client, ['EURUSD'], ['portfolioEvent']);
			sim.helio.placeOrderAs('acc-1001', order(1));
			const opened = await nextPayload(client, 'portfolioEvent');
			expect(opened.positions).toHaveLength(1);
			const positionId = opened.positions[0].id;
			sim.helio.market.amendPosition('acc-1001', positionId, { take_profit_price: 1.2 });
			expect((await nextPayload(client, 'portfolioEvent')).positions[0].id).toBe(positionId);
			sim.helio.setQuote('EURUSD', 1.101, 1.1012);
			sim.helio.market.closePosition('acc-1001', positionId);
			const closed = await nextPayload(client, 'portfolioEvent');
			expect(closed).toMatchObject({ accountId: 'acc-1001', balance: 10_080, positions: [] });
		});

		it('metricsEvent: on every fill, and on quote moves for accounts with open positions', async () => {
			const client = await connect();
			client.send({ type: 'metricsSubscribe', payload: { accountId: 'acc-1001' } });
			await client.next('subscribed');
			// No position yet: a quote move changes nothing.
			sim.helio.setQuote('EURUSD', 1.1, 1.1002);
			await barrier(client);
			expect(client.pendingOf('metricsEvent')).toHaveLength(0);

			sim.helio.placeOrderAs('acc-1001', order(1));
			expect(await nextPayload(client, 'metricsEvent')).toEqual({
				accountId: 'acc-1001',
				equity: 9980,
				balance: 10_000,
				margin: 1100.2,
				freeMargin: 8879.8,
				marginLevel: 907.11,
				pnl: -20,
				ts: expect.stringMatching(ISO_TIMESTAMP),
			});
			sim.helio.setQuote('EURUSD', 1.101, 1.1012);
			expect(await nextPayload(client, 'metricsEvent')).toMatchObject({ equity: 10_080, pnl: 80 });
			// A move of a symbol the account does not hold sends nothing; nor does another account's fill.
			sim.helio.setQuote('GBPUSD', 1.28, 1.2802);
			sim.helio.placeOrderAs('acc-1002', order(1));
			await barrier(client);
			expect(client.pendingOf('metricsEvent')).toHaveLength(0);
		});
	});

	describe('protocol pings', () => {
		let clock: ManualClock;

		beforeEach(async () => {
			clock = new ManualClock();
			sim = await startSimulator({ helio: { clock, pingIntervalMs: 1000 } });
		});

		it('pings every interval and drops a socket that did not answer the previous ping', async () => {
			const answering = await connect();
			const mute = await connect(undefined, { autoPong: false });
			const mutePinged = new Promise<void>((resolve) => mute.ws.once('ping', () => resolve()));
			const pong = sim.helio.waitFor('ws:protocol-pong');
			clock.advance(1000);
			await Promise.all([pong, mutePinged]);
			expect(sim.helio.openSockets()).toBe(2);

			const timeout = sim.helio.waitFor('ws:ping-timeout');
			const secondPong = sim.helio.waitFor('ws:protocol-pong');
			clock.advance(1000);
			await timeout;
			expect((await mute.closed).code).toBe(1006);
			await secondPong;
			expect(sim.helio.openSockets()).toBe(1);
			await barrier(answering);
		});

		it('pingClients() pings every open socket now', async () => {
			const client = await connect();
			const pong = sim.helio.waitFor('ws:protocol-pong');
			expect(sim.helio.pingClients()).toBe(1);
			await pong;
			expect(client.ws.readyState).toBe(client.ws.OPEN);
		});

		it('answers the protocol pings of clients', async () => {
			const client = await connect();
			const seen = sim.helio.waitFor('ws:protocol-ping');
			const pong = new Promise<void>((resolve) => client.ws.once('pong', () => resolve()));
			client.ws.ping();
			expect(await seen).toEqual({ connectionId: expect.any(Number), answered: true });
			await pong;
		});

		it('closes a socket 1008 token expired when its token expires', async () => {
			await sim.close();
			sim = await startSimulator({ helio: { clock, tokenTtlSeconds: 2, pingIntervalMs: 60_000 } });
			const token = sim.helio.issueToken().access_token;
			const client = await connect(token);
			clock.advance(1999);
			await barrier(client);
			clock.advance(1);
			expect(await client.closed).toEqual({ code: 1008, reason: 'token expired' });
			// The expired token no longer opens a socket; a fresh one does.
			const refused = await connect(token);
			expect(await refused.closed).toEqual({ code: 1008, reason: 'invalid token' });
			await barrier(await connect());
		});
	});
});
