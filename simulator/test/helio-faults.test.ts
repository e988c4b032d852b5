import { ManualClock, startSimulator, type VenueSimulator } from '../src';
import { WsClient, waitUntil, type WsMessage } from './helpers';

// Bodies and payloads are whatever the simulator sent: the assertions below pin their shape.
type Json = any;

const payload = (message: WsMessage): Json => message.payload;

describe('Helio faults', () => {
	let sim: VenueSimulator;
	const clients: WsClient[] = [];

	const call = async (
		method: string,
		path: string,
		options: { token?: string; body?: unknown } = {},
	): Promise<{ status: number; headers: Headers; body: Json }> => {
		const headers: Record<string, string> = { 'Content-Type': 'application/json' };
		if (options.token) headers.Authorization = `Bearer ${options.token}`;
		const body = options.body === undefined ? undefined : JSON.stringify(options.body);
		const response = await fetch(`${sim.helio.restUrl}${path}`, { method, headers, body });
		const text = await response.text();
		return { status: response.status, headers: response.headers, body: text === '' ? undefined : JSON.parse(text) };
	};
	const login = (): Promise<{ status: number; body: Json }> =>
		call('POST', '/api/v1/login', { body: { email: sim.helio.email, password: sim.helio.password } });
	const connect = async (token = sim.helio.issueToken().access_token): Promise<WsClient> => {
		const client = await WsClient.connect(`${sim.helio.wsUrl}?token=${encodeURIComponent(token)}`);
		clients.push(client);
		return client;
	};
	const barrier = async (client: WsClient): Promise<void> => {
		client.send({ type: 'barrier', payload: {} });
		await client.next('error', (m) => payload(m).message === 'Unknown message type: barrier');
	};
	const subscribeQuotes = async (client: WsClient): Promise<void> => {
		client.send({ type: 'subscribe', payload: { symbols: ['EURUSD'], events: ['quoteEvent'] } });
		await client.next('subscribed');
	};

	afterEach(async () => {
		await Promise.all(clients.splice(0).map((c) => c.close()));
		await sim.close();
	});

	describe('on the system clock', () => {
		beforeEach(async () => {
			sim = await startSimulator({ helio: { seed: 3 } });
		});

		it('expireTokens() ends every issued token: REST 401, sockets closed 1008; new logins work', async () => {
			const { body } = await login();
			const client = await connect(body.access_token);
			const other = await connect();
			expect(sim.helio.faults.expireTokens()).toEqual({ tokens: 2, sockets: 2 });
			expect(await client.closed).toEqual({ code: 1008, reason: 'token expired' });
			expect((await other.closed).code).toBe(1008);
			const refused = await call('GET', '/api/v1/accounts/acc-1001/positions', { token: body.access_token });
			expect(refused.status).toBe(401);
			expect(refused.body).toEqual({ error: { type: 'unauthorized', message: 'token expired' } });
			const again = await connect(body.access_token);
			expect((await again.closed).reason).toBe('invalid token');
			const fresh = await login();
			expect((await call('GET', '/api/v1/accounts/acc-1001/positions', { token: fresh.body.access_token })).status).toBe(200);
			await barrier(await connect(fresh.body.access_token));
		});

		it('dropConnections() terminates every socket; new connections still work', async () => {
			const a = await connect();
			const b = await connect();
			expect(sim.helio.faults.dropConnections()).toBe(2);
			expect((await a.closed).code).toBe(1006);
			expect((await b.closed).code).toBe(1006);
			await barrier(await connect());
			expect(sim.helio.openSockets()).toBe(1);
		});

		it('silence() sends nothing and answers no ping until switched off', async () => {
			const client = await connect();
			await subscribeQuotes(client);
			sim.helio.faults.silence(true);
			expect(sim.helio.faults.silenced).toBe(true);

			const unanswered = sim.helio.waitFor('ws:protocol-ping');
			client.ws.ping();
			expect((await unanswered).answered).toBe(false);
			const quiet = sim.helio.waitFor('ws:event', (e) => e.type === 'quoteEvent');
			sim.helio.setQuote('EURUSD', 1.2, 1.2002);
			expect((await quiet).recipients).toBe(0);
			const ignored = sim.helio.waitFor('ws:message');
			client.send({ type: 'barrier', payload: {} });
			await ignored;
			expect(sim.helio.openSockets()).toBe(1);

			sim.helio.faults.silence(false);
			await barrier(client);
			// Nothing from the silent period arrives late.
			expect(client.pendingOf('quoteEvent', 'error')).toHaveLength(0);
			sim.helio.setQuote('EURUSD', 1.21, 1.2102);
			expect(payload(await client.next('quoteEvent')).bid).toBe(1.21);
		});

		it('rejectLogin() answers every login 401 invalid_credentials until switched off', async () => {
			sim.helio.faults.rejectLogin(true);
			expect(sim.helio.faults.loginRejected).toBe(true);
			const seen = sim.helio.waitFor('login');
			const refused = await login();
			expect(refused.status).toBe(401);
			expect(refused.body.error.type).toBe('invalid_credentials');
			expect(await seen).toMatchObject({ ok: false, reason: 'rejectLogin fault' });
			sim.helio.faults.rejectLogin(false);
			expect((await login()).status).toBe(200);
		});

		it('holdLogin() leaves the next login unanswered; later logins work', async () => {
			sim.helio.faults.holdLogin();
			const leave = new AbortController();
			let outcome: 'answered' | 'left' | undefined;
			const held = fetch(`${sim.helio.restUrl}/api/v1/login`, {
				method: 'POST',
				headers: { 'Content-Type': 'application/json' },
				body: JSON.stringify({ email: sim.helio.email, password: sim.helio.password }),
				signal: leave.signal,
			}).then(
				() => (outcome = 'answered'),
				() => (outcome = 'left'),
			);
			// The held login arrived (its rule is used up); a login sent after it is answered, it is not.
			await waitUntil(() => sim.helio.faults.pendingRestFaults() === 0);
			expect((await login()).status).toBe(200);
			expect(outcome).toBeUndefined();
			leave.abort();
			await held;
			expect(outcome).toBe('left');
		});

		it('sendError() sends error {code, message} to every socket', async () => {
			const a = await connect();
			const b = await connect();
			expect(sim.helio.faults.sendError('RATE_LIMITED', 'slow down')).toBe(2);
			for (const client of [a, b]) {
				expect(await client.next('error')).toEqual({ type: 'error', payload: { code: 'RATE_LIMITED', message: 'slow down' } });
			}
		});

		it('sendMalformed() sends broken JSON, a quoteEvent of the wrong types, or a ~2 MB frame', async () => {
			const client = await connect();
			expect(sim.helio.faults.sendMalformed('invalid-json')).toBe(1);
			const broken = await client.next('(unparseable)');
			expect(() => JSON.parse(String(broken.raw))).toThrow();
			sim.helio.faults.sendMalformed('schema');
			expect(payload(await client.next('quoteEvent'))).toMatchObject({ symbol: 42, bid: 'one' });
			sim.helio.faults.sendMalformed('oversized');
			await client.next('quoteEvent');
			expect(client.rawFrames.at(-1)!.length).toBeGreaterThan(2 * 1024 * 1024);
		});

		it('sendUnknownEvent() sends an event type no client knows', async () => {
			const client = await connect();
			expect(sim.helio.faults.sendUnknownEvent('marginCall', { accountId: 'acc-1001' })).toBe(1);
			expect(await client.next('marginCall')).toEqual({ type: 'marginCall', payload: { accountId: 'acc-1001' } });
		});

		it('failRest() answers the next matching calls in the Helio envelope, then serves normally', async () => {
			sim.helio.faults.failRest({ method: 'POST', pathPrefix: '/api/v1/login', status: 500, times: 2 });
			expect(sim.helio.faults.pendingRestFaults()).toBe(2);
			for (let i = 0; i < 2; i++) {
				const failed = await login();
				expect(failed.status).toBe(500);
				expect(failed.body).toEqual({ error: { type: 'internal_error', message: 'Injected fault: 500 internal_error' } });
			}
			const { body } = await login();
			expect(body.access_token).toEqual(expect.any(String));

			sim.helio.faults.failRest({ pathPrefix: '/helio/api/v1/accounts/acc-1001/orders', status: 503, retryAfterSeconds: 2 });
			const path = '/api/v1/accounts/acc-1001/orders/history';
			// A call that does not match is untouched.
			expect((await call('GET', '/api/v1/accounts/acc-1001/positions', { token: body.access_token })).status).toBe(200);
			const unavailable = await call('GET', path, { token: body.access_token });
			expect([unavailable.status, unavailable.body.error.type, unavailable.headers.get('retry-after')]).toEqual([
				503,
				'service_unavailable',
				'2',
			]);
			expect((await call('GET', path, { token: body.access_token })).status).toBe(200);

			sim.helio.faults.failRest({ pathPrefix: '/api/v1/login', status: 401, message: 'locked' });
			expect((await login()).body).toEqual({ error: { type: 'invalid_credentials', message: 'locked' } });
			sim.helio.faults.failRest({ pathPrefix: '/api/v1/accounts', status: 429 });
			const limited = await call('GET', path, { token: body.access_token });
			expect([limited.status, limited.body.error.type, limited.headers.get('retry-after')]).toEqual([429, 'rate_limited', '1']);
		});

		it('failRest() with delayMs delays the call (then answers the status, or serves it)', async () => {
			sim.helio.faults.failRest({ pathPrefix: '/api/v1/login', delayMs: 60 });
			const started = Date.now();
			expect((await login()).status).toBe(200);
			expect(Date.now() - started).toBeGreaterThanOrEqual(50);
			sim.helio.faults.failRest({ pathPrefix: '/api/v1/login', delayMs: 20, status: 502 });
			expect((await login()).status).toBe(502);
		});

		it('reset() switches every fault off', async () => {
			sim.helio.faults.silence(true);
			sim.helio.faults.rejectLogin(true);
			sim.helio.faults.failRest({ status: 500, times: 3 });
			sim.helio.faults.reset();
			expect(sim.helio.faults.silenced).toBe(false);
			expect(sim.helio.faults.loginRejected).toBe(false);
			expect(sim.helio.faults.pendingRestFaults()).toBe(0);
			expect((await login()).status).toBe(200);
			await barrier(await connect());
		});
	});

	describe('silence and liveness on a manual clock', () => {
		let clock: ManualClock;

		beforeEach(async () => {
			clock = new ManualClock();
			sim = await startSimulator({ helio: { clock, pingIntervalMs: 1000 } });
		});

		it('refuseAuth(ms) answers every login 401 for that long, then logs in again; open sockets and issued tokens stay', async () => {
			const { body } = await login();
			const client = await connect(body.access_token);
			await subscribeQuotes(client);
			sim.helio.faults.refuseAuth(3000);
			expect(sim.helio.faults.refusingAuth).toBe(true);
			const seen = sim.helio.waitFor('login');
			const refused = await login();
			expect(refused.status).toBe(401);
			expect(refused.body.error.type).toBe('invalid_credentials');
			expect(await seen).toMatchObject({ ok: false, reason: 'refuseAuth fault' });
			expect((await call('GET', '/api/v1/accounts/acc-1001/positions', { token: body.access_token })).status).toBe(200);
			await barrier(client);
			clock.advance(3000);
			expect(sim.helio.faults.refusingAuth).toBe(false);
			expect((await login()).status).toBe(200);
			sim.helio.faults.refuseAuth(3000);
			sim.helio.faults.reset();
			expect((await login()).status).toBe(200);
		});

		it('a silenced server sends no pings and drops nobody; afterwards liveness starts afresh', async () => {
			const mute = await WsClient.connect(`${sim.helio.wsUrl}?token=${sim.helio.issueToken().access_token}`, { autoPong: false });
			clients.push(mute);
			let pings = 0;
			mute.ws.on('ping', () => (pings += 1));
			sim.helio.faults.silence(true);
			clock.advance(5000);
			sim.helio.faults.silence(false);
			await barrier(mute);
			expect(pings).toBe(0);
			expect(sim.helio.openSockets()).toBe(1);
			// Back to normal: one ping, then the drop for not answering it.
			const pinged = new Promise<void>((resolve) => mute.ws.once('ping', () => resolve()));
			clock.advance(1000);
			await pinged;
			clock.advance(1000);
			expect((await mute.closed).code).toBe(1006);
		});
	});
});
