/**
 * The Helio action node in real n8n workflow executions (n8n-core's WorkflowExecute), against the
 * Helio simulator over loopback HTTP. The credential logs in through its preAuthentication, run
 * by n8n-core's httpRequestWithAuthentication; what the simulator recorded (its REST log, its
 * market state and its events) is the evidence.
 */
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INodeParameters,
} from 'n8n-workflow';
import { HelioApi } from '../../credentials/HelioApi.credentials';
import { Helio } from '../../nodes/Helio/Helio.node';
import { helioRequest } from '../../nodes/Helio/transport';
import { Redactor } from '../../nodes/shared/redact';
import { startSimulator, type HelioOrder, type HelioPosition, type VenueSimulator } from 'trading-venues-simulator';
import { N8nHarness, allLogText, type NodeRunResult } from '../harness/n8n';
import { expectRefusedBeforeAnyRequest, nodeRunner } from '../harness/nodeRuns';

const OTHER_EMAIL = 'other@helio.sim';
const OTHER_PASSWORD = 'other-helio-password-42';
const OTHER_ACCOUNT = 'acc-2001';
const WRONG_PASSWORD = 'not-the-helio-password-7';
/** Every token the simulator mints starts with this base64url JWT header. */
const TOKEN_HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

/** Every token the credential's preAuthentication obtained, for the "never leaks" checks. */
const tokens: string[] = [];

class RecordingHelioApi extends HelioApi {
	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const output = await HelioApi.prototype.preAuthentication.call(this, credentials);
		tokens.push(output.accessToken);
		return output;
	}
}

const harness = new N8nHarness({ nodes: { helio: Helio }, credentialTypes: [RecordingHelioApi] });
let sim: VenueSimulator;
let account: string;
let secondAccount: string;

interface Recorded {
	method: string;
	path: string;
	status: number;
}
const requests: Recorded[] = [];
const secrets: string[] = [];

beforeAll(async () => {
	sim = await startSimulator({
		port: 0,
		helio: { users: [{ email: OTHER_EMAIL, password: OTHER_PASSWORD, accounts: [{ id: OTHER_ACCOUNT, gid: 2 }] }] },
	});
	[account, secondAccount] = sim.helio.accounts.map((entry) => entry.id);
	secrets.push(sim.helio.password, OTHER_PASSWORD, WRONG_PASSWORD);
	sim.helio.events.on('rest:request', ({ method, path, status }) => requests.push({ method, path, status }));
	useCredential();
});

beforeEach(() => {
	requests.length = 0;
	sim.helio.faults.reset();
	sim.helio.setQuote('EURUSD', 1.1, 1.1002);
	sim.helio.setQuote('GBPUSD', 1.3, 1.3002);
});

afterAll(async () => {
	await sim?.close();
});

/** Sets the credential as a user saves it: no token yet, so the first call logs in. */
function useCredential(password = sim.helio.password, baseUrl = sim.helio.restUrl) {
	harness.setCredentials('helioApi', { baseUrl, email: sim.helio.email, password });
}

const run = nodeRunner(harness, 'helio', 'helioApi', () => [...secrets, ...tokens, TOKEN_HEADER]);

/** Runs Order → Create with these fields, on the first account unless they name another. */
function createOrder(fields: INodeParameters): Promise<NodeRunResult> {
	return run({ resource: 'order', operation: 'create', accountId: account, ...fields });
}

/** A waitFor that may be left pending when an assertion fails first: never an unhandled rejection. */
function settled<T>(promise: Promise<T>): Promise<T> {
	promise.catch(() => undefined);
	return promise;
}

const path = (rest: string, id = account) => `/helio/api/v1/accounts/${id}${rest}`;
const calls = () => requests.map(({ method, path: where, status }) => `${method} ${where} ${status}`);

/** Makes sure the credential holds a live token, then forgets the requests that took. */
async function signedIn() {
	const result = await run({ resource: 'position', operation: 'getAll', accountId: account });
	expect(result.error).toBeUndefined();
	requests.length = 0;
}

/** A position opened by the simulator's own order path (no HTTP), returned as the REST API shows it. */
function openPosition(symbol: string, side: 'TRADE_SIDE_BUY' | 'TRADE_SIDE_SELL', volume: number, accountId = account): HelioPosition {
	const before = new Set(sim.helio.openPositions(accountId).map((position) => position.id));
	const reply = sim.helio.placeOrderAs(accountId, { symbol_id: symbol, side, type: 'ORDER_TYPE_MARKET', time_in_force: 'TIF_GTC', volume });
	expect(reply.status).toBe(201);
	const opened = sim.helio.openPositions(accountId).filter((position) => !before.has(position.id));
	expect(opened).toHaveLength(1);
	return opened[0];
}

/** A resting order placed by the simulator's own order path. */
function restingOrder(body: IDataObject, accountId = account): HelioOrder {
	const reply = sim.helio.placeOrderAs(accountId, { time_in_force: 'TIF_GTC', volume: 1, ...body });
	expect(reply.status).toBe(201);
	const order = (reply.body as { order: HelioOrder }).order;
	expect(order.status).toBe('ORDER_STATUS_NEW');
	return order;
}

const inOneDay = () => new Date(Date.now() + 86_400_000).toISOString();

