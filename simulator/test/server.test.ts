import { request as httpRequest } from 'node:http';
import { connect as connectTcp } from 'node:net';
import WebSocket from 'ws';
import { startSimulator, type VenueSimulator } from '../src';
import { SseClient, WsClient, rest } from './helpers';

/** Opens and closes a bare TCP connection to the port; rejects with the socket error (ECONNREFUSED). */
function tcpConnect(port: number): Promise<void> {
	return new Promise((resolve, reject) => {
		const socket = connectTcp(port, '127.0.0.1');
		socket.once('connect', () => {
			socket.destroy();
			resolve();
		});
		socket.once('error', reject);
	});
}

describe('simulator server', () => {
	let sim: VenueSimulator;

	beforeEach(async () => {
		sim = await startSimulator();
	});

	afterEach(async () => {
		await sim.close();
	});

	it('listens on an ephemeral loopback port and mounts Totalis under /totalis', () => {
		expect(sim.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
		const port = new URL(sim.baseUrl).port;
		expect(Number(port)).toBeGreaterThan(0);
		expect(sim.totalis.restUrl).toBe(`${sim.baseUrl}/totalis`);
		expect(sim.totalis.wsUrl).toBe(`ws://127.0.0.1:${port}/totalis/ws`);
		expect(sim.totalis.apiKey).toMatch(/^api_live_/);
		expect(sim.totalis.userId).toMatch(/^did:privy:/);
		expect(sim.totalis.mmId).not.toBe(sim.totalis.userId);
	});

	it('answers 404 outside every venue prefix', async () => {
		const response = await fetch(`${sim.baseUrl}/nowhere/v1/thing`);
		expect(response.status).toBe(404);
		expect(await response.json()).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String) } });
		// A prefix must match a whole path segment.
		expect((await fetch(`${sim.baseUrl}/totalisx/v1/quote-requests/a`)).status).toBe(404);
	});

	it('refuses WebSocket upgrades outside a venue socket path', async () => {
		await expect(WsClient.connect(`${sim.baseUrl.replace('http', 'ws')}/elsewhere/ws`)).rejects.toThrow('upgrade refused: 404');
		await expect(WsClient.connect(`${sim.totalis.restUrl.replace('http', 'ws')}/not-ws`)).rejects.toThrow('upgrade refused: 404');
	});

	it('close() ends sockets and streams, cancels waiters and can be called twice', async () => {
		const client = await WsClient.authenticated(sim.totalis);
		const stream = await SseClient.open(sim.totalis.sseUrl, { 'X-API-Key': sim.totalis.apiKey });
		await stream.skipTo('snapshot_complete');
		expect(sim.totalis.openSockets()).toBe(1);
		expect(sim.totalis.openStreams()).toBe(1);
		const pending = sim.totalis.waitFor('heartbeat', undefined, 10_000);
		await Promise.all([sim.close(), sim.close()]);
		await expect(pending).rejects.toThrow('simulator closed');
		const { code } = await client.closed;
		expect(code).toBe(1006);
		await stream.ended;
		expect(sim.totalis.openSockets()).toBe(0);
		expect(sim.totalis.openStreams()).toBe(0);
		await expect(fetch(`${sim.baseUrl}/totalis/v1/quote-requests/x`)).rejects.toThrow();
		expect(client.ws.readyState).toBe(WebSocket.CLOSED);
	});

	it('keeps serving REST after a client resets a connection', async () => {
		const aborted = sim.totalis.waitFor('rest:request', (r) => r.path.endsWith('/heartbeat'));
		await new Promise<void>((resolve) => {
			const req = httpRequest(`${sim.totalis.restUrl}/v1/mm/heartbeat`, {
				method: 'POST',
				headers: { 'Content-Length': '100', 'X-API-Key': sim.totalis.apiKey },
			});
			req.on('error', () => resolve());
			// Half a body, then a reset once it is on the wire.
			req.write('{"partial":', () => req.destroy());
		});
		expect((await aborted).status).toBe(0);
		const response = await rest(sim.totalis, 'POST', '/v1/mm/heartbeat');
		expect(response.status).toBe(200);
	});

	describe('outage', () => {
		/** One open stream connection per venue, and the Totalis SSE stream. */
		async function connectEveryVenue() {
			const totalis = await WsClient.authenticated(sim.totalis);
			const stream = await SseClient.open(sim.totalis.sseUrl, { 'X-API-Key': sim.totalis.apiKey });
			await stream.skipTo('snapshot_complete');
			const helioToken = sim.helio.issueToken().access_token;
			const helio = await WsClient.connect(`${sim.helio.wsUrl}?token=${helioToken}`);
			const agg = await WsClient.connect(`${sim.agg.wsUrl}?appId=${sim.agg.appId}&token=${sim.agg.accessToken}`);
			await agg.next('connected');
			const openmarkets = await WsClient.connect(`${sim.openmarkets.streamUrl}?api_key=${sim.openmarkets.apiKey}`);
			await openmarkets.next('connected');
			return { totalis, stream, helio, helioToken, agg, openmarkets };
		}

		it('drops every socket and stream, refuses connections, then listens on the same port with every venue as it was', async () => {
			const port = Number(new URL(sim.baseUrl).port);
			const request = sim.totalis.createQuoteRequest();
			const clients = await connectEveryVenue();
			// Four sockets and one stream, each its own TCP connection.
			expect(sim.openConnections()).toBe(5);

			const started = sim.events.waitFor('outage:start');
			const ended = sim.events.waitFor('outage:end');
			const back = sim.outage(300);
			expect(await started).toEqual({ downMs: 300, dropped: 5 });
			for (const client of [clients.totalis, clients.helio, clients.agg, clients.openmarkets]) {
				expect((await client.closed).code).toBe(1006);
			}
			await clients.stream.ended;
			expect([sim.totalis.openSockets(), sim.totalis.openStreams(), sim.helio.openSockets(), sim.agg.openSockets()]).toEqual([0, 0, 0, 0]);
			expect(sim.openmarkets.connectionCount()).toBe(0);
			// Nothing listens: the port refuses, as a restarting venue's would.
			await expect(tcpConnect(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });

			await back;
			expect(await ended).toEqual({ downMs: 300 });
			await tcpConnect(port);
			// The keys, the market and the sessions of before the outage still hold.
			await (await WsClient.authenticated(sim.totalis)).close();
			expect((await rest(sim.totalis, 'GET', `/v1/quote-requests/${request.id}`)).status).toBe(200);
			const helioAccepted = sim.helio.waitFor('ws:connection');
			const helio = await WsClient.connect(`${sim.helio.wsUrl}?token=${clients.helioToken}`);
			expect(await helioAccepted).toMatchObject({ ok: true });
			const agg = await WsClient.connect(`${sim.agg.wsUrl}?appId=${sim.agg.appId}&token=${sim.agg.accessToken}`);
			expect(await agg.next('connected')).toMatchObject({ userId: sim.agg.userId });
			const openmarkets = await WsClient.connect(`${sim.openmarkets.streamUrl}?api_key=${sim.openmarkets.apiKey}`);
			await openmarkets.next('connected');
			await Promise.all([helio.close(), agg.close(), openmarkets.close()]);
		});

		it('reports TCP connections as they come and go, upgraded ones included', async () => {
			const opened = sim.events.waitFor('connection');
			const client = await WsClient.authenticated(sim.totalis);
			expect(await opened).toEqual({ open: 1 });
			expect(sim.openConnections()).toBe(1);
			const gone = sim.events.waitFor('disconnect');
			await client.close();
			expect(await gone).toEqual({ open: 0 });
		});

		it('refuses a second outage while one is under way, and a duration below 0', async () => {
			const back = sim.outage(50);
			await expect(sim.outage(50)).rejects.toThrow('outage: an outage is already under way');
			await back;
			await expect(sim.outage(-1)).rejects.toThrow('outage: downMs must be a number ≥ 0');
			await expect(sim.outage(Number.NaN)).rejects.toThrow('outage: downMs must be a number ≥ 0');
		});

		it('ends with close(): the outage rejects and the port stays free', async () => {
			const port = Number(new URL(sim.baseUrl).port);
			const back = sim.outage(60_000);
			await sim.close();
			await expect(back).rejects.toThrow('outage: the simulator was closed during the outage');
			await expect(tcpConnect(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
			await expect(sim.outage(10)).rejects.toThrow('outage: the simulator is closed');
		});
	});
});
