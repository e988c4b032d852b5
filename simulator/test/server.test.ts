import { request as httpRequest } from 'node:http';
import WebSocket from 'ws';
import { startSimulator, type VenueSimulator } from '../src';
import { SseClient, WsClient, rest } from './helpers';

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
});