/** A market order to create on the first account, with `extra` changing what a case is about. */
const marketOrder = (extra: IDataObject): INodeParameters => ({
	resource: 'order',
	operation: 'create',
	accountId: account,
	symbol: 'EURUSD',
	side: 'buy',
	orderType: 'market',
	volume: 1,
	timeInForce: 'gtc',
	...extra,
});

describe('Account → List', () => {
	it("logs in with the credential and outputs the login's accounts, without the token", async () => {
		const login = settled(sim.helio.waitFor('login', (event) => event.email === sim.helio.email));
		const result = await run({ resource: 'account', operation: 'list' });
		expect(result.error).toBeUndefined();
		expect((await login).ok).toBe(true);
		expect(result.items).toEqual(sim.helio.accounts.map((entry) => ({ json: { id: entry.id, gid: entry.gid }, pairedItem: { item: 0 } })));
		expect(calls()).toEqual(['POST /helio/api/v1/login 200']);
	});

	it('says in plain words when the login is refused', async () => {
		useCredential(WRONG_PASSWORD);
		try {
			const result = await run({ resource: 'account', operation: 'list' });
			expect(result.error?.name).toBe('NodeApiError');
			expect(result.error?.message).toBe('Helio refused the login: Invalid email or password');
			expect(result.error?.description).toMatch(/Check the Email and Password of the Helio API credential/);
			expect(result.error?.httpCode).toBe('401');
			expect(result.error?.context).toMatchObject({ code: 'invalid_credentials', venue: 'Helio' });
		} finally {
			useCredential();
		}
	});
});

describe('Order → Create', () => {
	it('a market buy with client order ID, stop loss in points and take profit as a price fills into a protected position', async () => {
		const filled = settled(sim.helio.waitFor('order:filled', (event) => event.order.client_order_id === 'n8n-market-1'));
		const result = await createOrder({
			symbol: 'EURUSD',
			side: 'buy',
			orderType: 'market',
			volume: 0.5,
			timeInForce: 'ioc',
			additionalFields: { clientOrderId: 'n8n-market-1', stopLossPoints: 200, takeProfitPrice: 1.12 },
		});
		expect(result.error).toBeUndefined();
		const event = await filled;
		expect(event.complete).toBe(true);
		expect(result.items).toHaveLength(1);
		expect(result.items[0].pairedItem).toEqual({ item: 0 });
		expect(result.items[0].json).toMatchObject({
			id: event.order.id,
			account_id: account,
			client_order_id: 'n8n-market-1',
			symbol_id: 'EURUSD',
			side: 'TRADE_SIDE_BUY',
			type: 'ORDER_TYPE_MARKET',
			time_in_force: 'TIF_IOC',
			volume: 0.5,
			filled_volume: 0.5,
			price: 1.1002,
			take_profit_price: 1.12,
			status: 'ORDER_STATUS_FILLED',
		});
		// The position got the stop loss 200 points under the fill, and the take profit.
		const position = sim.helio.openPositions(account).find((entry) => entry.id === event.position.id);
		expect(position).toMatchObject({
			symbol_id: 'EURUSD',
			side: 'TRADE_SIDE_BUY',
			volume: 0.5,
			stop_loss_price: 1.0982,
			take_profit_price: 1.12,
		});
		// Logged in first (no token yet), then placed the order.
		expect(calls().slice(-1)).toEqual([`POST ${path('/orders')} 201`]);
	});

	it('a sell limit, good till a date, rests with its limit price and expiry', async () => {
		const goodTill = inOneDay();
		const created = settled(sim.helio.waitFor('order:created', (event) => event.order.client_order_id === 'n8n-gtd-1'));
		const result = await createOrder({
			symbol: 'EURUSD',
			side: 'sell',
			orderType: 'limit',
			volume: 1,
			timeInForce: 'gtd',
			goodTillDate: goodTill,
			limitPrice: 1.125,
			additionalFields: { clientOrderId: 'n8n-gtd-1' },
		});
		expect(result.error).toBeUndefined();
		const { order } = await created;
		expect(result.items[0].json).toMatchObject({
			id: order.id,
			type: 'ORDER_TYPE_LIMIT',
			side: 'TRADE_SIDE_SELL',
			time_in_force: 'TIF_GTD',
			limit_price: 1.125,
			good_till_date: goodTill,
			status: 'ORDER_STATUS_NEW',
		});
		expect(calls()).toEqual([`POST ${path('/orders')} 201`]);
	});

	it('a buy stop-limit carries both prices', async () => {
		const result = await createOrder({
			symbol: 'GBPUSD',
			side: 'buy',
			orderType: 'stopLimit',
			volume: 0.2,
			timeInForce: 'gtc',
			stopPrice: 1.31,
			limitPrice: 1.3105,
			additionalFields: { stopLossPrice: 1.29, takeProfitPoints: 500 },
		});
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({
			type: 'ORDER_TYPE_STOP_LIMIT',
			stop_price: 1.31,
			limit_price: 1.3105,
			stop_loss_price: 1.29,
			status: 'ORDER_STATUS_NEW',
		});
	});

	it('a sell stop rests at its stop price, and fills when the bid reaches it', async () => {
		const result = await createOrder({
			accountId: secondAccount,
			symbol: 'EURUSD',
			side: 'sell',
			orderType: 'stop',
			volume: 0.1,
			timeInForce: 'day',
			stopPrice: 1.095,
		});
		expect(result.error).toBeUndefined();
		const order = result.items[0].json as unknown as HelioOrder;
		expect(order).toMatchObject({ type: 'ORDER_TYPE_STOP', stop_price: 1.095, time_in_force: 'TIF_DAY', status: 'ORDER_STATUS_NEW' });
		const filled = settled(sim.helio.waitFor('order:filled', (event) => event.order.id === order.id));
		sim.helio.setQuote('EURUSD', 1.0949, 1.0951);
		expect((await filled).deal).toMatchObject({ side: 'TRADE_SIDE_SELL', volume: 0.1, price: 1.0949 });
	});

	it('a trailing stop sends its distance as stop_loss_points and trails the market', async () => {
		const result = await createOrder({
			symbol: 'EURUSD',
			side: 'sell',
			orderType: 'trailingStop',
			volume: 0.3,
			timeInForce: 'gtc',
			trailingDistance: 300,
		});
		expect(result.error).toBeUndefined();
		// 300 points under the bid of 1.1000.
		expect(result.items[0].json).toMatchObject({ type: 'ORDER_TYPE_TRAILING_STOP', stop_price: 1.097, status: 'ORDER_STATUS_NEW' });
	});

	it('maps a venue refusal to a NodeApiError with type, message, field and status', async () => {
		const result = await createOrder({
			symbol: 'NOPEUSD',
			side: 'buy',
			orderType: 'market',
			volume: 1,
		});
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.message).toBe(
			`Helio could not create a market buy order for 1 lots of NOPEUSD on account ${account}: symbol_id: unknown symbol (validation_error, field "symbol_id", HTTP 400)`,
		);
		expect(result.error?.httpCode).toBe('400');
		expect(result.error?.description).toMatch(/refused the value of "symbol_id"/);
		expect(result.error?.context).toMatchObject({
			venue: 'Helio',
			code: 'validation_error',
			venueMessage: 'symbol_id: unknown symbol',
			field: 'symbol_id',
			httpStatus: 400,
			method: 'POST',
			url: `${sim.helio.restUrl}/api/v1/accounts/${account}/orders`,
		});
		expect(calls()).toEqual([`POST ${path('/orders')} 400`]);
	});

	it("an account that is not the login's answers 403, explained", async () => {
		const result = await run({ resource: 'order', operation: 'create', accountId: OTHER_ACCOUNT, symbol: 'EURUSD', volume: 1 });
		expect(result.error?.httpCode).toBe('403');
		expect(result.error?.context).toMatchObject({ code: 'forbidden' });
		expect(result.error?.description).toMatch(/Use an Account ID from Account → List/);
		expect(sim.helio.openPositions(OTHER_ACCOUNT)).toEqual([]);
	});

	it('a 500 from Helio keeps its type and status', async () => {
		sim.helio.faults.failRest({ method: 'POST', pathPrefix: '/api/v1/accounts/', status: 500, message: 'matching engine down' });
		const result = await run({ resource: 'order', operation: 'create', accountId: account, symbol: 'EURUSD', volume: 1 });
		expect(result.error?.message).toMatch(/: matching engine down \(internal_error, HTTP 500\)$/);
		expect(result.error?.httpCode).toBe('500');
		expect(result.error?.description).toMatch(/try again shortly/);
		expect(sim.helio.faults.pendingRestFaults()).toBe(0);
	});
});

