import { ManualClock, startSimulator, type VenueSimulator } from '../src';
import { WsClient, waitUntil } from './helpers';

describe('agg.market faults', () => {
	let sim: VenueSimulator;
	const clients: WsClient[] = [];
	const OUTCOME = 'vmo_cpi_above_yes';

	const connect = async (token?: string): Promise<WsClient> => {
		const params = new URLSearchParams({ appId: sim.agg.appId, ...(token ? { token } : {}) });
		const client = await WsClient.connect(`${sim.agg.wsUrl}?${params}`);
		clients.push(client);
		await client.next('connected');
		return client;
	};
	const barrier = async (client: WsClient): Promise<void> => {
		client.send({ action: 'barrier' });
		await client.next('error', (m) => m.message === 'Unknown action: barrier');
	};

	afterEach(async () => {
		await Promise.all(clients.splice(0).map((c) => c.close()));
		await sim.close();
	});

	describe('on the system clock', () => {
		beforeEach(async () => {
			sim = await startSimulator({ agg: { seed: 3 } });
		});

		it('expireTokens() closes authenticated sockets 4001 and makes REST answer 401; refresh still works', async () => {
			const authed = await connect(sim.agg.accessToken);
			const anonymous = await connect();
			expect(sim.agg.faults.expireTokens()).toEqual({ tokens: 1, sockets: 1 });
			expect(await authed.closed).toEqual({ code: 4001, reason: 'token expired' });
			await barrier(anonymous);
			const headers = { 'x-app-id': sim.agg.appId, Authorization: `Bearer ${sim.agg.accessToken}` };
			const refused = await fetch(`${sim.agg.restUrl}/execution/balances`, { headers });
			expect(refused.status).toBe(401);
			expect(await refused.json()).toEqual({ error: { code: 'UNAUTHORIZED', message: 'Token expired' } });
			// Authenticating with the expired token on an open socket closes it 4001 too.
			anonymous.send({ action: 'authenticate', token: sim.agg.accessToken });
			expect((await anonymous.closed).code).toBe(4001);
			const refresh = await fetch(`${sim.agg.restUrl}/auth/refresh`, {
				method: 'POST',
				headers: { 'x-app-id': sim.agg.appId, 'Content-Type': 'application/json' },
				body: JSON.stringify({ refreshToken: sim.agg.refreshToken }),
			});
			const fresh = (await refresh.json()) as { accessToken: string };
			const again = await connect(fresh.accessToken);
			await barrier(again);
			expect(again.inbox.all[0]).toMatchObject({ type: 'connected', userId: 'user-123' });
		});

		it('holdRefresh() leaves the next token refresh unanswered; later refreshes work', async () => {
			sim.agg.faults.holdRefresh();
			const refresh = (signal?: AbortSignal) =>
				fetch(`${sim.agg.restUrl}${sim.agg.refreshPath}`, {
					method: 'POST',
					headers: { 'x-app-id': sim.agg.appId, 'Content-Type': 'application/json' },
					body: JSON.stringify({ refreshToken: sim.agg.refreshToken }),
					signal,
				});
			const leave = new AbortController();
			let outcome: 'answered' | 'left' | undefined;
			const held = refresh(leave.signal).then(
				() => (outcome = 'answered'),
				() => (outcome = 'left'),
			);
			// The held refresh arrived (its rule is used up); a refresh sent after it is answered, it is not.
			await waitUntil(() => sim.agg.faults.pendingRestFaults() === 0);
			expect((await refresh()).status).toBe(200);
			expect(outcome).toBeUndefined();
			leave.abort();
			await held;
			expect(outcome).toBe('left');
		});

		it('an expired token in the query: connected, then error and close 4001', async () => {
			const { accessToken } = sim.agg.issueTokens();
			sim.agg.faults.expireTokens();
			const client = await connect(accessToken);
			expect(client.inbox.all[0]).toEqual({ type: 'connected', appId: sim.agg.appId, userId: null });
			expect((await client.next('error')).message).toBe('Token expired');
			expect((await client.closed).code).toBe(4001);
		});

		it('dropConnections() terminates every socket; new connections still work', async () => {
			const a = await connect();
			const b = await connect(sim.agg.accessToken);
			const closed = sim.agg.waitFor('ws:close');
			expect(sim.agg.faults.dropConnections()).toBe(2);
			expect((await a.closed).code).toBe(1006);
			expect((await b.closed).code).toBe(1006);
			await closed;
			await barrier(await connect());
			expect(sim.agg.openSockets()).toBe(1);
		});

		it('silence() sends nothing (acks, deltas, user events) until switched off', async () => {
			const client = await connect(sim.agg.accessToken);
			client.send({ action: 'subscribe', channel: 'orderbook', outcomeIds: [OUTCOME] });
			await client.next('orderbook_snapshot');
			sim.agg.faults.silence(true);
			expect(sim.agg.faults.silenced).toBe(true);
			expect(sim.agg.moveBook(OUTCOME, { bidChanges: [{ price: 0.2, totalSize: 3 }] }).seq).toBe(2);
			const message = sim.agg.waitFor('ws:message');
			client.send({ action: 'barrier' });
			await message;
			const lost = sim.agg.waitFor('user:event', (e) => e.message.type === 'order_submitted');
			sim.agg.placeOrder({ venue: 'kalshi', side: 'buy', price: 0.5, size: 1, outcomeId: OUTCOME, outcome: 'fail' });
			expect((await lost).recipients).toBe(0);
			sim.agg.faults.silence(false);
			await barrier(client);
			expect(client.inbox.all.filter((m) => m.type === 'orderbook_delta' || m.type === 'order_submitted')).toEqual([]);
			// The client sees the gap on the next delta and resnapshots.
			sim.agg.moveBook(OUTCOME, { bidChanges: [{ price: 0.21, totalSize: 3 }] });
			expect((await client.next('orderbook_delta')).seq).toBe(3);
		});

		it('sendMalformed() and sendError() reach every open socket', async () => {
			const a = await connect();
			const b = await connect(sim.agg.accessToken);
			expect(sim.agg.faults.sendMalformed('invalid-json')).toBe(2);
			expect((await a.next('(unparseable)')).raw).toMatch(/^\{"type":"orderbook_delta"/);
			expect(sim.agg.faults.sendMalformed('schema')).toBe(2);
			expect((await b.next('orderbook_delta')).seq).toBe('next');
			expect(sim.agg.faults.sendError('gateway restarting')).toBe(2);
			expect(await a.next('error')).toEqual({ type: 'error', message: 'gateway restarting' });
			expect(sim.agg.faults.sendMalformed('oversized')).toBe(2);
			const big = await b.next('heartbeat', (m) => m.ts === 0);
			expect(String(big.padding).length).toBeGreaterThan(1024 * 1024);
		});
	});

	describe('on a manual clock', () => {
		it('refuseAuth(ms) turns authenticate, a token in the URL, refresh and user calls away for that long, then accepts again', async () => {
			const clock = new ManualClock();
			sim = await startSimulator({ agg: { clock, heartbeatIntervalMs: 10_000 } });
			const open = await connect(sim.agg.accessToken);
			const refresh = () =>
				fetch(`${sim.agg.restUrl}/auth/refresh`, {
					method: 'POST',
					headers: { 'x-app-id': sim.agg.appId, 'Content-Type': 'application/json' },
					body: JSON.stringify({ refreshToken: sim.agg.refreshToken }),
				});
			const balances = () =>
				fetch(`${sim.agg.restUrl}/execution/balances`, {
					headers: { 'x-app-id': sim.agg.appId, Authorization: `Bearer ${sim.agg.accessToken}` },
				});
			sim.agg.faults.refuseAuth(5000);
			expect(sim.agg.faults.refusingAuth).toBe(true);

			const client = await connect();
			const refusedEvent = sim.agg.waitFor('ws:auth-refused');
			client.send({ action: 'authenticate', token: sim.agg.accessToken });
			expect(await client.next('error')).toEqual({ type: 'error', message: 'Authentication refused' });
			expect(await client.closed).toEqual({ code: 4001, reason: 'authentication refused' });
			await refusedEvent;
			const inUrl = await connect(sim.agg.accessToken);
			expect(inUrl.inbox.all[0]).toMatchObject({ type: 'connected', userId: null });
			expect((await inUrl.closed).code).toBe(4001);
			const refusedRefresh = await refresh();
			expect(refusedRefresh.status).toBe(401);
			expect(await refusedRefresh.json()).toEqual({ error: { code: 'UNAUTHORIZED', message: 'Authentication refused' } });
			expect((await balances()).status).toBe(401);
			await barrier(open);

			clock.advance(5000);
			expect(sim.agg.faults.refusingAuth).toBe(false);
			expect((await balances()).status).toBe(200);
			const again = await connect();
			again.send({ action: 'authenticate', token: sim.agg.accessToken });
			await again.next('authenticated');
			// The refresh token was not spent by the refused call.
			expect((await refresh()).status).toBe(200);
		});

		it('a socket closes 4001 when its token expires, unless re-authenticated with a newer one', async () => {
			const clock = new ManualClock();
			sim = await startSimulator({ agg: { clock, tokenTtlSeconds: 60, heartbeatIntervalMs: 10_000 } });
			const stale = await connect(sim.agg.accessToken);
			const renewed = await connect(sim.agg.accessToken);
			clock.advance(30_000);
			const next = sim.agg.issueTokens();
			renewed.send({ action: 'authenticate', token: next.accessToken });
			await renewed.next('authenticated');
			clock.advance(30_000);
			expect(await stale.closed).toEqual({ code: 4001, reason: 'token expired' });
			await barrier(renewed);
			// Heartbeats came from the manual clock's timer: 3 of them in 60 s.
			expect(renewed.inbox.all.filter((m) => m.type === 'heartbeat').map((m) => m.ts)).toEqual([
				clock.now() - 50_000,
				clock.now() - 40_000,
				clock.now() - 30_000,
				clock.now() - 20_000,
				clock.now() - 10_000,
				clock.now(),
			]);
			clock.advance(30_000);
			expect((await renewed.closed).code).toBe(4001);
		});
	});
});
