/**
 * The Helio action node against each reading of what Helio's docs leave open (the simulator's
 * dialects): order answers as `{order}` or flat with `order_id`, positions as `{positions}` or a
 * bare array with `position_id`, the order history at `/orders/history` or `/orders`. In real
 * workflow executions over loopback HTTP; the simulator's REST log and state are the evidence.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { HelioApi } from '../../credentials/HelioApi.credentials';
import { Helio } from '../../nodes/Helio/Helio.node';
import { DIALECTS, startSimulator, type VenueSimulator } from 'trading-venues-simulator';
import { N8nHarness, useSimulatorCredentials } from '../harness/n8n';
import { nodeRunner } from '../harness/nodeRuns';

const harness = new N8nHarness({ nodes: { helio: Helio }, credentialTypes: [HelioApi] });

describe.each(DIALECTS.helio)('Helio action node, dialect %s', (dialect) => {
	const snake = dialect === 'snake';
	let sim: VenueSimulator;
	let account: string;
	const requests: string[] = [];

	beforeAll(async () => {
		sim = await startSimulator({ helio: { dialect } });
		account = sim.helio.accounts[0].id;
		sim.helio.events.on('rest:request', ({ method, path, status }) => requests.push(`${method} ${path} ${status}`));
		useSimulatorCredentials(harness, sim, { types: ['helioApi'] });
	});

	beforeEach(() => {
		requests.length = 0;
		sim.helio.setQuote('EURUSD', 1.1, 1.1002);
	});

	afterAll(async () => {
		await sim.close();
	});

	const run = nodeRunner(harness, 'helio', 'helioApi', () => [sim.helio.password]);
	const accountCalls = () =>
		requests.filter((request) => request.includes('/accounts/')).map((request) => request.replace(/\/helio\/api\/v1\/accounts\/[^/]+/, ''));

	async function ok(parameters: INodeParameters, items?: IDataObject[]): Promise<IDataObject[]> {
		const result = await run({ accountId: account, ...parameters }, items);
		expect(result.error).toBeUndefined();
		const output = result.items.map((item) => item.json);
		// A call that succeeded and was understood: no passed-on reply.
		for (const json of output) expect(json.warning).toBeUndefined();
		return output;
	}

	it('outputs the placed order with its id, and places it once', async () => {
		const created = sim.helio.waitFor('order:created');
		const [order] = await ok({ resource: 'order', operation: 'create', symbol: 'EURUSD', side: 'buy', orderType: 'market', volume: 1 });
		const placed = (await created).order;
		expect(order).toMatchObject({ id: placed.id, symbol_id: 'EURUSD', status: 'ORDER_STATUS_FILLED' });
		// The venue's own fields stay as it sent them.
		if (snake) expect(order.order_id).toBe(placed.id);
		else expect(order).not.toHaveProperty('order_id');
		expect(accountCalls()).toEqual(['POST /orders 201']);
	});

	it('outputs an amended and a cancelled order with their id', async () => {
		const created = sim.helio.waitFor('order:created');
		const placed = sim.helio.placeOrderAs(account, {
			symbol_id: 'EURUSD',
			side: 'TRADE_SIDE_BUY',
			type: 'ORDER_TYPE_LIMIT',
			time_in_force: 'TIF_GTC',
			volume: 1,
			limit_price: 1.05,
		});
		expect(placed.status).toBe(201);
		const resting = (await created).order;
		const [amended] = await ok({
			resource: 'order',
			operation: 'amend',
			orderId: resting.id,
			updateFields: { limitPrice: 1.04 },
		});
		expect(amended).toMatchObject({ id: resting.id, limit_price: 1.04, status: 'ORDER_STATUS_NEW' });
		const [cancelled] = await ok({ resource: 'order', operation: 'cancel', orderId: resting.id });
		expect(cancelled).toMatchObject({ id: resting.id, status: 'ORDER_STATUS_CANCELLED' });
	});

	it('lists, amends and closes positions, each with its id', async () => {
		sim.helio.placeOrderAs(account, {
			symbol_id: 'EURUSD',
			side: 'TRADE_SIDE_BUY',
			type: 'ORDER_TYPE_MARKET',
			time_in_force: 'TIF_GTC',
			volume: 1,
		});
		sim.helio.setQuote('GBPUSD', 1.3, 1.3002);
		sim.helio.placeOrderAs(account, {
			symbol_id: 'GBPUSD',
			side: 'TRADE_SIDE_SELL',
			type: 'ORDER_TYPE_MARKET',
			time_in_force: 'TIF_GTC',
			volume: 2,
		});
		const open = sim.helio.openPositions(account);
		const listed = await ok({ resource: 'position', operation: 'getAll' });
		expect(listed.map((position) => position.id).sort()).toEqual(open.map((position) => position.id).sort());
		if (snake) for (const position of listed) expect(position.position_id).toBe(position.id);
		const filtered = await ok({ resource: 'position', operation: 'getAll', filters: { symbol: 'GBPUSD' } });
		expect(filtered.map((position) => position.symbol_id)).toEqual(['GBPUSD']);

		const target = filtered[0].id as string;
		const [amended] = await ok({ resource: 'position', operation: 'amend', positionId: target, updateFields: { takeProfitPrice: 1.2 } });
		expect(amended).toMatchObject({ id: target, take_profit_price: 1.2 });
		const [closed] = await ok({ resource: 'position', operation: 'close', positionId: target });
		expect(closed).toMatchObject({ position: { id: target, closed_at: expect.any(String) }, deal: { position_id: target } });
		expect(sim.helio.openPositions(account).map((position) => position.id)).not.toContain(target);
	});

	it(`reads the order history ${snake ? 'at /orders after a 404 at /orders/history, once per execution' : 'at /orders/history'}`, async () => {
		sim.helio.placeOrderAs(account, {
			symbol_id: 'EURUSD',
			side: 'TRADE_SIDE_BUY',
			type: 'ORDER_TYPE_MARKET',
			time_in_force: 'TIF_GTC',
			volume: 1,
		});
		const history = sim.helio.market.orderHistory(account, { limit: 1000 });
		requests.length = 0;
		// Two input items: the second asks where the first found the history.
		const output = await ok({ resource: 'history', operation: 'orders', limit: 1000 }, [{}, {}]);
		expect(output).toHaveLength(2 * history.length);
		expect(output.slice(0, history.length).map((order) => order.id)).toEqual(history.map((order) => order.id));
		expect(accountCalls().map((call) => call.replace(/\?.*? /, ' '))).toEqual(
			snake ? ['GET /orders/history 404', 'GET /orders 200', 'GET /orders 200'] : ['GET /orders/history 200', 'GET /orders/history 200'],
		);
	});

	it('fails, naming both paths, when the order history answers 404 at each', async () => {
		sim.helio.faults.failRest({ method: 'GET', pathPrefix: `/api/v1/accounts/${account}/orders`, status: 404, times: 2 });
		const result = await run({ accountId: account, resource: 'history', operation: 'orders' });
		expect(result.error?.message).toMatch(new RegExp(`^Helio could not get the order history of account ${account}: `));
		expect(result.error?.message).not.toMatch(/may have taken effect/);
		expect(result.error?.description).toBe('Helio answered 404 at /orders/history and /orders: check the Account ID and the Trader Host.');
		expect(accountCalls()).toEqual(['GET /orders/history 404', 'GET /orders 404']);
		expect(sim.helio.faults.pendingRestFaults()).toBe(0);
	});

	it('reads the deal history, whose records keep their own id', async () => {
		const [deal] = await ok({ resource: 'history', operation: 'deals', limit: 1 });
		expect(deal).toMatchObject({ id: expect.any(String), order_id: expect.any(String), position_id: expect.any(String) });
	});
});