describe('Order → Amend and Cancel', () => {
	it('amends volume, limit price, expiry, stop loss and take profit of an open order', async () => {
		const order = restingOrder({ symbol_id: 'EURUSD', side: 'TRADE_SIDE_BUY', type: 'ORDER_TYPE_LIMIT', limit_price: 1.09 });
		const goodTill = inOneDay();
		const result = await run(
			{
				resource: 'order',
				operation: 'amend',
				accountId: account,
				orderId: '={{ $json.orderId }}',
				updateFields: {
					volume: 2,
					limitPrice: 1.091,
					timeInForce: 'gtd',
					goodTillDate: goodTill,
					stopLossPrice: 1.08,
					takeProfitPrice: 1.11,
				},
			},
			[{ orderId: order.id }],
		);
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({
			id: order.id,
			volume: 2,
			limit_price: 1.091,
			time_in_force: 'TIF_GTD',
			good_till_date: goodTill,
			stop_loss_price: 1.08,
			take_profit_price: 1.11,
			status: 'ORDER_STATUS_NEW',
		});
		expect(calls()).toEqual([`PATCH ${path(`/orders/${order.id}`)} 200`]);
		// The amended order fills at its new limit, into a position with the new protection.
		const filled = settled(sim.helio.waitFor('order:filled', (event) => event.order.id === order.id && event.complete));
		sim.helio.setQuote('EURUSD', 1.0905, 1.091);
		const event = await filled;
		expect(event.position).toMatchObject({ volume: 2, stop_loss_price: 1.08, take_profit_price: 1.11 });
	});

	it('a filled order cannot be amended: 409 conflict, explained', async () => {
		const filled = settled(sim.helio.waitFor('order:filled', (event) => event.accountId === account && event.complete));
		sim.helio.placeOrderAs(account, {
			symbol_id: 'EURUSD',
			side: 'TRADE_SIDE_BUY',
			type: 'ORDER_TYPE_MARKET',
			time_in_force: 'TIF_GTC',
			volume: 0.1,
		});
		const { order } = await filled;
		const result = await run({
			resource: 'order',
			operation: 'amend',
			accountId: account,
			orderId: order.id,
			updateFields: { volume: 0.2 },
		});
		expect(result.error?.httpCode).toBe('409');
		expect(result.error?.context).toMatchObject({ code: 'conflict' });
		expect(result.error?.description).toMatch(/no longer open/);
	});

	it('cancels an open order; a second cancel is a 409', async () => {
		const order = restingOrder({ symbol_id: 'GBPUSD', side: 'TRADE_SIDE_SELL', type: 'ORDER_TYPE_LIMIT', limit_price: 1.35 });
		const ended = settled(sim.helio.waitFor('order:ended', (event) => event.order.id === order.id));
		const parameters = { resource: 'order', operation: 'cancel', accountId: account, orderId: order.id };
		const first = await run(parameters);
		expect(first.error).toBeUndefined();
		expect((await ended).order.status).toBe('ORDER_STATUS_CANCELLED');
		expect(first.items).toEqual([
			{ json: expect.objectContaining({ id: order.id, status: 'ORDER_STATUS_CANCELLED' }), pairedItem: { item: 0 } },
		]);

		const second = await run(parameters);
		expect(second.error?.httpCode).toBe('409');
		expect(second.error?.message).toBe(
			`Helio could not cancel order ${order.id} on account ${account}: Order ${order.id} is no longer open (ORDER_STATUS_CANCELLED) (conflict, HTTP 409)`,
		);
		expect(calls()).toEqual([`DELETE ${path(`/orders/${order.id}`)} 200`, `DELETE ${path(`/orders/${order.id}`)} 409`]);
	});
});

