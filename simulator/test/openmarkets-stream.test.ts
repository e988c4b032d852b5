import type WebSocket from 'ws';
import { ManualClock, startSimulator, type VenueSimulator } from '../src';
import { WsClient } from './helpers';
import { barrier, connectStream, subscribe } from './openmarketsClient';

describe('OpenMarkets stream', () => {
	let sim: VenueSimulator;
	const clients: WsClient[] = [];
	const connect = async (key?: string | null, options?: WebSocket.ClientOptions): Promise<WsClient> => {
		const client = await connectStream(sim, key, options);
		clients.push(client);
		return client;
	};

	afterEach(async () => {
		await Promise.all(clients.splice(0).map((c) => c.close()));
		await sim.close();
	});

	describe('connection', () => {
		let clock: ManualClock;

		beforeEach(async () => {
			clock = new ManualClock();
			sim = await startSimulator({ openmarkets: { clock, seed: 1 } });
		});

		it('greets with the organization, the key id and the server time', async () => {
			expect(sim.openmarkets.streamUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/openmarkets\/flow\/v1\/stream$/);
			expect(sim.openmarkets.restUrl).toBe(`${sim.baseUrl}/openmarkets/flow/v1`);
			expect(sim.openmarkets.apiKey).toMatch(/^om_data_live_sim_/);
			const connected = sim.openmarkets.waitFor('ws:connection');
			const client = await WsClient.connect(`${sim.openmarkets.streamUrl}?api_key=${sim.openmarkets.apiKey}`);
			clients.push(client);
			expect(await client.next()).toEqual({
				type: 'connected',
				organization_id: 'org_sim_0001',
				api_key_id: 'key_sim_0001',
				server_time: new Date(clock.now()).toISOString(),
			});
			expect(await connected).toEqual({ connectionId: 1, apiKeyId: 'key_sim_0001' });
			expect(sim.openmarkets.connectionCount()).toBe(1);
		});

		it('refuses a missing or wrong key with HTTP 401 at the upgrade; X-API-Key works too', async () => {
			const rejected = sim.openmarkets.waitFor('ws:rejected');
			await expect(WsClient.connect(sim.openmarkets.streamUrl)).rejects.toThrow('upgrade refused: 401');
			expect(await rejected).toEqual({ status: 401, reason: 'missing api key' });
			await expect(WsClient.connect(`${sim.openmarkets.streamUrl}?api_key=om_data_live_wrong`)).rejects.toThrow('upgrade refused: 401');
			await connect(null, { headers: { 'X-API-Key': sim.openmarkets.apiKey } });
			expect(sim.openmarkets.connectionCount()).toBe(1);
		});

		it('allows maxConnectionsPerKey sockets per key: one more is refused 429 until one closes', async () => {
			const first = await connect();
			await connect();
			await connect();
			const rejected = sim.openmarkets.waitFor('ws:rejected');
			await expect(WsClient.connect(`${sim.openmarkets.streamUrl}?api_key=${sim.openmarkets.apiKey}`)).rejects.toThrow(
				'upgrade refused: 429',
			);
			expect((await rejected).status).toBe(429);
			const closed = sim.openmarkets.waitFor('ws:closed');
			await first.close();
			expect((await closed).code).toBe(1005);
			await connect();
			expect(sim.openmarkets.connectionCount()).toBe(3);
		});

		it('answers {"action":"ping"} with a pong carrying the server time', async () => {
			const client = await connect();
			const seen = sim.openmarkets.waitFor('ws:ping');
			client.send({ action: 'ping' });
			expect(await client.next()).toEqual({ type: 'pong', server_time: new Date(clock.now()).toISOString() });
			expect(await seen).toEqual({ connectionId: 1, answered: true });
		});

		it('answers bad frames with invalid_message or invalid_channel and keeps the socket', async () => {
			const client = await connect();
			const [contest] = sim.openmarkets.contests();
			client.send('not json');
			expect(await client.next()).toEqual({ type: 'error', code: 'invalid_message', message: 'Malformed message: not valid JSON' });
			client.send([1, 2]);
			expect((await client.next()).code).toBe('invalid_message');
			client.send({ action: 'subscribe', channel: 'orderbook', contest_ids: [contest.id] });
			expect(await client.next()).toEqual({
				type: 'error',
				code: 'invalid_channel',
				message: 'Unknown channel: orderbook (channels: liquidity, contest_state)',
			});
			client.send({ action: 'unsubscribe', contest_ids: [contest.id] });
			expect((await client.next()).code).toBe('invalid_channel');
			client.send({ action: 'subscribe', channel: 'liquidity', contest_ids: 'all' });
			expect(await client.next()).toMatchObject({
				code: 'invalid_message',
				message: expect.stringMatching(/^Invalid subscribe: contest_ids: /),
			});
			client.send({ action: 'subscribe', channel: 'liquidity', contest_ids: [contest.id, 7] });
			expect((await client.next()).message).toMatch(/^Invalid subscribe: contest_ids\.1: /);
			client.send({ action: 'stream-everything' });
			expect(await client.next()).toEqual({ type: 'error', code: 'invalid_message', message: 'Unknown action: stream-everything' });
			expect(sim.openmarkets.subscriptions()).toEqual([{ connectionId: 1, liquidity: [], contest_state: [] }]);
		});

		it('pings every pingIntervalMs and drops a socket that did not answer the previous ping', async () => {
			await sim.close();
			sim = await startSimulator({ openmarkets: { clock, pingIntervalMs: 1000 } });
			const answering = await connect();
			const mute = await connect(sim.openmarkets.apiKey, { autoPong: false });
			const mutePinged = new Promise<void>((resolve) => mute.ws.once('ping', () => resolve()));
			const pong = sim.openmarkets.waitFor('ws:protocol-pong');
			clock.advance(1000);
			await Promise.all([pong, mutePinged]);
			expect(sim.openmarkets.connectionCount()).toBe(2);

			const timeout = sim.openmarkets.waitFor('ws:ping-timeout');
			const secondPong = sim.openmarkets.waitFor('ws:protocol-pong');
			clock.advance(1000);
			expect(await timeout).toEqual({ connectionId: 2 });
			expect((await mute.closed).code).toBe(1006);
			await secondPong;
			expect(sim.openmarkets.connectionCount()).toBe(1);
			await barrier(answering);
		});

		it('answers the protocol pings of clients', async () => {
			const client = await connect();
			const pong = new Promise<void>((resolve) => client.ws.once('pong', () => resolve()));
			client.ws.ping();
			await pong;
		});
	});

	describe('subscriptions and delivery', () => {
		beforeEach(async () => {
			sim = await startSimulator({ openmarkets: { seed: 5 } });
		});

		it('acks the whole list; re-subscribing replaces it; an empty list changes nothing; unsubscribe removes', async () => {
			const client = await connect();
			const [a, b, c] = sim.openmarkets.contests().map((contest) => contest.id);
			const seen = sim.openmarkets.waitFor('ws:subscribe');
			client.send({ action: 'subscribe', channel: 'liquidity', contest_ids: [a, b, a] });
			expect(await client.next()).toEqual({ type: 'subscribed', channel: 'liquidity', contest_ids: [a, b] });
			expect(await seen).toEqual({ connectionId: 1, channel: 'liquidity', contestIds: [a, b], unknown: [] });
			expect(await subscribe(client, 'liquidity', [c])).toEqual([c]);
			expect(await subscribe(client, 'liquidity', [])).toEqual([c]);
			expect(await subscribe(client, 'contest_state', [a, c])).toEqual([a, c]);
			expect(sim.openmarkets.subscriptions()).toEqual([{ connectionId: 1, liquidity: [c], contest_state: [a, c] }]);

			const dropped = sim.openmarkets.waitFor('ws:unsubscribe');
			client.send({ action: 'unsubscribe', channel: 'contest_state', contest_ids: [c, b] });
			expect(await client.next()).toEqual({ type: 'unsubscribed', channel: 'contest_state', contest_ids: [c, b] });
			expect(await dropped).toEqual({ connectionId: 1, channel: 'contest_state', contestIds: [c, b] });
			expect(sim.openmarkets.subscriptions()).toEqual([{ connectionId: 1, liquidity: [c], contest_state: [a] }]);
		});

		it('acks the known ids and names the unknown ones in an unknown_contest error; only unknown ids change nothing', async () => {
			const client = await connect();
			const [a, b] = sim.openmarkets.contests().map((contest) => contest.id);
			client.send({ action: 'subscribe', channel: 'liquidity', contest_ids: [a, 'ct_nope', b] });
			expect(await client.next()).toEqual({ type: 'subscribed', channel: 'liquidity', contest_ids: [a, b] });
			expect(await client.next()).toEqual({
				type: 'error',
				code: 'unknown_contest',
				message: 'Unknown contest ids: ct_nope',
				contest_ids: ['ct_nope'],
			});
			client.send({ action: 'subscribe', channel: 'liquidity', contest_ids: ['ct_gone'] });
			expect(await client.next()).toEqual({ type: 'subscribed', channel: 'liquidity', contest_ids: [a, b] });
			expect((await client.next()).code).toBe('unknown_contest');
		});

		it('sends liquidity.update only to the sockets subscribed to that contest on liquidity, as moveLiquidity returns it', async () => {
			const [first, second] = sim.openmarkets.contests();
			const mine = await connect();
			const other = await connect();
			const stateOnly = await connect();
			await subscribe(mine, 'liquidity', [first.id]);
			await subscribe(other, 'liquidity', [second.id]);
			await subscribe(stateOnly, 'contest_state', [first.id]);

			const before = sim.openmarkets.liquidity(first.id);
			const entry = before.positions[0].partner_liquidities[0];
			const reported = sim.openmarkets.waitFor('liquidity:update');
			const sent = sim.openmarkets.moveLiquidity(first.id, [{ liquidity_hash: entry.liquidity_hash, price: 0.42, available: 1234 }]);
			expect(sent).toEqual({
				type: 'liquidity.update',
				contest_id: first.id,
				changed_entries: [{ liquidity_hash: entry.liquidity_hash, partner_id: entry.partner_id, price: 0.42, available: 1234 }],
				refresh_required: false,
				timestamp: expect.stringMatching(/Z$/),
			});
			expect(await mine.next('liquidity.update')).toEqual(sent);
			expect(await reported).toEqual({ contestId: first.id, message: sent, recipients: 1 });
			await Promise.all([barrier(other), barrier(stateOnly)]);
			expect(other.pendingOf('liquidity.update')).toEqual([]);
			expect(stateOnly.pendingOf('liquidity.update')).toEqual([]);

			const after = sim.openmarkets.liquidity(first.id);
			expect(after.positions[0].partner_liquidities[0]).toMatchObject({ price: 0.42, available: 1234 });
			const prices = after.positions[0].partner_liquidities.map((p) => p.price);
			expect(after.positions[0].consensus_price).toBeCloseTo(prices.reduce((s, p) => s + p, 0) / prices.length, 3);
		});

		it('random moves come from the seed and change the book they name', async () => {
			const [contest] = sim.openmarkets.contests();
			const client = await connect();
			await subscribe(client, 'liquidity', [contest.id]);
			const sent = sim.openmarkets.moveLiquidity(contest.id);
			expect(sent.changed_entries.length).toBeGreaterThanOrEqual(1);
			expect(sent.changed_entries.length).toBeLessThanOrEqual(3);
			expect(await client.next('liquidity.update')).toEqual(sent);
			const entries = new Map(
				sim.openmarkets
					.liquidity(contest.id)
					.positions.flatMap((p) => p.partner_liquidities)
					.map((e) => [e.liquidity_hash, e]),
			);
			for (const change of sent.changed_entries) {
				expect(entries.get(change.liquidity_hash)).toMatchObject({
					partner_id: change.partner_id,
					price: change.price,
					available: change.available,
				});
				expect(change.price).toBeGreaterThan(0);
				expect(change.price).toBeLessThan(1);
			}
			expect(() => sim.openmarkets.moveLiquidity(contest.id, [{ liquidity_hash: 'kalshi:nope', price: 0.5 }])).toThrow(
				'unknown liquidity_hash',
			);
			expect(() => sim.openmarkets.moveLiquidity('ct_nope')).toThrow('unknown contest ct_nope');
		});

		it("requireRefresh changes a partner's entries and sends refresh_required with no entries", async () => {
			const [contest] = sim.openmarkets.contests();
			const client = await connect();
			await subscribe(client, 'liquidity', [contest.id]);
			const before = JSON.stringify(sim.openmarkets.liquidity(contest.id));
			const sent = sim.openmarkets.requireRefresh(contest.id);
			expect(sent).toMatchObject({ type: 'liquidity.update', contest_id: contest.id, changed_entries: [], refresh_required: true });
			expect(await client.next('liquidity.update')).toEqual(sent);
			expect(JSON.stringify(sim.openmarkets.liquidity(contest.id))).not.toEqual(before);
		});

		it('setContestStatus sends contest_state.update to the contest_state subscribers only', async () => {
			const contest = sim.openmarkets.contests().find((c) => c.status === 'scheduled')!;
			const watcher = await connect();
			const liquidityOnly = await connect();
			await subscribe(watcher, 'contest_state', [contest.id]);
			await subscribe(liquidityOnly, 'liquidity', [contest.id]);
			const reported = sim.openmarkets.waitFor('contest:state');
			const live = sim.openmarkets.setContestStatus(contest.id, 'live');
			expect(live).toEqual({
				type: 'contest_state.update',
				contest_id: contest.id,
				state: {
					contest_id: contest.id,
					status: 'live',
					period: '1',
					clock: null,
					home_score: 0,
					away_score: 0,
					updated_at: expect.any(String),
				},
				timestamp: expect.any(String),
			});
			expect(await watcher.next('contest_state.update')).toEqual(live);
			expect((await reported).recipients).toBe(1);
			const final = sim.openmarkets.setContestStatus(contest.id, 'final', { home_score: 3, away_score: 1, period: 'FT' });
			expect((await watcher.next('contest_state.update')).state).toEqual(final.state);
			expect(final.state).toMatchObject({ status: 'final', home_score: 3, away_score: 1, period: 'FT' });
			expect(sim.openmarkets.contest(contest.id).status).toBe('final');
			expect(sim.openmarkets.contestState(contest.id)).toEqual(final.state);
			await barrier(liquidityOnly);
			expect(liquidityOnly.pendingOf('contest_state.update')).toEqual([]);
		});

		it('holds at most maxContestsPerConnection contests per socket, both channels together', async () => {
			const contests = sim.openmarkets.addContests(450, { league_id: 'lg_nba' }).map((c) => c.id);
			const client = await connect();
			expect(await subscribe(client, 'liquidity', contests.slice(0, 200))).toHaveLength(200);
			const refused = sim.openmarkets.waitFor('ws:error');
			client.send({ action: 'subscribe', channel: 'liquidity', contest_ids: contests.slice(0, 201) });
			expect(await client.next()).toEqual({
				type: 'error',
				code: 'contest_limit_exceeded',
				message: 'At most 200 contests per connection (this would make 201); the subscription is unchanged',
			});
			expect((await refused).code).toBe('contest_limit_exceeded');
			// The same 200 on the other channel add nothing; one more does.
			expect(await subscribe(client, 'contest_state', contests.slice(100, 200))).toHaveLength(100);
			client.send({ action: 'subscribe', channel: 'contest_state', contest_ids: [contests[300]] });
			expect((await client.next()).code).toBe('contest_limit_exceeded');
			expect(sim.openmarkets.subscriptions()[0].liquidity).toEqual(contests.slice(0, 200));
			expect(sim.openmarkets.subscriptions()[0].contest_state).toEqual(contests.slice(100, 200));
		});

		it('spreads 450 contests over three sockets, each getting the updates of its own', async () => {
			const contests = sim.openmarkets.addContests(450, { startsInMs: 0 }).map((c) => c.id);
			const sockets = [await connect(), await connect(), await connect()];
			const shares = [contests.slice(0, 200), contests.slice(200, 400), contests.slice(400)];
			for (const [i, socket] of sockets.entries()) expect(await subscribe(socket, 'liquidity', shares[i])).toEqual(shares[i]);
			for (const [i, share] of shares.entries()) {
				const sent = sim.openmarkets.moveLiquidity(share[share.length - 1]);
				expect(await sockets[i].next('liquidity.update')).toEqual(sent);
			}
			await Promise.all(sockets.map((socket) => barrier(socket)));
			expect(sockets.map((socket) => socket.inbox.all.filter((m) => m.type === 'liquidity.update').length)).toEqual([1, 1, 1]);
		});
	});
});
