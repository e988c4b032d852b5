import { startSimulator, type VenueSimulator } from '../src';
import { ISO_TIMESTAMP, WsClient } from './helpers';

const OTHER_KEY = 'api_live_sim_other000000000000';
const OTHER = { userId: 'did:privy:cmother0000000000000000001', mmId: 'mm_other_0002' };

describe('Totalis WebSocket', () => {
	let sim: VenueSimulator;
	const clients: WsClient[] = [];
	const connect = async (key?: string): Promise<WsClient> => {
		const client = await WsClient.authenticated(sim.totalis, key);
		clients.push(client);
		return client;
	};
	const connectRaw = async (): Promise<WsClient> => {
		const client = await WsClient.connect(sim.totalis.wsUrl);
		clients.push(client);
		return client;
	};

	beforeEach(async () => {
		sim = await startSimulator({ totalis: { keys: { [OTHER_KEY]: OTHER }, authTimeoutMs: 300 } });
	});

	afterEach(async () => {
		await Promise.all(clients.splice(0).map((c) => c.close()));
		await sim.close();
	});

	describe('auth', () => {
		it('answers auth:success with the user id of the key', async () => {
			const client = await connectRaw();
			const auth = sim.totalis.waitFor('ws:auth');
			client.send({ type: 'auth', api_key: sim.totalis.apiKey });
			expect(await client.next()).toEqual({ type: 'auth:success', user_id: sim.totalis.userId, user_type: 'user' });
			expect(await auth).toMatchObject({ ok: true, userId: sim.totalis.userId });
		});

		it('answers auth:error for a wrong key, then closes the socket', async () => {
			const client = await connectRaw();
			client.send({ type: 'auth', api_key: 'api_live_wrong' });
			expect(await client.next()).toEqual({ type: 'auth:error', message: 'Invalid API key' });
			expect((await client.closed).code).toBe(1008);
		});

		it('closes a socket that does not authenticate in time', async () => {
			const client = await connectRaw();
			expect(await client.next('auth:error')).toEqual({ type: 'auth:error', message: 'Authentication timeout' });
			await client.closed;
		});

		it('refuses subscriptions before auth and a second auth', async () => {
			const client = await connectRaw();
			client.send({ type: 'subscribe', channel: `mm:quotes:${sim.totalis.userId}` });
			expect(await client.next()).toEqual({ type: 'error', message: 'Not authenticated' });
			client.send({ type: 'auth', api_key: sim.totalis.apiKey });
			await client.next('auth:success');
			client.send({ type: 'auth', api_key: sim.totalis.apiKey });
			expect(await client.next()).toEqual({ type: 'error', message: 'Already authenticated' });
		});
	});

	describe('channels', () => {
		it('subscribes to mm:quotes by user_id or mm_id, and acks with subscribed', async () => {
			const client = await connect();
			const seen = sim.totalis.waitFor('ws:subscribe');
			client.send({ type: 'subscribe', channel: `mm:quotes:${sim.totalis.userId}` });
			expect(await client.next()).toEqual({ type: 'subscribed', channel: `mm:quotes:${sim.totalis.userId}` });
			expect((await seen).channel).toBe(`mm:quotes:${sim.totalis.userId}`);
			client.send({ type: 'subscribe', channel: `mm:quotes:${sim.totalis.mmId}` });
			expect(await client.next()).toEqual({ type: 'subscribed', channel: `mm:quotes:${sim.totalis.mmId}` });
		});

		it("refuses someone else's mm:quotes channel and unknown channels", async () => {
			const client = await connect();
			client.send({ type: 'subscribe', channel: `mm:quotes:${OTHER.mmId}` });
			expect(await client.next()).toEqual({ type: 'error', message: `Not authorized for channel mm:quotes:${OTHER.mmId}` });
			client.send({ type: 'subscribe', channel: 'prices:BTC' });
			expect(await client.next()).toEqual({ type: 'error', message: 'Unknown channel: prices:BTC' });
			client.send({ type: 'subscribe', channel: 'rfq:' });
			expect((await client.next()).type).toBe('error');
		});

		it('delivers an event to the subscribed socket only, once even when both id forms are subscribed', async () => {
			const mine = await connect();
			const bothForms = await connect();
			const other = await connect(OTHER_KEY);
			await mine.subscribe(`mm:quotes:${sim.totalis.userId}`);
			await bothForms.subscribe(`mm:quotes:${sim.totalis.userId}`);
			await bothForms.subscribe(`mm:quotes:${sim.totalis.mmId}`);
			await other.subscribe(`mm:quotes:${OTHER.userId}`);

			const data = { quote_id: 'q-1', rfq_id: 'r-1', confirmation_deadline: '2026-06-05T12:00:05.000Z' };
			expect(sim.totalis.publish(`mm:quotes:${sim.totalis.mmId}`, 'quote:accepted', data)).toBe(2);
			expect(await mine.next('quote:accepted')).toEqual({ type: 'quote:accepted', data });
			expect(await bothForms.next('quote:accepted')).toEqual({ type: 'quote:accepted', data });
			await bothForms.barrier();
			await other.barrier();
			expect(bothForms.pendingOf('quote:accepted')).toHaveLength(0);
			expect(other.pendingOf('quote:accepted')).toHaveLength(0);
		});

		it('routes rfq:<id> channels and stops after unsubscribe', async () => {
			const client = await connect();
			await client.subscribe('rfq:abc');
			const data = { rfq_id: 'abc', position_pda: 'Pda111', timestamp: new Date().toISOString() };
			expect(sim.totalis.publish('rfq:abc', 'position:created', data)).toBe(1);
			expect(await client.next('position:created')).toEqual({ type: 'position:created', data });
			client.send({ type: 'unsubscribe', channel: 'rfq:abc' });
			expect(await client.next()).toEqual({ type: 'unsubscribed', channel: 'rfq:abc' });
			expect(sim.totalis.publish('rfq:abc', 'position:created', data)).toBe(0);
		});
	});

	describe('keep-alive and bad input', () => {
		it('answers an app ping with pong and an ISO timestamp', async () => {
			const client = await connect();
			client.send({ type: 'ping' });
			const pong = await client.next();
			expect(pong).toEqual({ type: 'pong', timestamp: expect.stringMatching(ISO_TIMESTAMP) });
		});

		it('answers protocol pings', async () => {
			const client = await connect();
			const pong = new Promise<Buffer>((resolve) => client.ws.once('pong', resolve));
			const seen = sim.totalis.waitFor('ws:protocol-ping');
			client.ws.ping('hello');
			expect((await pong).toString()).toBe('hello');
			expect((await seen).answered).toBe(true);
		});

		it.each([
			['not JSON', '{nope', 'Malformed message: not valid JSON'],
			['no type', '{"channel":"x"}', 'Malformed message: expected an object with a string "type"'],
			['an array', '[1,2]', 'Malformed message: expected an object with a string "type"'],
			['an unknown type', '{"type":"teleport"}', 'Unknown message type: teleport'],
			['a prototype key as type', '{"type":"constructor"}', 'Unknown message type: constructor'],
			['a subscribe without channel', '{"type":"subscribe"}', 'Invalid subscribe message: channel: Required'],
			['an auth with a numeric key', '{"type":"auth","api_key":5}', 'Invalid auth message: api_key: Expected string, received number'],
		])('answers %s with an error and stays open', async (_label, frame, message) => {
			const client = await connect();
			const seen = sim.totalis.waitFor('ws:message');
			client.send(frame);
			expect(await client.next()).toEqual({ type: 'error', message });
			expect((await seen).raw).toBe(frame);
			await client.barrier();
		});

		it('reports parsed client frames on ws:message', async () => {
			const client = await connect();
			const seen = sim.totalis.waitFor('ws:message', (m) => (m.message as { type?: string })?.type === 'ping');
			client.send({ type: 'ping' });
			expect((await seen).message).toEqual({ type: 'ping' });
		});

		it('counts open sockets and reports closes', async () => {
			const a = await connect();
			await connect();
			expect(sim.totalis.openSockets()).toBe(2);
			const closed = sim.totalis.waitFor('ws:close');
			await a.close();
			expect((await closed).code).toBe(1005);
			expect(sim.totalis.openSockets()).toBe(1);
		});
	});
});