describe('Position', () => {
	it('Get Many outputs one item per open position, optionally of one symbol', async () => {
		const gbp = openPosition('GBPUSD', 'TRADE_SIDE_SELL', 0.3, secondAccount);
		const eur = openPosition('EURUSD', 'TRADE_SIDE_BUY', 0.2, secondAccount);
		const all = await run({ resource: 'position', operation: 'getAll', accountId: secondAccount });
		expect(all.error).toBeUndefined();
		const ids = all.items.map((item) => item.json.id);
		expect(ids).toEqual(expect.arrayContaining([gbp.id, eur.id]));
		expect(ids).toHaveLength(sim.helio.openPositions(secondAccount).length);
		expect(all.items.every((item) => (item.pairedItem as { item: number }).item === 0)).toBe(true);

		const onlyGbp = await run({ resource: 'position', operation: 'getAll', accountId: secondAccount, filters: { symbol: 'GBPUSD' } });
		expect(onlyGbp.items.map((item) => item.json.symbol_id)).toEqual(
			sim.helio
				.openPositions(secondAccount)
				.filter((position) => position.symbol_id === 'GBPUSD')
				.map(() => 'GBPUSD'),
		);
		expect(onlyGbp.items.map((item) => item.json.id)).toContain(gbp.id);
		expect(calls()).toEqual([`GET ${path('/positions', secondAccount)} 200`, `GET ${path('/positions', secondAccount)} 200`]);
	});

	it('Close with a volume closes part of the position, without it the rest', async () => {
		const position = openPosition('GBPUSD', 'TRADE_SIDE_BUY', 1);
		const partial = settled(sim.helio.waitFor('position:closed', (event) => event.position.id === position.id));
		const first = await run({
			resource: 'position',
			operation: 'close',
			accountId: account,
			positionId: position.id,
			additionalFields: { volume: 0.4 },
		});
		expect(first.error).toBeUndefined();
		const partEvent = await partial;
		expect(partEvent.reason).toBe('request');
		expect(partEvent.deal).toMatchObject({ volume: 0.4, side: 'TRADE_SIDE_SELL', price: 1.3 });
		expect(first.items[0].json).toMatchObject({ position: { id: position.id, volume: 0.6 }, deal: { id: partEvent.deal.id, volume: 0.4 } });
		expect(sim.helio.openPositions(account).find((entry) => entry.id === position.id)?.volume).toBe(0.6);

		const rest = settled(sim.helio.waitFor('position:closed', (event) => event.position.id === position.id));
		const second = await run({ resource: 'position', operation: 'close', accountId: account, positionId: position.id });
		expect(second.error).toBeUndefined();
		expect((await rest).deal.volume).toBe(0.6);
		expect((second.items[0].json.position as IDataObject).closed_at).toEqual(expect.any(String));
		expect(sim.helio.openPositions(account).some((entry) => entry.id === position.id)).toBe(false);
	});

	it('Amend sets the stop loss and take profit of an open position', async () => {
		const position = openPosition('EURUSD', 'TRADE_SIDE_SELL', 0.1);
		const result = await run({
			resource: 'position',
			operation: 'amend',
			accountId: account,
			positionId: position.id,
			updateFields: { stopLossPrice: 1.105, takeProfitPrice: 1.09 },
		});
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ id: position.id, stop_loss_price: 1.105, take_profit_price: 1.09 });
		expect(sim.helio.openPositions(account).find((entry) => entry.id === position.id)).toMatchObject({
			stop_loss_price: 1.105,
			take_profit_price: 1.09,
		});
		expect(calls()).toEqual([`PATCH ${path(`/positions/${position.id}`)} 200`]);
	});

	it('a stop loss on the wrong side is refused by Helio, naming the field', async () => {
		const position = openPosition('EURUSD', 'TRADE_SIDE_BUY', 0.1);
		const result = await run({
			resource: 'position',
			operation: 'amend',
			accountId: account,
			positionId: position.id,
			updateFields: { stopLossPrice: 1.2 },
		});
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.httpCode).toBe('400');
		expect(result.error?.context).toMatchObject({ code: 'validation_error', field: 'stop_loss_price' });
		expect(result.error?.message).toMatch(/stop_loss_price must be below 1\.1 \(validation_error, field "stop_loss_price", HTTP 400\)$/);
	});

	it('an unknown position is a 404 that says so', async () => {
		const result = await run({ resource: 'position', operation: 'close', accountId: account, positionId: 'pos-404' });
		expect(result.error?.httpCode).toBe('404');
		expect(result.error?.description).toBe(`Account ${account} has no open position pos-404 (it may be closed already).`);
	});
});

