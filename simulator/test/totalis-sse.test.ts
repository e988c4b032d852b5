import { startSimulator, type VenueSimulator } from '../src';
import { SseClient, rest, submitQuote } from './helpers';

describe('Totalis quote-request SSE stream', () => {
	let sim: VenueSimulator;
	const streams: SseClient[] = [];
	const open = async (headers: Record<string, string> = { 'X-API-Key': sim.totalis.apiKey }): Promise<SseClient> => {
		const stream = await SseClient.open(sim.totalis.sseUrl, headers);
		streams.push(stream);
		return stream;
	};

	beforeEach(async () => {
		sim = await startSimulator({ totalis: { seed: 7, sseKeepaliveMs: 60_000 } });
	});

	afterEach(async () => {
		await Promise.all(streams.splice(0).map((s) => s.close()));
		await sim.close();
	});

	it('starts with connected, snapshot_begin, one quote_request per active request, snapshot_complete', async () => {
		const first = sim.totalis.createQuoteRequest();
		const second = sim.totalis.createQuoteRequest();
		const closed = sim.totalis.createQuoteRequest();
		sim.totalis.removeQuoteRequest(closed.id, 'cancelled');

		const stream = await open();
		expect(stream.response.statusCode).toBe(200);
		expect(stream.response.headers['content-type']).toBe('text/event-stream');
		expect(stream.response.headers['cache-control']).toBe('no-cache');

		const events = [];
		for (let i = 0; i < 5; i++) events.push(await stream.next());
		expect(events.map((e) => e.event)).toEqual(['connected', 'snapshot_begin', 'quote_request', 'quote_request', 'snapshot_complete']);
		expect(events.map((e) => Number(e.id))).toEqual([1, 2, 3, 4, 5]);
		expect(events[0].json).toEqual({ mm_id: sim.totalis.mmId, server_time: expect.any(String) });
		expect(events[1].json).toEqual({ count: 2 });
		expect(events[2].json).toEqual(first);
		expect(events[3].json).toEqual(second);
		expect(Object.keys(events[2].json as object)).toEqual([
			'id',
			'version',
			'request_hash',
			'book_seq',
			'status',
			'bet_amount',
			'legs',
			'input_legs',
			'expires_at',
		]);
	});

	it('then streams new, updated and removed requests live', async () => {
		const existing = sim.totalis.createQuoteRequest();
		const stream = await open();
		await stream.skipTo('snapshot_complete');

		const created = sim.totalis.createQuoteRequest();
		const fresh = await stream.next();
		expect(fresh.event).toBe('quote_request');
		expect(fresh.json).toEqual(created);

		const updated = sim.totalis.updateQuoteRequest(existing.id);
		const change = await stream.next();
		expect(change.event).toBe('quote_request:updated');
		expect(change.json).toMatchObject({ id: existing.id, version: 2, request_hash: updated.request_hash, legs: existing.legs });
		expect(updated.request_hash).not.toBe(existing.request_hash);

		sim.totalis.removeQuoteRequest(created.id, 'cancelled');
		const removed = await stream.next();
		expect(removed.event).toBe('quote_request:removed');
		expect(removed.json).toEqual({ id: created.id, reason: 'cancelled' });
		expect(Number(removed.id)).toBeGreaterThan(Number(change.id));
	});

	it('removes a request when it expires, and when the taker commits to a quote', async () => {
		const stream = await open();
		await stream.skipTo('snapshot_complete');
		const shortLived = sim.totalis.createQuoteRequest({ ttlMs: 50 });
		await stream.next('quote_request');
		expect((await stream.next()).json).toEqual({ id: shortLived.id, reason: 'expired' });
		expect(sim.totalis.getQuoteRequest(shortLived.id).quote_request.status).toBe('expired');

		const traded = sim.totalis.createQuoteRequest();
		await stream.next('quote_request');
		const { quote } = await submitQuote(sim.totalis, traded.id, 3);
		sim.totalis.acceptQuote(quote.id);
		expect((await stream.next()).json).toEqual({ id: traded.id, reason: 'committed' });
	});

	it('serves every open stream and counts them', async () => {
		const a = await open();
		const b = await open();
		await a.skipTo('snapshot_complete');
		await b.skipTo('snapshot_complete');
		expect(sim.totalis.openStreams()).toBe(2);
		const created = sim.totalis.createQuoteRequest();
		expect((await a.next('quote_request')).json).toEqual(created);
		expect((await b.next('quote_request')).json).toEqual(created);
		const closed = sim.totalis.waitFor('sse:close');
		await a.close();
		await closed;
		expect(sim.totalis.openStreams()).toBe(1);
	});

	it('answers 401 with the error envelope without a valid key', async () => {
		const stream = await open({});
		expect(stream.response.statusCode).toBe(401);
		expect(JSON.parse(await stream.body())).toEqual({ error: { code: 'UNAUTHORIZED', message: expect.any(String) } });
		const wrong = await rest(sim.totalis, 'GET', '/v1/mm/quote-requests/stream', { key: 'api_live_wrong' });
		expect(wrong.status).toBe(401);
		expect(sim.totalis.openStreams()).toBe(0);
	});
});

describe('Totalis SSE keepalive', () => {
	it('writes a keepalive comment every sseKeepaliveMs', async () => {
		const sim = await startSimulator({ totalis: { sseKeepaliveMs: 40 } });
		const stream = await SseClient.open(sim.totalis.sseUrl, { 'X-API-Key': sim.totalis.apiKey });
		try {
			expect(await stream.comments.next()).toBe('keepalive');
			expect(await stream.comments.next()).toBe('keepalive');
		} finally {
			await stream.close();
			await sim.close();
		}
	});
});
