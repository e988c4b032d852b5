/**
 * What each Helio dialect (dialects.ts, src/helio/dialect.ts) sends: event field names, depth
 * levels, how depth and metrics subscriptions are acknowledged, the shape of REST answers and
 * where the order history is served.
 */
import { DIALECTS, startSimulator, type VenueSimulator } from '../src';
import { WsClient, type WsMessage } from './helpers';

// Payloads and bodies are whatever the simulator sent: the assertions below pin their shape.
type Json = any;

const ACCOUNT = 'acc-1001';
const marketBuy = (volume = 1): Record<string, unknown> => ({
	symbol_id: 'EURUSD',
	side: 'TRADE_SIDE_BUY',
	type: 'ORDER_TYPE_MARKET',
	time_in_force: 'TIF_GTC',
	volume,
});

describe.each(DIALECTS.helio)('Helio dialect %s', (dialect) => {
	const snake = dialect === 'snake';
	let sim: VenueSimulator;
	let token: string;
	const clients: WsClient[] = [];

	beforeEach(async () => {
		sim = await startSimulator({ helio: { dialect } });
		token = sim.helio.issueToken().access_token;
		sim.helio.setQuote('EURUSD', 1.1, 1.1002);
	});

	afterEach(async () => {
		await Promise.all(clients.splice(0).map((client) => client.close()));
		await sim.close();
	});

	const connect = async (): Promise<WsClient> => {
		const client = await WsClient.connect(`${sim.helio.wsUrl}?token=${encodeURIComponent(token)}`);
		clients.push(client);
		return client;
	};
	const payload = (message: WsMessage): Json => message.payload;
	const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> => {
		const response = await fetch(`${sim.helio.restUrl}/api/v1/accounts/${ACCOUNT}${path}`, {
			method,
			headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		return { status: response.status, body: await response.json() };
	};

	it(`names event fields in ${snake ? 'snake_case' : 'camelCase'}`, async () => {
		const client = await connect();
		client.send({ type: 'subscribe', payload: { symbols: ['EURUSD'], events: ['executionEvent', 'portfolioEvent'] } });
		await client.next('subscribed');
		expect(sim.helio.placeOrderAs(ACCOUNT, marketBuy()).status).toBe(201);
		const execution = payload(await client.next('executionEvent'));
		const portfolio = payload(await client.next('portfolioEvent'));
		if (snake) {
			expect(execution).toMatchObject({ account_id: ACCOUNT, order_id: expect.any(String), filled_volume: expect.any(Number) });
			expect(execution).not.toHaveProperty('orderId');
			expect(portfolio).toMatchObject({ account_id: ACCOUNT, positions: [{ open_price: expect.any(Number) }] });
		} else {
			expect(execution).toMatchObject({ accountId: ACCOUNT, orderId: expect.any(String), filledVolume: expect.any(Number) });
			expect(execution).not.toHaveProperty('order_id');
			expect(portfolio).toMatchObject({ accountId: ACCOUNT, positions: [{ openPrice: expect.any(Number) }] });
		}
	});

	it(`acknowledges depth and metrics ${snake ? 'with their first event, at once' : 'with subscribed'}`, async () => {
		const client = await connect();
		client.send({ type: 'depthSubscribe', payload: { symbol: 'EURUSD', depth: 2 } });
		client.send({ type: 'metricsSubscribe', payload: { accountId: ACCOUNT } });
		if (snake) {
			const depth = payload(await client.next('depthEvent'));
			expect(depth.bids).toHaveLength(2);
			expect(depth.bids[0]).toEqual({ price: expect.any(Number), volume: expect.any(Number) });
			expect(payload(await client.next('metricsEvent'))).toMatchObject({ account_id: ACCOUNT, free_margin: expect.any(Number) });
			// Everything sent before the barrier's error is queued by then: no `subscribed` among it.
			client.send({ type: 'barrier', payload: {} });
			await client.next('error', (message) => payload(message).message === 'Unknown message type: barrier');
			expect(client.pendingOf('subscribed')).toEqual([]);
		} else {
			expect(payload(await client.next('subscribed'))).toMatchObject({ channel: 'depth', symbol: 'EURUSD' });
			expect(payload(await client.next('subscribed'))).toMatchObject({ channel: 'metrics', accountId: ACCOUNT });
			sim.helio.setQuote('EURUSD', 1.2, 1.2002);
			const depth = payload(await client.next('depthEvent'));
			expect(depth.bids[0]).toEqual([expect.any(Number), expect.any(Number)]);
		}
	});

	it('withholds every acknowledgement of a channel on demand, while its later events flow', async () => {
		sim.helio.faults.withholdAcknowledgements(['depth']);
		const client = await connect();
		const subscribed = sim.helio.waitFor('ws:subscribe', (subscription) => subscription.channel === 'depth');
		client.send({ type: 'depthSubscribe', payload: { symbol: 'EURUSD', depth: 1 } });
		await subscribed;
		client.send({ type: 'barrier', payload: {} });
		await client.next('error', (message) => payload(message).message === 'Unknown message type: barrier');
		expect(client.pendingOf('subscribed', 'depthEvent')).toEqual([]);
		sim.helio.setQuote('EURUSD', 1.3, 1.3002);
		expect(payload(await client.next('depthEvent')).symbol).toBe('EURUSD');
	});

	it(`answers order calls with ${snake ? 'the flat order and its order_id' : '{order} and its id'}`, async () => {
		const placed = await call('POST', '/orders', marketBuy());
		expect(placed.status).toBe(201);
		const order = snake ? placed.body : placed.body.order;
		expect(order).toMatchObject({ symbol_id: 'EURUSD', status: 'ORDER_STATUS_FILLED' });
		expect(order[snake ? 'order_id' : 'id']).toEqual(expect.any(String));
		expect(order).not.toHaveProperty(snake ? 'id' : 'order_id');
	});

	it(`lists positions ${snake ? 'as a bare array with position_id' : 'as {positions} with id'}`, async () => {
		await call('POST', '/orders', marketBuy());
		const listed = await call('GET', '/positions');
		const positions = snake ? listed.body : listed.body.positions;
		expect(Array.isArray(positions)).toBe(true);
		expect(positions).toHaveLength(1);
		const id = positions[0][snake ? 'position_id' : 'id'];
		expect(id).toEqual(expect.any(String));
		const amended = await call('PATCH', `/positions/${id}`, { stop_loss_price: 1.05 });
		expect(snake ? amended.body : amended.body.position).toMatchObject({ stop_loss_price: 1.05 });
		const closed = await call('POST', `/positions/${id}/close`, {});
		expect(closed.body.position).toMatchObject({ [snake ? 'position_id' : 'id']: id });
	});

	it(`serves the order history at ${snake ? '/orders' : '/orders/history'} only`, async () => {
		await call('POST', '/orders', marketBuy());
		const served = await call('GET', snake ? '/orders' : '/orders/history');
		expect(served.status).toBe(200);
		expect(served.body.orders).toHaveLength(1);
		expect((await call('GET', snake ? '/orders/history' : '/orders')).status).toBe(404);
	});
});