describe('History', () => {
	it('Orders, Positions and Deals output one item per record, newest first, within from/to and limit', async () => {
		openPosition('GBPUSD', 'TRADE_SIDE_SELL', 0.1, secondAccount);
		const position = openPosition('EURUSD', 'TRADE_SIDE_BUY', 0.1, secondAccount);
		sim.helio.market.closePosition(secondAccount, position.id);
		const history = (operation: string, extra: IDataObject = {}) =>
			run({ resource: 'history', operation, accountId: secondAccount, ...extra });

		const orders = await history('orders', { limit: 2 });
		expect(orders.error).toBeUndefined();
		expect(orders.items).toHaveLength(2);
		expect(orders.items.every((item) => item.json.account_id === secondAccount)).toBe(true);

		const positions = await history('positions');
		expect(positions.items[0].json).toMatchObject({ id: position.id, closed_at: expect.any(String) });

		const deals = await history('deals', {
			from: new Date(Date.now() - 60_000).toISOString(),
			to: new Date(Date.now() + 60_000).toISOString(),
		});
		expect(deals.items.slice(0, 2).map((item) => item.json.position_id)).toEqual([position.id, position.id]);

		const future = await history('deals', { from: inOneDay() });
		expect(future.error).toBeUndefined();
		expect(future.items).toEqual([]);
		expect(calls()).toEqual([
			`GET ${path('/orders/history', secondAccount)} 200`,
			`GET ${path('/positions/history', secondAccount)} 200`,
			`GET ${path('/deals/history', secondAccount)} 200`,
			`GET ${path('/deals/history', secondAccount)} 200`,
		]);
	});
});

