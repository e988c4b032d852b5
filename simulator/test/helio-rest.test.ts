import { ManualClock, startSimulator, type VenueSimulator } from '../src';
import { ISO_TIMESTAMP } from './helpers';

// Bodies are whatever the simulator answered: the assertions below pin their shape.
type Json = any;

const OTHER_USER = { email: 'other@helio.sim', password: 'pw-other', accounts: [{ id: 'acc-2001', gid: 2 }] };
const ACCOUNT = 'acc-1001';

const marketBuy = (volume = 1, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
	symbol_id: 'EURUSD',
	side: 'TRADE_SIDE_BUY',
	type: 'ORDER_TYPE_MARKET',
	time_in_force: 'TIF_GTC',
	volume,
	...extra,
});

describe('Helio REST', () => {
	let sim: VenueSimulator;

	const call = async (
		method: string,
		path: string,
		options: { token?: string; body?: unknown; raw?: string } = {},
	): Promise<{ status: number; body: Json }> => {
		const headers: Record<string, string> = {};
		if (options.token) headers.Authorization = `Bearer ${options.token}`;
		let body = options.raw;
		if (options.body !== undefined) {
			body = JSON.stringify(options.body);
			headers['Content-Type'] = 'application/json';
		}
		const response = await fetch(`${sim.helio.restUrl}${path}`, { method, headers, body });
		const text = await response.text();
		return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
	};
	const login = async (email = sim.helio.email, password = sim.helio.password): Promise<string> => {
		const response = await call('POST', '/api/v1/login', { body: { email, password } });
		expect(response.status).toBe(200);
		return response.body.access_token;
	};
	const account = (path: string, id = ACCOUNT): string => `/api/v1/accounts/${id}${path}`;

	describe('with the system clock', () => {
		let token: string;

		beforeEach(async () => {
			sim = await startSimulator({ helio: { users: [OTHER_USER], seed: 7 } });
			token = await login();
			sim.helio.setQuote('EURUSD', 1.1, 1.1002);
		});

		afterEach(async () => {
			await sim.close();
		});

		describe('login', () => {
			it('answers a new token each time, its expiry in unix seconds, and the accounts', async () => {
				const before = Math.floor(Date.now() / 1000);
				const seen = sim.helio.waitFor('login');
				const first = await call('POST', '/api/v1/login', { body: { email: sim.helio.email, password: sim.helio.password } });
				expect(first.status).toBe(200);
				expect(first.body).toEqual({
					access_token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
					expires_at: expect.any(Number),
					accounts: [
						{ id: 'acc-1001', gid: 1 },
						{ id: 'acc-1002', gid: 1 },
					],
				});
				expect(first.body.expires_at).toBeGreaterThanOrEqual(before + 3599);
				expect(first.body.expires_at).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 3600);
				expect(await seen).toEqual({ ok: true, email: sim.helio.email });
				const second = await login();
				expect(second).not.toBe(first.body.access_token);
				expect(second).not.toBe(token);
			});

			it('answers 400 validation_error naming the missing field', async () => {
				const noEmail = await call('POST', '/api/v1/login', { body: { password: 'x' } });
				expect(noEmail.status).toBe(400);
				expect(noEmail.body).toEqual({ error: { type: 'validation_error', message: expect.any(String), field: 'email' } });
				const noPassword = await call('POST', '/api/v1/login', { body: { email: sim.helio.email } });
				expect(noPassword.body.error).toMatchObject({ type: 'validation_error', field: 'password' });
				const notJson = await call('POST', '/api/v1/login', { raw: '{"email":' });
				expect(notJson.status).toBe(400);
				expect(notJson.body.error).toEqual({ type: 'validation_error', message: 'Body is not valid JSON' });
			});

			it('answers 401 invalid_credentials for a wrong password or an unknown email', async () => {
				const seen = sim.helio.waitFor('login');
				const wrong = await call('POST', '/api/v1/login', { body: { email: sim.helio.email, password: 'nope' } });
				expect(wrong.status).toBe(401);
				expect(wrong.body).toEqual({ error: { type: 'invalid_credentials', message: 'Invalid email or password' } });
				expect(await seen).toEqual({ ok: false, email: sim.helio.email, reason: 'invalid_credentials' });
				expect((await call('POST', '/api/v1/login', { body: { email: 'nobody@helio.sim', password: 'x' } })).status).toBe(401);
			});
		});

		describe('auth', () => {
			it('answers 401 unauthorized without a token or with one it never issued', async () => {
				const none = await call('GET', account('/positions'));
				expect(none.status).toBe(401);
				expect(none.body).toEqual({ error: { type: 'unauthorized', message: 'missing bearer token' } });
				const forged = await call('GET', account('/positions'), { token: 'eyJhbGciOiJIUzI1NiJ9.e30.c2ln' });
				expect(forged.status).toBe(401);
				expect(forged.body.error.type).toBe('unauthorized');
			});

			it("answers 403 forbidden for an account that is not the token's", async () => {
				const other = await call('GET', account('/positions', 'acc-2001'), { token });
				expect(other.status).toBe(403);
				expect(other.body.error).toEqual({ type: 'forbidden', message: expect.stringContaining('acc-2001') });
				const otherToken = await login(OTHER_USER.email, OTHER_USER.password);
				expect((await call('GET', account('/positions', 'acc-2001'), { token: otherToken })).status).toBe(200);
				expect((await call('GET', account('/positions'), { token: otherToken })).status).toBe(403);
			});

			it('answers 404 not_found outside the API', async () => {
				const missing = await call('GET', '/api/v1/nothing', { token });
				expect(missing.status).toBe(404);
				expect(missing.body.error.type).toBe('not_found');
				expect((await call('PUT', account('/orders'), { token })).status).toBe(404);
			});

			it('reports each call with its status and the caller', async () => {
				const seen = sim.helio.waitFor('rest:request', (r) => r.path.endsWith('/positions'));
				await call('GET', account('/positions'), { token });
				expect(await seen).toEqual({
					method: 'GET',
					path: '/helio/api/v1/accounts/acc-1001/positions',
					status: 200,
					email: sim.helio.email,
				});
			});
		});

		describe('orders', () => {
			it('POST /orders places a market order: 201 with the whole order, filled at the ask', async () => {
				const created = sim.helio.waitFor('order:created');
				const response = await call('POST', account('/orders'), { token, body: marketBuy(1, { client_order_id: 'my-1' }) });
				expect(response.status).toBe(201);
				expect(response.body).toEqual({
					order: {
						id: expect.any(String),
						account_id: ACCOUNT,
						client_order_id: 'my-1',
						symbol_id: 'EURUSD',
						side: 'TRADE_SIDE_BUY',
						type: 'ORDER_TYPE_MARKET',
						time_in_force: 'TIF_GTC',
						volume: 1,
						filled_volume: 1,
						price: 1.1002,
						limit_price: null,
						stop_price: null,
						stop_loss_price: null,
						take_profit_price: null,
						good_till_date: null,
						status: 'ORDER_STATUS_FILLED',
						created_at: expect.stringMatching(ISO_TIMESTAMP),
						updated_at: expect.stringMatching(ISO_TIMESTAMP),
					},
				});
				expect((await created).order.id).toBe(response.body.order.id);
				const positions = await call('GET', account('/positions'), { token });
				expect(positions.body).toEqual({
					positions: [
						{
							id: expect.any(String),
							account_id: ACCOUNT,
							symbol_id: 'EURUSD',
							side: 'TRADE_SIDE_BUY',
							volume: 1,
							open_price: 1.1002,
							stop_loss_price: null,
							take_profit_price: null,
							pnl: -20,
							opened_at: expect.stringMatching(ISO_TIMESTAMP),
						},
					],
				});
			});

			it('accepts price for a LIMIT order as its limit_price', async () => {
				const response = await call('POST', account('/orders'), {
					token,
					body: marketBuy(1, { type: 'ORDER_TYPE_LIMIT', price: 1.09 }),
				});
				expect(response.status).toBe(201);
				expect(response.body.order).toMatchObject({ limit_price: 1.09, status: 'ORDER_STATUS_NEW', price: null, filled_volume: 0 });
			});

			const invalid: Array<[string, string, Record<string, unknown>]> = [
				['symbol_id missing', 'symbol_id', { symbol_id: undefined }],
				['side missing', 'side', { side: undefined }],
				['type missing', 'type', { type: undefined }],
				['time_in_force missing', 'time_in_force', { time_in_force: undefined }],
				['volume missing', 'volume', { volume: undefined }],
				['volume below 0.01', 'volume', { volume: 0.001 }],
				['volume not in 0.01 steps', 'volume', { volume: 0.015 }],
				['an unknown symbol', 'symbol_id', { symbol_id: 'EURXYZ' }],
				['an unknown side', 'side', { side: 'BUY' }],
				['GTD without good_till_date', 'good_till_date', { time_in_force: 'TIF_GTD' }],
				[
					'GTD in the past',
					'good_till_date',
					{ type: 'ORDER_TYPE_LIMIT', limit_price: 1, time_in_force: 'TIF_GTD', good_till_date: '2001-01-01T00:00:00Z' },
				],
				['LIMIT without limit_price', 'limit_price', { type: 'ORDER_TYPE_LIMIT' }],
				['STOP without stop_price', 'stop_price', { type: 'ORDER_TYPE_STOP', limit_price: 1.2 }],
				['STOP_LIMIT without stop_price', 'stop_price', { type: 'ORDER_TYPE_STOP_LIMIT', limit_price: 1.2 }],
				['STOP_LIMIT without limit_price', 'limit_price', { type: 'ORDER_TYPE_STOP_LIMIT', stop_price: 1.2 }],
				['STOP_LIMIT without either price', 'stop_price', { type: 'ORDER_TYPE_STOP_LIMIT' }],
				['TRAILING_STOP without stop_loss_points', 'stop_loss_points', { type: 'ORDER_TYPE_TRAILING_STOP' }],
				['a malformed good_till_date', 'good_till_date', { time_in_force: 'TIF_GTD', good_till_date: 'next week' }],
			];
			it.each(invalid)('POST /orders answers 400 validation_error for %s, naming %s', async (_case, field, change) => {
				const response = await call('POST', account('/orders'), { token, body: marketBuy(1, change) });
				expect(response.status).toBe(400);
				expect(response.body).toEqual({ error: { type: 'validation_error', message: expect.any(String), field } });
			});

			it('POST /orders answers 400 for a body that is not an object', async () => {
				const response = await call('POST', account('/orders'), { token, raw: '[1,2]' });
				expect(response.status).toBe(400);
				expect(response.body.error).toEqual({ type: 'validation_error', message: 'Body must be a JSON object' });
			});

			it('PATCH /orders/{id} amends an open order, 404 for an unknown one, 409 once filled', async () => {
				const placed = await call('POST', account('/orders'), {
					token,
					body: marketBuy(2, { type: 'ORDER_TYPE_LIMIT', limit_price: 1.05 }),
				});
				const id = placed.body.order.id;
				const amended = await call('PATCH', account(`/orders/${id}`), {
					token,
					body: {
						volume: 3,
						limit_price: 1.06,
						tp_levels: [1.2],
						sl_levels: [{ price: 1.0 }],
						time_in_force: 'TIF_GTD',
						good_till_date: '2099-01-01T00:00:00Z',
					},
				});
				expect(amended.status).toBe(200);
				expect(amended.body.order).toMatchObject({
					id,
					volume: 3,
					limit_price: 1.06,
					take_profit_price: 1.2,
					stop_loss_price: 1,
					time_in_force: 'TIF_GTD',
					good_till_date: '2099-01-01T00:00:00.000Z',
					status: 'ORDER_STATUS_NEW',
				});
				expect((await call('PATCH', account('/orders/ord-999'), { token, body: { volume: 1 } })).status).toBe(404);
				// Moving the limit above the ask fills it at once.
				const crossing = await call('PATCH', account(`/orders/${id}`), { token, body: { limit_price: 1.2 } });
				expect(crossing.body.order).toMatchObject({ status: 'ORDER_STATUS_FILLED', price: 1.1002 });
				const late = await call('PATCH', account(`/orders/${id}`), { token, body: { volume: 4 } });
				expect(late.status).toBe(409);
				expect(late.body.error.type).toBe('conflict');
			});

			it('PATCH /orders/{id} validates what it changes', async () => {
				const placed = await call('POST', account('/orders'), {
					token,
					body: marketBuy(2, { type: 'ORDER_TYPE_LIMIT', limit_price: 1.05 }),
				});
				const path = account(`/orders/${placed.body.order.id}`);
				const cases: Array<[Record<string, unknown>, string]> = [
					[{ volume: 0 }, 'volume'],
					[{ time_in_force: 'TIF_GTD' }, 'good_till_date'],
					[{ time_in_force: 'TIF_IOC' }, 'time_in_force'],
					[{ stop_price: 1.2 }, 'stop_price'],
					[{ limit_price: -1 }, 'limit_price'],
				];
				for (const [body, field] of cases) {
					const response = await call('PATCH', path, { token, body });
					expect([response.status, response.body.error.field]).toEqual([400, field]);
				}
			});

			it('DELETE /orders/{id} cancels an open order; 409 when filled or already cancelled; 404 when unknown', async () => {
				const resting = await call('POST', account('/orders'), {
					token,
					body: marketBuy(1, { type: 'ORDER_TYPE_LIMIT', limit_price: 1.05 }),
				});
				const cancelled = await call('DELETE', account(`/orders/${resting.body.order.id}`), { token });
				expect(cancelled.status).toBe(200);
				expect(cancelled.body.order).toMatchObject({ id: resting.body.order.id, status: 'ORDER_STATUS_CANCELLED' });
				expect((await call('DELETE', account(`/orders/${resting.body.order.id}`), { token })).status).toBe(409);
				const filled = await call('POST', account('/orders'), { token, body: marketBuy(1) });
				const refused = await call('DELETE', account(`/orders/${filled.body.order.id}`), { token });
				expect(refused.status).toBe(409);
				expect(refused.body.error).toEqual({ type: 'conflict', message: expect.stringContaining('FILLED') });
				expect((await call('DELETE', account('/orders/ord-999'), { token })).status).toBe(404);
				// Another account of the same token does not see the order.
				expect((await call('DELETE', account(`/orders/${resting.body.order.id}`, 'acc-1002'), { token })).status).toBe(404);
			});
		});

		describe('positions', () => {
			const open = async (volume = 2): Promise<string> => {
				await call('POST', account('/orders'), { token, body: marketBuy(volume) });
				const { body } = await call('GET', account('/positions'), { token });
				return body.positions[body.positions.length - 1].id;
			};

			it('POST /positions/{id}/close closes part, then all, at the bid; 409 once closed', async () => {
				const id = await open(2);
				sim.helio.setQuote('EURUSD', 1.1012, 1.1014);
				const partial = await call('POST', account(`/positions/${id}/close`), { token, body: { volume: 0.5 } });
				expect(partial.status).toBe(200);
				expect(partial.body).toEqual({
					position: expect.objectContaining({ id, volume: 1.5, pnl: 150 }),
					deal: {
						id: expect.any(String),
						account_id: ACCOUNT,
						order_id: null,
						position_id: id,
						symbol_id: 'EURUSD',
						side: 'TRADE_SIDE_SELL',
						volume: 0.5,
						price: 1.1012,
						executed_at: expect.stringMatching(ISO_TIMESTAMP),
					},
				});
				expect(partial.body.position.closed_at).toBeUndefined();
				const rest = await call('POST', account(`/positions/${id}/close`), { token });
				expect(rest.body.position).toMatchObject({ id, volume: 0, closed_at: expect.stringMatching(ISO_TIMESTAMP), pnl: 200 });
				expect(rest.body.deal.volume).toBe(1.5);
				expect((await call('GET', account('/positions'), { token })).body.positions).toEqual([]);
				expect((await call('POST', account(`/positions/${id}/close`), { token })).status).toBe(409);
				expect(sim.helio.metrics(ACCOUNT).balance).toBe(10_200);
			});

			it('POST /positions/{id}/close answers 400 for too much volume and 404 for an unknown position', async () => {
				const id = await open(1);
				const tooMuch = await call('POST', account(`/positions/${id}/close`), { token, body: { volume: 2 } });
				expect([tooMuch.status, tooMuch.body.error.field]).toEqual([400, 'volume']);
				expect((await call('POST', account('/positions/pos-999/close'), { token })).status).toBe(404);
				expect((await call('POST', account(`/positions/${id}/close`, 'acc-1002'), { token })).status).toBe(404);
			});

			it('PATCH /positions/{id} sets and clears stop loss and take profit, on the right side of the price', async () => {
				const id = await open(1);
				const amended = await call('PATCH', account(`/positions/${id}`), {
					token,
					body: { stop_loss_price: 1.09, take_profit_price: 1.12 },
				});
				expect(amended.status).toBe(200);
				expect(amended.body.position).toMatchObject({ id, stop_loss_price: 1.09, take_profit_price: 1.12 });
				const cleared = await call('PATCH', account(`/positions/${id}`), { token, body: { take_profit_price: null } });
				expect(cleared.body.position).toMatchObject({ stop_loss_price: 1.09, take_profit_price: null });
				const wrongStop = await call('PATCH', account(`/positions/${id}`), { token, body: { stop_loss_price: 1.11 } });
				expect([wrongStop.status, wrongStop.body.error.field]).toEqual([400, 'stop_loss_price']);
				const wrongTake = await call('PATCH', account(`/positions/${id}`), { token, body: { take_profit_price: 1.09 } });
				expect([wrongTake.status, wrongTake.body.error.field]).toEqual([400, 'take_profit_price']);
				await call('POST', account(`/positions/${id}/close`), { token });
				expect((await call('PATCH', account(`/positions/${id}`), { token, body: { stop_loss_price: 1 } })).status).toBe(409);
				expect((await call('PATCH', account('/positions/pos-999'), { token, body: {} })).status).toBe(404);
			});
		});

		describe('history', () => {
			it('lists orders, closed positions and deals newest first, with limit', async () => {
				const first = await call('POST', account('/orders'), { token, body: marketBuy(1) });
				const second = await call('POST', account('/orders'), { token, body: marketBuy(1, { type: 'ORDER_TYPE_LIMIT', limit_price: 1 }) });
				const positions = (await call('GET', account('/positions'), { token })).body.positions;
				await call('POST', account(`/positions/${positions[0].id}/close`), { token });

				const orders = await call('GET', account('/orders/history'), { token });
				expect(orders.status).toBe(200);
				expect(orders.body.orders.map((o: Json) => o.id)).toEqual([second.body.order.id, first.body.order.id]);
				expect((await call('GET', account('/orders/history?limit=1'), { token })).body.orders).toHaveLength(1);

				const closed = await call('GET', account('/positions/history'), { token });
				expect(closed.body.positions).toEqual([expect.objectContaining({ id: positions[0].id, closed_at: expect.any(String) })]);

				const deals = await call('GET', account('/deals/history'), { token });
				expect(deals.body.deals.map((d: Json) => [d.side, d.order_id])).toEqual([
					['TRADE_SIDE_SELL', null],
					['TRADE_SIDE_BUY', first.body.order.id],
				]);
				// Another account has its own, empty history.
				expect((await call('GET', account('/deals/history', 'acc-1002'), { token })).body).toEqual({ deals: [] });
			});

			it('filters by from and to, and names a bad query parameter', async () => {
				await call('POST', account('/orders'), { token, body: marketBuy(1) });
				const future = new Date(Date.now() + 60_000).toISOString();
				expect((await call('GET', account(`/deals/history?from=${future}`), { token })).body.deals).toEqual([]);
				expect((await call('GET', account(`/deals/history?to=${future}`), { token })).body.deals).toHaveLength(1);
				expect((await call('GET', account('/deals/history?to=2001-01-01T00:00:00Z'), { token })).body.deals).toEqual([]);
				for (const [query, field] of [
					['from=yesterday', 'from'],
					['to=x', 'to'],
					['limit=0', 'limit'],
					['limit=ten', 'limit'],
				]) {
					const response = await call('GET', account(`/orders/history?${query}`), { token });
					expect([response.status, response.body.error.type, response.body.error.field]).toEqual([400, 'validation_error', field]);
				}
			});
		});

		it('placeOrderAs() answers exactly what the REST call does', async () => {
			const direct = sim.helio.placeOrderAs(ACCOUNT, marketBuy(1));
			expect(direct.status).toBe(201);
			expect((direct.body as Json).order).toMatchObject({ account_id: ACCOUNT, status: 'ORDER_STATUS_FILLED' });
			expect(sim.helio.placeOrderAs(ACCOUNT, marketBuy(0))).toEqual({
				status: 400,
				body: { error: { type: 'validation_error', message: expect.any(String), field: 'volume' } },
			});
			expect(sim.helio.placeOrderAs('acc-missing', marketBuy(1)).status).toBe(404);
		});
	});

	describe('token expiry', () => {
		let clock: ManualClock;

		beforeEach(async () => {
			clock = new ManualClock();
			sim = await startSimulator({ helio: { clock, tokenTtlSeconds: 2 } });
		});

		afterEach(async () => {
			await sim.close();
		});

		it('a token works until expires_at, then answers 401 token expired; a new login works', async () => {
			const response = await call('POST', '/api/v1/login', { body: { email: sim.helio.email, password: sim.helio.password } });
			expect(response.body.expires_at).toBe(clock.now() / 1000 + 2);
			const token = response.body.access_token;
			clock.advance(1999);
			expect((await call('GET', account('/positions'), { token })).status).toBe(200);
			clock.advance(1);
			const expired = await call('GET', account('/positions'), { token });
			expect(expired.status).toBe(401);
			expect(expired.body).toEqual({ error: { type: 'unauthorized', message: 'token expired' } });
			expect((await call('GET', account('/positions'), { token: await login() })).status).toBe(200);
		});
	});
});
