import { ManualClock, startSimulator, type VenueSimulator } from '../src';
import { WsClient } from './helpers';
import { barrier, connectStream, getJson, subscribe } from './openmarketsClient';

describe('OpenMarkets faults', () => {
	let sim: VenueSimulator;
	let clock: ManualClock;
	const clients: WsClient[] = [];
	const connect = async (): Promise<WsClient> => {
		const client = await connectStream(sim);
		clients.push(client);
		return client;
	};

	beforeEach(async () => {
		clock = new ManualClock();
		sim = await startSimulator({ openmarkets: { clock, seed: 9, pingIntervalMs: 1000 } });
	});

	afterEach(async () => {
		await Promise.all(clients.splice(0).map((c) => c.close()));
		await sim.close();
	});

	it('dropConnections() terminates every socket; dropConnection(id) one', async () => {
		const [a, b, c] = [await connect(), await connect(), await connect()];
		const closed = sim.openmarkets.waitFor('ws:closed', (e) => e.connectionId === 2);
		expect(sim.openmarkets.faults.dropConnection(2)).toBe(true);
		expect((await b.closed).code).toBe(1006);
		await closed;
		expect(sim.openmarkets.faults.dropConnection(2)).toBe(false);
		expect(sim.openmarkets.connectionCount()).toBe(2);
		expect(sim.openmarkets.faults.dropConnections()).toBe(2);
		expect((await a.closed).code).toBe(1006);
		expect((await c.closed).code).toBe(1006);
	});

	it('silence() sends nothing (no acks, updates, pongs or pings) and drops nobody; resume() brings traffic back', async () => {
		const client = await connect();
		const [contest] = sim.openmarkets.contests();
		await subscribe(client, 'liquidity', [contest.id]);
		const pinged = new Promise<void>((resolve) => client.ws.once('ping', () => resolve()));
		sim.openmarkets.faults.silence();
		expect(sim.openmarkets.faults.silenced).toBe(true);
		client.send({ action: 'ping' });
		expect(await sim.openmarkets.waitFor('ws:ping')).toEqual({ connectionId: 1, answered: false });
		const subscribed = sim.openmarkets.waitFor('ws:subscribe');
		client.send({ action: 'subscribe', channel: 'contest_state', contest_ids: [contest.id] });
		await subscribed;
		expect(sim.openmarkets.moveLiquidity(contest.id).type).toBe('liquidity.update');
		clock.advance(5000);
		let pings = 0;
		client.ws.on('ping', () => (pings += 1));
		expect(sim.openmarkets.connectionCount()).toBe(1);

		sim.openmarkets.faults.resume();
		await barrier(client);
		expect(client.pendingOf('pong', 'liquidity.update', 'subscribed')).toEqual([]);
		expect(pings).toBe(0);
		const sent = sim.openmarkets.moveLiquidity(contest.id);
		expect(await client.next('liquidity.update')).toEqual(sent);
		clock.advance(1000);
		await pinged;
		expect(sim.openmarkets.connectionCount()).toBe(1);
	});

	it('skipPongs() leaves {"action":"ping"} unanswered while updates still flow', async () => {
		const client = await connect();
		const [contest] = sim.openmarkets.contests();
		await subscribe(client, 'liquidity', [contest.id]);
		sim.openmarkets.faults.skipPongs();
		client.send({ action: 'ping' });
		expect((await sim.openmarkets.waitFor('ws:ping')).answered).toBe(false);
		const sent = sim.openmarkets.moveLiquidity(contest.id);
		expect(await client.next('liquidity.update')).toEqual(sent);
		await barrier(client);
		expect(client.pendingOf('pong')).toEqual([]);
		sim.openmarkets.faults.skipPongs(false);
		client.send({ action: 'ping' });
		await client.next('pong');
	});

	it('revokeKey() closes open sockets 1008 and refuses the key on upgrade and REST; restoreKey() undoes it', async () => {
		const client = await connect();
		expect(sim.openmarkets.faults.revokeKey()).toBe(1);
		expect(await client.closed).toEqual({ code: 1008, reason: 'api key revoked' });
		await expect(WsClient.connect(`${sim.openmarkets.streamUrl}?api_key=${sim.openmarkets.apiKey}`)).rejects.toThrow(
			'upgrade refused: 401',
		);
		expect((await getJson(sim, '/leagues')).status).toBe(401);
		sim.openmarkets.faults.restoreKey();
		expect((await getJson(sim, '/leagues')).status).toBe(200);
		await connect();
	});

	it('refuseAuth(ms) refuses the key on upgrade and REST for that long, then accepts it again; open sockets stay', async () => {
		const open = await connect();
		sim.openmarkets.faults.refuseAuth(4000);
		expect(sim.openmarkets.faults.refusingAuth).toBe(true);
		const rejected = sim.openmarkets.waitFor('ws:rejected');
		await expect(WsClient.connect(`${sim.openmarkets.streamUrl}?api_key=${sim.openmarkets.apiKey}`)).rejects.toThrow(
			'upgrade refused: 401',
		);
		expect((await rejected).status).toBe(401);
		expect((await getJson(sim, '/leagues')).status).toBe(401);
		await barrier(open);
		clock.advance(4000);
		expect(sim.openmarkets.faults.refusingAuth).toBe(false);
		expect((await getJson(sim, '/leagues')).status).toBe(200);
		await connect();
		sim.openmarkets.faults.refuseAuth(4000);
		sim.openmarkets.faults.reset();
		expect(sim.openmarkets.faults.refusingAuth).toBe(false);
	});

	it('sends malformed frames, errors and any raw frame to every open socket', async () => {
		const [a, b] = [await connect(), await connect()];
		expect(sim.openmarkets.faults.sendMalformed('invalid-json')).toBe(2);
		expect((await a.next('(unparseable)')).raw).toBe('{"type":"liquidity.update","contest_id":');
		sim.openmarkets.faults.sendMalformed('schema');
		expect((await b.next('liquidity.update')).contest_id).toBe(42);
		sim.openmarkets.faults.sendMalformed('oversized');
		expect((await a.next('liquidity.update', (m) => m.contest_id === 'ct_oversized')).padding).toHaveLength(2 * 1024 * 1024);
		sim.openmarkets.faults.sendError('internal_error', 'try later');
		expect(await b.next('error')).toEqual({ type: 'error', code: 'internal_error', message: 'try later' });
		sim.openmarkets.faults.sendRaw({ type: 'opportunity.update', contest_id: 'ct_x' });
		expect((await a.next('opportunity.update')).contest_id).toBe('ct_x');
	});

	it('reset() ends silence and skipped pongs, restores the key and forgets REST faults', async () => {
		const { faults } = sim.openmarkets;
		faults.silence();
		faults.skipPongs();
		faults.revokeKey();
		faults.failRest({ status: 500 });
		expect(faults.pendingRestFaults()).toBe(1);
		faults.reset();
		expect(faults.silenced).toBe(false);
		expect(faults.pendingRestFaults()).toBe(0);
		expect((await getJson(sim, '/leagues')).status).toBe(200);
		const client = await connect();
		client.send({ action: 'ping' });
		await client.next('pong');
	});

	it('autoplay moves liquidity on the clock without being driven', async () => {
		await sim.close();
		sim = await startSimulator({ openmarkets: { clock, seed: 3, contests: 4, autoplay: { intervalMs: 100 } } });
		expect(sim.openmarkets.autoplaying).toBe(true);
		const client = await connect();
		await subscribe(
			client,
			'liquidity',
			sim.openmarkets.contests().map((c) => c.id),
		);
		const moved = sim.openmarkets.waitFor('liquidity:update');
		clock.advance(100);
		const { message } = await moved;
		expect(await client.next('liquidity.update')).toEqual(message);
		sim.openmarkets.stopAutoplay();
		expect(sim.openmarkets.autoplaying).toBe(false);
		clock.advance(1000);
		await barrier(client);
		expect(client.pendingOf('liquidity.update')).toEqual([]);
	});
});