describe('validation before any request', () => {
	const cases: Array<[string, () => INodeParameters, RegExp]> = [
		// Expressions that give nothing: n8n itself refuses a required field left empty in the editor.
		[
			'GTD without a date',
			() => marketOrder({ timeInForce: 'gtd', goodTillDate: '={{ $json.expiry }}' }),
			/^Good Till Date: required when Time in Force is Good Till Date \(GTD\)$/,
		],
		[
			'GTD in the past',
			() => marketOrder({ timeInForce: 'gtd', goodTillDate: '2020-01-01T00:00:00Z' }),
			/^Good Till Date: 2020-01-01T00:00:00.000Z is in the past/,
		],
		['limit without a limit price', () => marketOrder({ orderType: 'limit' }), /^Limit Price: required for a Limit order/],
		[
			'stop-limit without a limit price',
			() => marketOrder({ orderType: 'stopLimit', stopPrice: 1.2 }),
			/^Limit Price: required for a Stop Limit order/,
		],
		[
			'stop-limit without a stop price',
			() => marketOrder({ orderType: 'stopLimit', limitPrice: 1.2 }),
			/^Stop Price: required for a Stop Limit order/,
		],
		['stop without a stop price', () => marketOrder({ orderType: 'stop' }), /^Stop Price: required for a Stop order/],
		[
			'trailing stop without a distance',
			() => marketOrder({ orderType: 'trailingStop' }),
			/^Trailing Distance \(Points\): required for a Trailing Stop order/,
		],
		[
			'trailing distance not whole',
			() => marketOrder({ orderType: 'trailingStop', trailingDistance: 12.5 }),
			/^Trailing Distance \(Points\): expected a whole number of points greater than 0, at most 1000000000, got 12.5$/,
		],
		[
			'trailing stop with a stop loss',
			() => marketOrder({ orderType: 'trailingStop', trailingDistance: 50, additionalFields: { stopLossPrice: 1 } }),
			/^Stop Loss Price: a Trailing Stop order takes no separate stop loss/,
		],
		[
			'volume under 0.01',
			() => marketOrder({ volume: 0.005 }),
			/^Volume \(Lots\): expected a number of lots from 0.01 to 1000, got 0.005$/,
		],
		[
			'volume from an expression that is not a number',
			() => marketOrder({ volume: '={{ "lots" }}' }),
			/^Volume \(Lots\): expected a number of lots from 0.01 to 1000, got "lots"$/,
		],
		[
			'negative limit price',
			() => marketOrder({ orderType: 'limit', limitPrice: -1 }),
			/^Limit Price: expected a price greater than 0, at most 1000000000, got -1$/,
		],
		[
			'stop loss as price and points',
			() => marketOrder({ additionalFields: { stopLossPrice: 1.05, stopLossPoints: 100 } }),
			/^Stop Loss: give it as a price or in points, not both/,
		],
		[
			'empty account ID',
			() => marketOrder({ accountId: '={{ "" }}' }),
			/^Account ID: expected the ID of one of your trading accounts, got an empty value$/,
		],
		[
			'empty symbol',
			() => marketOrder({ symbol: '={{ " " }}' }),
			/^Symbol: expected the symbol to trade \(e.g. EURUSD\), got an empty value$/,
		],
		['unknown side', () => marketOrder({ side: '={{ "long" }}' }), /^Side: expected one of buy, sell, got "long"$/],
		[
			'amend order with nothing to change',
			() => ({ resource: 'order', operation: 'amend', accountId: account, orderId: 'ord-1', updateFields: {} }),
			/^Update Fields: nothing to change/,
		],
		[
			'amend order to GTD without a date',
			() => ({ resource: 'order', operation: 'amend', accountId: account, orderId: 'ord-1', updateFields: { timeInForce: 'gtd' } }),
			/^Good Till Date: required when Time in Force is Good Till Date/,
		],
		[
			'amend order to IOC',
			() => ({ resource: 'order', operation: 'amend', accountId: account, orderId: 'ord-1', updateFields: { timeInForce: 'ioc' } }),
			/^Time in Force: expected one of gtc, day, gtd/,
		],
		[
			'amend order with a past date',
			() => ({
				resource: 'order',
				operation: 'amend',
				accountId: account,
				orderId: 'ord-1',
				updateFields: { goodTillDate: '2021-05-01T00:00:00Z' },
			}),
			/^Good Till Date: .* is in the past/,
		],
		[
			'cancel without an order ID',
			() => ({ resource: 'order', operation: 'cancel', accountId: account, orderId: ' ' }),
			/^Order ID: expected the ID of an open order, got an empty value$/,
		],
		[
			'amend position with nothing to change',
			() => ({ resource: 'position', operation: 'amend', accountId: account, positionId: 'pos-1', updateFields: {} }),
			/^Update Fields: nothing to change; add a Stop Loss Price and\/or a Take Profit Price$/,
		],
		[
			'partial close under 0.01',
			() => ({ resource: 'position', operation: 'close', accountId: account, positionId: 'pos-1', additionalFields: { volume: 0 } }),
			/^Volume \(Lots\): expected a number of lots from 0.01 to 1000, got 0$/,
		],
		[
			'history from after to',
			() => ({ resource: 'history', operation: 'deals', accountId: account, from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }),
			/^From: 2026-02-01T00:00:00.000Z is after To/,
		],
		[
			'history limit 0',
			() => ({ resource: 'history', operation: 'orders', accountId: account, limit: 0 }),
			/^Limit: expected a whole number from 1 to 1000, got 0$/,
		],
		[
			'history unparseable date',
			() => ({ resource: 'history', operation: 'orders', accountId: account, from: 'last week' }),
			/^From: expected a date/,
		],
	];

	it.each(cases)('%s', (_name, parameters, message) => expectRefusedBeforeAnyRequest(run, requests, parameters(), message));
});

describe("numbers: plain decimals within each field's bounds, refused before any request", () => {
	// Number() read "0x10" as 16 lots and "1e3" as 1000, and 1e308 was a volume like any other.
	const volume = (got: string) => new RegExp(`^Volume \\(Lots\\): expected a number of lots from 0.01 to 1000, got ${got}$`);
	const price = (field: string, got: string) => new RegExp(`^${field}: expected a price greater than 0, at most 1000000000, got ${got}$`);
	const cases: Array<[string, () => INodeParameters, RegExp]> = [
		['hex volume', () => marketOrder({ volume: '={{ "0x10" }}' }), volume('"0x10"')],
		['exponent volume', () => marketOrder({ volume: '={{ "1e3" }}' }), volume('"1e3"')],
		['volume 1e308', () => marketOrder({ volume: 1e308 }), volume('1e\\+308')],
		['volume "Infinity"', () => marketOrder({ volume: '={{ "Infinity" }}' }), volume('"Infinity"')],
		['empty volume', () => marketOrder({ volume: '={{ "" }}' }), volume('an empty value')],
		['negative volume', () => marketOrder({ volume: -1 }), volume('-1')],
		['volume over the maximum', () => marketOrder({ volume: 1000.01 }), volume('1000.01')],
		['hex limit price', () => marketOrder({ orderType: 'limit', limitPrice: '={{ "0x10" }}' }), price('Limit Price', '"0x10"')],
		['limit price 1e308', () => marketOrder({ orderType: 'limit', limitPrice: 1e308 }), price('Limit Price', '1e\\+308')],
		[
			'exponent stop loss price',
			() => marketOrder({ additionalFields: { stopLossPrice: '={{ "1e-5" }}' } }),
			price('Stop Loss Price', '"1e-5"'),
		],
		[
			'exponent trailing distance',
			() => marketOrder({ orderType: 'trailingStop', trailingDistance: '={{ "1e2" }}' }),
			/^Trailing Distance \(Points\): expected a whole number of points greater than 0, at most 1000000000, got "1e2"$/,
		],
		[
			'hex partial close volume',
			() => ({
				resource: 'position',
				operation: 'close',
				accountId: account,
				positionId: 'pos-1',
				additionalFields: { volume: '={{ "0x1" }}' },
			}),
			volume('"0x1"'),
		],
		[
			'exponent amend volume',
			() => ({ resource: 'order', operation: 'amend', accountId: account, orderId: 'ord-1', updateFields: { volume: '={{ "1e1" }}' } }),
			volume('"1e1"'),
		],
		[
			'position take profit 1e308',
			() => ({
				resource: 'position',
				operation: 'amend',
				accountId: account,
				positionId: 'pos-1',
				updateFields: { takeProfitPrice: 1e308 },
			}),
			price('Take Profit Price', '1e\\+308'),
		],
		[
			'history limit 1e308',
			() => ({ resource: 'history', operation: 'orders', accountId: account, limit: 1e308 }),
			/^Limit: expected a whole number from 1 to 1000, got 1e\+308$/,
		],
		[
			'exponent history limit',
			() => ({ resource: 'history', operation: 'orders', accountId: account, limit: '={{ "1e2" }}' }),
			/^Limit: expected a whole number from 1 to 1000, got "1e2"$/,
		],
	];

	it.each(cases)('%s', (_name, parameters, message) => expectRefusedBeforeAnyRequest(run, requests, parameters(), message));

	it('plain decimal text from an expression is still a number', async () => {
		const result = await createOrder({ symbol: 'EURUSD', side: 'buy', orderType: 'market', volume: '={{ " 0.25 " }}', timeInForce: 'gtc' });
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ volume: 0.25 });
	});
});

