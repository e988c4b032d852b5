import { DIALECTS, startSimulator, type VenueSimulator } from '../src';

// Bodies are whatever the simulator sent: the assertions below pin their shape.
type Json = any;

describe('agg.market REST', () => {
	let sim: VenueSimulator;

	const call = async (
		method: string,
		path: string,
		options: { token?: string | null; appId?: string | null; body?: unknown; headers?: Record<string, string> } = {},
	): Promise<{ status: number; headers: Headers; body: Json }> => {
		const headers: Record<string, string> = { 'Content-Type': 'application/json', ...options.headers };
		const appId = options.appId === undefined ? sim.agg.appId : options.appId;
		if (appId !== null) headers['x-app-id'] = appId;
		const token = options.token === undefined ? sim.agg.accessToken : options.token;
		if (token !== null) headers.Authorization = `Bearer ${token}`;
		const body = options.body === undefined ? undefined : JSON.stringify(options.body);
		const response = await fetch(`${sim.agg.restUrl}${path}`, { method, headers, body });
		const text = await response.text();
		return { status: response.status, headers: response.headers, body: text === '' ? undefined : JSON.parse(text) };
	};

	beforeEach(async () => {
		sim = await startSimulator({ agg: { seed: 21, positionCount: 205, orderStepMs: 1 } });
	});

	afterEach(async () => {
		await sim.close();
	});

	it('requires x-app-id (401 without or with an unknown app) and reports each call', async () => {
		const missing = await call('GET', '/execution/balances', { appId: null });
		expect(missing).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHORIZED', message: 'Missing x-app-id header' } } });
		const unknown = await call('GET', '/execution/balances', { appId: 'app_other' });
		expect(unknown.status).toBe(401);
		expect(unknown.body.error.message).toBe('Unknown app: app_other');
		const reported = sim.agg.waitFor('rest:request');
		await call('GET', '/execution/nowhere');
		expect(await reported).toEqual({ method: 'GET', path: '/agg/execution/nowhere', status: 404 });
	});

	it('requires a valid Bearer user token', async () => {
		expect((await call('GET', '/execution/balances', { token: null })).body).toEqual({
			error: { code: 'UNAUTHORIZED', message: 'Missing bearer token' },
		});
		expect((await call('GET', '/execution/balances', { token: 'agg_at_nope' })).body.error.message).toBe('Invalid token');
		expect((await call('GET', '/execution/balances')).status).toBe(200);
	});

	it('refresh issues new tokens; the old access token and refresh token stop working', async () => {
		const refreshed = sim.agg.waitFor('token:refreshed');
		const answer = await call('POST', '/auth/refresh', { token: null, body: { refreshToken: sim.agg.refreshToken } });
		expect(answer.status).toBe(200);
		expect(answer.body).toEqual({
			accessToken: expect.stringMatching(/^agg_at_/),
			refreshToken: expect.stringMatching(/^agg_rt_/),
			expiresAt: expect.any(Number),
		});
		expect(answer.body.expiresAt).toBeGreaterThan(Date.now() + 3_500_000);
		expect(await refreshed).toEqual({ userId: 'user-123' });
		const old = await call('GET', '/execution/balances');
		expect(old).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHORIZED', message: 'Token expired' } } });
		expect((await call('GET', '/execution/balances', { token: answer.body.accessToken })).status).toBe(200);
		const reused = await call('POST', '/auth/refresh', { token: null, body: { refreshToken: sim.agg.refreshToken } });
		expect(reused.status).toBe(401);
		const invalid = await call('POST', '/auth/refresh', { token: null, body: {} });
		expect(invalid).toMatchObject({ status: 400, body: { error: { code: 'BAD_REQUEST', field: 'refreshToken' } } });
	});

	it('honours a custom refresh path', async () => {
		await sim.close();
		sim = await startSimulator({ agg: { refreshPath: '/v1/session/refresh' } });
		expect((await call('POST', '/auth/refresh', { token: null, body: { refreshToken: sim.agg.refreshToken } })).status).toBe(404);
		expect((await call('POST', '/v1/session/refresh', { token: null, body: { refreshToken: sim.agg.refreshToken } })).status).toBe(200);
	});

	it('an access token past its TTL answers 401 Token expired', async () => {
		await sim.close();
		const { ManualClock } = await import('../src');
		const clock = new ManualClock();
		sim = await startSimulator({ agg: { clock, tokenTtlSeconds: 60 } });
		expect((await call('GET', '/execution/balances')).status).toBe(200);
		clock.advance(60_000);
		expect((await call('GET', '/execution/balances')).body.error.message).toBe('Token expired');
	});

	it('balances: USDC cash in raw units across chains, positions per venue', async () => {
		const { status, body } = await call('GET', '/execution/balances');
		expect(status).toBe(200);
		expect(body.cash).toHaveLength(1);
		const [usdc] = body.cash;
		expect(usdc).toMatchObject({ tokenSymbol: 'USDC', decimals: 6 });
		expect(usdc.totalRaw).toMatch(/^\d+$/);
		expect(usdc.chains.reduce((sum: bigint, c: Json) => sum + BigInt(c.totalRaw), 0n)).toBe(BigInt(usdc.totalRaw));
		expect(body.positions.map((p: Json) => p.venue)).toEqual(['kalshi', 'polymarket', 'limitless', 'opinion']);
		for (const p of body.positions) expect(p.balance).toBeGreaterThan(0);
	});

	it.each(DIALECTS.agg)(
		'balances in the %s dialect: raw amounts as totalRaw (short) or balanceRaw, chains {chain, balanceRaw} (long)',
		async (dialect) => {
			await sim.close();
			sim = await startSimulator({ agg: { seed: 21, dialect } });
			const { body } = await call('GET', '/execution/balances');
			const [usdc] = body.cash;
			const raw = dialect === 'short' ? 'totalRaw' : 'balanceRaw';
			const absent = dialect === 'short' ? 'balanceRaw' : 'totalRaw';
			expect(usdc[raw]).toMatch(/^\d+$/);
			expect(usdc).not.toHaveProperty(absent);
			for (const chain of usdc.chains) expect(Object.keys(chain).sort()).toEqual(['chain', raw].sort());
			expect(usdc.chains.reduce((sum: bigint, c: Json) => sum + BigInt(c[raw]), 0n)).toBe(BigInt(usdc[raw]));
		},
	);

	it('a fill moves the cash by its cost', async () => {
		const before = BigInt((await call('GET', '/execution/balances')).body.cash[0].totalRaw);
		const done = sim.agg.waitFor('user:event', (e) => e.message.type === 'balance_update');
		sim.agg.placeOrder({ venue: 'kalshi', side: 'buy', price: 0.25, size: 8, outcomeId: 'vmo_rain_nyc_yes', outcome: 'fill' });
		await done;
		const after = BigInt((await call('GET', '/execution/balances')).body.cash[0].totalRaw);
		expect(before - after).toBe(2_000_000n);
	});

	it('positions: cursor pages of at most limit, 400 above 100', async () => {
		const seen: string[] = [];
		let cursor: string | null = null;
		let pages = 0;
		do {
			const query: string = cursor ? `?limit=100&cursor=${encodeURIComponent(cursor)}` : '?limit=100';
			const { status, body } = await call('GET', `/execution/positions${query}`);
			expect(status).toBe(200);
			expect(body.data.length).toBeLessThanOrEqual(100);
			expect(body.hasMore).toBe(body.nextCursor !== null);
			seen.push(...body.data.map((p: Json) => p.positionId));
			cursor = body.nextCursor;
			pages += 1;
		} while (cursor);
		expect(pages).toBe(3);
		expect(new Set(seen).size).toBe(205);
		const first = (await call('GET', '/execution/positions')).body;
		expect(first.data).toHaveLength(50);
		expect(first.data[0]).toMatchObject({ venue: expect.any(String), outcomeId: expect.stringMatching(/^vmo_/), size: expect.any(Number) });
		const tooMany = await call('GET', '/execution/positions?limit=101');
		expect(tooMany).toMatchObject({ status: 400, body: { error: { code: 'BAD_REQUEST', field: 'limit' } } });
		const badCursor = await call('GET', '/execution/positions?cursor=garbage');
		expect(badCursor).toMatchObject({ status: 400, body: { error: { field: 'cursor' } } });
	});

	it('misbehaveCursors: repeat names the asked cursor as next, endless offers fresh empty pages; reset mends them', async () => {
		sim.agg.faults.misbehaveCursors('repeat');
		const first = (await call('GET', '/execution/positions?limit=100')).body;
		expect(first).toMatchObject({ hasMore: true, nextCursor: expect.any(String) });
		const second = (await call('GET', `/execution/positions?limit=100&cursor=${first.nextCursor}`)).body;
		expect(second.data[0].positionId).not.toBe(first.data[0].positionId);
		expect(second).toMatchObject({ hasMore: true, nextCursor: first.nextCursor });
		sim.agg.faults.misbehaveCursors('endless');
		const third = (await call('GET', `/execution/positions?limit=100&cursor=${first.nextCursor}`)).body;
		const past = (await call('GET', `/execution/positions?limit=100&cursor=${third.nextCursor}`)).body;
		expect(past.data).toHaveLength(5);
		const beyond = (await call('GET', `/execution/positions?limit=100&cursor=${past.nextCursor}`)).body;
		expect(beyond).toMatchObject({ data: [], hasMore: true, nextCursor: expect.any(String) });
		expect(new Set([first.nextCursor, third.nextCursor, past.nextCursor, beyond.nextCursor]).size).toBe(4);
		sim.agg.faults.reset();
		expect((await call('GET', `/execution/positions?limit=100&cursor=${third.nextCursor}`)).body).toMatchObject({
			hasMore: false,
			nextCursor: null,
		});
	});

	it('orders: newest first with status and filled amount', async () => {
		expect((await call('GET', '/execution/orders')).body).toEqual({ data: [], nextCursor: null, hasMore: false });
		const done = sim.agg.waitFor('user:event', (e) => e.message.type === 'balance_update');
		const first = sim.agg.placeOrder({
			venue: 'kalshi',
			side: 'buy',
			price: 0.5,
			size: 4,
			outcomeId: 'vmo_rain_nyc_yes',
			outcome: 'partial',
		});
		await done;
		const second = sim.agg.placeOrder({
			venue: 'opinion',
			side: 'sell',
			price: 0.6,
			size: 1,
			outcomeId: 'vmo_rain_nyc_no',
			outcome: 'fail',
		});
		const { body } = await call('GET', '/execution/orders?limit=1');
		expect(body.hasMore).toBe(true);
		expect(body.data[0]).toMatchObject({ orderId: second.orderId, status: 'pending', filledAmountRaw: '0' });
		const next = await call('GET', `/execution/orders?limit=1&cursor=${body.nextCursor}`);
		expect(next.body.data[0]).toEqual({
			orderId: first.orderId,
			venue: 'kalshi',
			side: 'buy',
			price: 0.5,
			size: 4,
			outcomeId: 'vmo_rain_nyc_yes',
			status: 'partially_filled',
			filledAmountRaw: '2000000',
			createdAt: expect.any(Number),
		});
	});

	it('quote: priced off the book; validation names the field', async () => {
		const outcome = sim.agg.outcomes[0];
		const body = { venue: 'polymarket', marketId: outcome.marketId, tokenId: outcome.outcomeId, side: 'buy', amount: 25, slippageBps: 100 };
		const { status, body: quote } = await call('POST', '/execution/quote', { body });
		expect(status).toBe(200);
		expect(quote).toMatchObject({ quoteId: expect.stringMatching(/^q_/), canExecute: true });
		expect(quote.steps).toHaveLength(7);
		expect(quote.splits.length).toBeGreaterThan(0);
		expect(quote.splits.reduce((s: number, p: Json) => s + p.amount, 0)).toBeCloseTo(25, 1);
		expect(Date.parse(quote.expiresAt)).toBeGreaterThan(Date.now());
		const bestAsk = sim.agg.book(outcome.outcomeId).asks[0].price;
		expect(quote.splits[0].price).toBeCloseTo(bestAsk * 1.01, 4);
		const bad = await call('POST', '/execution/quote', { body: { ...body, slippageBps: 'lots' } });
		expect(bad).toMatchObject({ status: 400, body: { error: { code: 'BAD_REQUEST', field: 'slippageBps' } } });
		expect((await call('POST', '/execution/quote', { body: { ...body, side: 'hold' } })).body.error.field).toBe('side');
		const wrongMarket = await call('POST', '/execution/quote', { body: { ...body, marketId: 'mkt_other' } });
		expect(wrongMarket).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND', field: 'marketId' } } });
		const broke = await call('POST', '/execution/quote', { body: { ...body, amount: 10_000_000 } });
		expect(broke.body).toMatchObject({ canExecute: false, reason: 'insufficient trading balance' });
		const notJson = await fetch(`${sim.agg.restUrl}/execution/quote`, {
			method: 'POST',
			headers: { 'x-app-id': sim.agg.appId, Authorization: `Bearer ${sim.agg.accessToken}` },
			body: '{oops',
		});
		expect(notJson.status).toBe(400);
	});

	it('checks the Origin when allowedOrigins is set (403 otherwise)', async () => {
		await sim.close();
		sim = await startSimulator({ agg: { allowedOrigins: ['https://app.example'] } });
		expect((await call('GET', '/execution/balances')).status).toBe(403);
		const evil = await call('GET', '/execution/balances', { headers: { Origin: 'https://evil.example' } });
		expect(evil).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
		expect((await call('GET', '/execution/balances', { headers: { Origin: 'https://app.example' } })).status).toBe(200);
	});

	it('failRest answers the next matching calls in the agg envelope, then serves again', async () => {
		sim.agg.faults.failRest({ pathPrefix: '/execution/positions', status: 429, times: 2 });
		const first = await call('GET', '/execution/positions');
		expect(first.status).toBe(429);
		expect(first.headers.get('retry-after')).toBe('1');
		expect(first.body.error.code).toBe('RATE_LIMITED');
		expect((await call('GET', '/execution/balances')).status).toBe(200);
		expect((await call('GET', '/execution/positions')).status).toBe(429);
		expect(sim.agg.faults.pendingRestFaults()).toBe(0);
		expect((await call('GET', '/execution/positions')).status).toBe(200);
		sim.agg.faults.failRest({ method: 'POST', status: 503, message: 'maintenance' });
		expect((await call('POST', '/auth/refresh', { body: { refreshToken: sim.agg.refreshToken } })).body).toEqual({
			error: { code: 'SERVICE_UNAVAILABLE', message: 'maintenance' },
		});
	});
});