describe('IDs that would move the request to another path', () => {
	// encodeURIComponent leaves "." and ".."; URL normalisation then drops the segment before them:
	// Cancel with the order ID ".." went to DELETE /api/v1/accounts/{id}/, Get Many with the account ".."
	// lost the account scope. Such IDs are refused before any request, not even a login.
	const long = 'o'.repeat(257);
	const cases: Array<[string, INodeParameters, RegExp]> = [
		['cancel, order ID ".."', { resource: 'order', operation: 'cancel', orderId: '..' }, /^Order ID: expected an ID .*, got "\.\."/],
		['cancel, order ID "."', { resource: 'order', operation: 'cancel', orderId: '.' }, /^Order ID: expected an ID .*, got "\."/],
		[
			'amend order, order ID ".."',
			{ resource: 'order', operation: 'amend', orderId: '={{ ".." }}', updateFields: { volume: 0.5 } },
			/^Order ID: expected an ID/,
		],
		[
			'cancel, order ID of 257 characters',
			{ resource: 'order', operation: 'cancel', orderId: long },
			/^Order ID: expected .*, got 257 characters$/,
		],
		[
			'cancel, order ID with a control character',
			{ resource: 'order', operation: 'cancel', orderId: '50\u000001' },
			/^Order ID: expected .*, got "50\\u000001" \(a control character\)$/,
		],
		['position get many, account ".."', { resource: 'position', operation: 'getAll', accountId: '..' }, /^Account ID: expected an ID/],
		[
			'position close, account "."',
			{ resource: 'position', operation: 'close', accountId: '.', positionId: 'pos-1' },
			/^Account ID: expected an ID/,
		],
		['position close, position ID ".."', { resource: 'position', operation: 'close', positionId: '..' }, /^Position ID: expected an ID/],
		[
			'position amend, position ID "."',
			{ resource: 'position', operation: 'amend', positionId: '.', updateFields: { stopLossPrice: 1 } },
			/^Position ID: expected an ID/,
		],
		['history, account ".."', { resource: 'history', operation: 'deals', accountId: '..' }, /^Account ID: expected an ID/],
		[
			'order create, account ".."',
			{ resource: 'order', operation: 'create', accountId: '..', symbol: 'EURUSD', side: 'buy', orderType: 'market', volume: 1 },
			/^Account ID: expected an ID/,
		],
	];

	it.each(cases)('%s', (_name, parameters, message) =>
		expectRefusedBeforeAnyRequest(run, requests, { accountId: account, ...parameters }, message),
	);
});

describe('the session token', () => {
	it('expires mid-session: n8n logs in again through preAuthentication and the request is sent once more', async () => {
		const warmUp = await run({ resource: 'position', operation: 'getAll', accountId: account });
		expect(warmUp.error).toBeUndefined();
		const tokensBefore = tokens.length;
		expect(sim.helio.faults.expireTokens().tokens).toBeGreaterThan(0);
		requests.length = 0;

		const relogin = settled(sim.helio.waitFor('login', (event) => event.ok));
		const result = await createOrder({
			symbol: 'EURUSD',
			side: 'buy',
			orderType: 'market',
			volume: 0.1,
			additionalFields: { clientOrderId: 'after-expiry' },
		});
		expect(result.error).toBeUndefined();
		await relogin;
		expect(result.items[0].json).toMatchObject({ client_order_id: 'after-expiry', status: 'ORDER_STATUS_FILLED' });
		expect(calls()).toEqual([`POST ${path('/orders')} 401`, 'POST /helio/api/v1/login 200', `POST ${path('/orders')} 201`]);
		expect(tokens.length).toBe(tokensBefore + 1);
		// Exactly one order was placed, by the retry.
		const placed = sim.helio.market.orderHistory(account, {}).filter((entry) => entry.client_order_id === 'after-expiry');
		expect(placed).toHaveLength(1);

		// The new token is kept: the next call needs no login.
		requests.length = 0;
		await run({ resource: 'position', operation: 'getAll', accountId: account });
		expect(calls()).toEqual([`GET ${path('/positions')} 200`]);
	});

	it('expired, and the login is refused now: the error says so in plain words', async () => {
		await run({ resource: 'position', operation: 'getAll', accountId: account });
		sim.helio.faults.expireTokens();
		sim.helio.faults.rejectLogin(true);
		requests.length = 0;
		const result = await run({ resource: 'position', operation: 'getAll', accountId: account });
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.message).toBe('Helio refused the login: Invalid email or password');
		expect(result.error?.httpCode).toBe('401');
		expect(result.error?.context).toMatchObject({ code: 'invalid_credentials', action: `get the open positions of account ${account}` });
		expect(calls()).toEqual([`GET ${path('/positions')} 401`, 'POST /helio/api/v1/login 401']);
	});

	it('a wrong password fails at the first call, before any account request', async () => {
		useCredential(WRONG_PASSWORD);
		try {
			const result = await run({ resource: 'order', operation: 'cancel', accountId: account, orderId: 'ord-1' });
			expect(result.error?.message).toBe('Helio refused the login: Invalid email or password');
			expect(result.error?.description).toMatch(/Check the Email and Password/);
			expect(calls()).toEqual(['POST /helio/api/v1/login 401']);
		} finally {
			useCredential();
		}
	});

	it('an unreachable trader host is named, without secrets', async () => {
		useCredential(sim.helio.password, 'http://127.0.0.1:9/helio');
		try {
			const result = await run({ resource: 'position', operation: 'getAll', accountId: account });
			expect(result.error?.name).toBe('NodeApiError');
			expect(result.error?.message).toBe('cannot reach the Helio trader host http://127.0.0.1:9/helio (ECONNREFUSED)');
			expect(result.error?.description).toMatch(/Check the Trader Host/);
		} finally {
			useCredential();
		}
	});
});

describe('continueOnFail', () => {
	it('turns a failed item into an error item and goes on, each paired to its input', async () => {
		await signedIn();
		const position = openPosition('EURUSD', 'TRADE_SIDE_BUY', 0.1, secondAccount);
		const result = await run(
			{
				resource: 'position',
				operation: 'amend',
				accountId: secondAccount,
				positionId: '={{ $json.id }}',
				updateFields: { takeProfitPrice: '={{ $json.tp }}' },
			},
			[
				{ id: 'pos-missing', tp: 1.2 },
				{ id: position.id, tp: 1.2 },
				{ id: position.id, tp: -5 },
			],
			{ onError: 'continueRegularOutput' },
		);
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(3);
		expect(result.items[0]).toEqual({
			json: {
				error: `Helio could not amend position pos-missing on account ${secondAccount}: Position pos-missing not found (not_found, HTTP 404)`,
				description: expect.any(String),
				code: 'not_found',
				httpCode: '404',
			},
			pairedItem: { item: 0 },
		});
		expect(result.items[1]).toEqual({
			json: expect.objectContaining({ id: position.id, take_profit_price: 1.2 }),
			pairedItem: { item: 1 },
		});
		expect(result.items[2]).toEqual({
			json: { error: 'Take Profit Price: expected a price greater than 0, at most 1000000000, got -5' },
			pairedItem: { item: 2 },
		});
		expect(requests.map((entry) => entry.status)).toEqual([404, 200]);
	});
});

describe('an n8n whose HTTP layer predates ignoreHttpStatusErrors.except', () => {
	it('sends a 401 once more with status errors on, so n8n refreshes the token there too', async () => {
		const sent: IHttpRequestOptions[] = [];
		// Stands in for such an n8n: `except` is ignored (the 401 comes back as an answer); with
		// status errors on, httpRequestWithAuthentication refreshes the credential and resends.
		const context = {
			getNode: () => ({ name: 'Helio', type: 'helio', typeVersion: 1, position: [0, 0], parameters: {} }),
			logger: { debug: () => undefined },
			helpers: {
				httpRequestWithAuthentication: async (_type: string, request: IHttpRequestOptions) => {
					sent.push({ ...request });
					if (request.ignoreHttpStatusErrors) {
						return { statusCode: 401, headers: {}, body: { error: { type: 'unauthorized', message: 'token expired' } } };
					}
					return { statusCode: 200, headers: {}, body: { positions: [{ id: 'pos-1' }] } };
				},
			},
		} as unknown as IExecuteFunctions;
		const response = await helioRequest(context, {
			baseUrl: 'http://127.0.0.1:1/helio',
			redactor: new Redactor(),
			method: 'GET',
			path: '/api/v1/accounts/acc-1/positions',
			action: 'get the open positions',
		});
		expect(response).toMatchObject({ status: 200, attempts: 2, body: { positions: [{ id: 'pos-1' }] } });
		expect(sent.map((request) => request.ignoreHttpStatusErrors)).toEqual([{ ignore: true, except: [401] }, false]);
	});
});

describe('secrets', () => {
	it('no password or token appears in anything logged during these executions', () => {
		expect(tokens.length).toBeGreaterThan(2);
		const logs = allLogText();
		expect(logs).toMatch(/Helio refused the login/);
		for (const secret of [...secrets, ...tokens]) expect(logs).not.toContain(secret);
		expect(logs).not.toContain(TOKEN_HEADER);
	});
});
