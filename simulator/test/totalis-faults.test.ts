import { ManualClock, startSimulator, type VenueSimulator } from '../src';
import { request } from 'node:http';
import { SseClient, WsClient, rest, submitQuote, waitUntil } from './helpers';

/** A request whose answer is kept as it arrives (or, `paused`, not read at all) until `close()`. */
function openRaw(
	url: string,
	method: string,
	headers: Record<string, string>,
	paused = false,
): Promise<{ status: number; headers: Record<string, unknown>; bodyOnceAtLeast: (bytes: number) => Promise<string>; close: () => void }> {
	return new Promise((resolve, reject) => {
		const req = request(url, { method, headers });
		req.on('error', () => undefined);
		req.on('response', (res) => {
			let body = '';
			const waiters: Array<{ bytes: number; resolve: (body: string) => void }> = [];
			const settleWaiters = (): void => {
				for (const waiter of waiters.filter(({ bytes }) => body.length >= bytes)) {
					waiters.splice(waiters.indexOf(waiter), 1);
					waiter.resolve(body);
				}
			};
			res.on('error', () => undefined);
			if (!paused) {
				res.setEncoding('utf8');
				res.on('data', (chunk: string) => {
					body += chunk;
					settleWaiters();
				});
			}
			resolve({
				status: res.statusCode ?? 0,
				headers: res.headers,
				// The body so far, once this many bytes of it arrived (the test's own timeout bounds the wait).
				bodyOnceAtLeast: (bytes) =>
					new Promise((resolveBody) => {
						waiters.push({ bytes, resolve: resolveBody });
						settleWaiters();
					}),
				close: () => req.destroy(),
			});
		});
		req.once('error', reject);
		req.end();
	});
}

describe('Totalis faults', () => {
	let sim: VenueSimulator;
	const clients: WsClient[] = [];
	const streams: SseClient[] = [];
	const connect = async (): Promise<WsClient> => {
		const client = await WsClient.authenticated(sim.totalis);
		clients.push(client);
		return client;
	};
	const openStream = async (): Promise<SseClient> => {
		const stream = await SseClient.open(sim.totalis.sseUrl, { 'X-API-Key': sim.totalis.apiKey });
		streams.push(stream);
		await stream.skipTo('snapshot_complete');
		return stream;
	};

	beforeEach(async () => {
		sim = await startSimulator({ totalis: { seed: 3, sseKeepaliveMs: 60_000 } });
	});

	afterEach(async () => {
		await Promise.all(clients.splice(0).map((c) => c.close()));
		await Promise.all(streams.splice(0).map((s) => s.close()));
		await sim.close();
	});

	it('dropConnections() terminates every socket and stream; new connections still work', async () => {
		const a = await connect();
		const b = await connect();
		const stream = await openStream();
		expect(sim.totalis.faults.dropConnections()).toEqual({ sockets: 2, streams: 1 });
		expect((await a.closed).code).toBe(1006);
		expect((await b.closed).code).toBe(1006);
		await stream.ended;
		const again = await connect();
		await again.barrier();
		expect(sim.totalis.openSockets()).toBe(1);
	});

	it('silence() keeps sockets open but sends nothing and answers no ping, until switched off', async () => {
		const client = await connect();
		await client.subscribe(`mm:quotes:${sim.totalis.mmId}`);
		const stream = await openStream();

		sim.totalis.faults.silence(true);
		expect(sim.totalis.faults.silenced).toBe(true);
		const unansweredAppPing = sim.totalis.waitFor('ws:message', (m) => (m.message as { type?: string })?.type === 'ping');
		client.send({ type: 'ping' });
		await unansweredAppPing;
		const unansweredProtocolPing = sim.totalis.waitFor('ws:protocol-ping');
		client.ws.ping();
		expect((await unansweredProtocolPing).answered).toBe(false);
		expect(sim.totalis.publish(`mm:quotes:${sim.totalis.mmId}`, 'quote:withdrawn', { quote_id: 'q', rfq_id: 'r' })).toBe(0);
		sim.totalis.createQuoteRequest();
		expect(sim.totalis.openSockets()).toBe(1);
		expect(sim.totalis.openStreams()).toBe(1);

		sim.totalis.faults.silence(false);
		const answered = sim.totalis.waitFor('ws:protocol-ping');
		const pong = new Promise((resolve) => client.ws.once('pong', resolve));
		client.ws.ping();
		await pong;
		expect((await answered).answered).toBe(true);
		expect(client.pongs).toBe(1);
		// One pong only: the ping sent while silenced was never answered, nor the event delivered.
		await client.barrier();
		expect(client.pendingOf('pong', 'quote:withdrawn')).toHaveLength(0);
		expect(client.inbox.all.filter((m) => m.type === 'pong')).toHaveLength(1);
		// The SSE stream missed the request created while silenced; the next one arrives.
		const next = sim.totalis.createQuoteRequest();
		expect((await stream.next()).json).toEqual(next);
	});

	it('rejectAuth() answers every auth with auth:error', async () => {
		sim.totalis.faults.rejectAuth(true);
		const client = await WsClient.connect(sim.totalis.wsUrl);
		clients.push(client);
		const seen = sim.totalis.waitFor('ws:auth');
		client.send({ type: 'auth', api_key: sim.totalis.apiKey });
		expect(await client.next()).toEqual({ type: 'auth:error', message: 'Invalid API key' });
		expect((await seen).ok).toBe(false);
		await client.closed;
		sim.totalis.faults.rejectAuth(false);
		await connect();
	});

	it('refuseAuth(ms) refuses WebSocket auth, the SSE stream and REST for that long, then accepts again; open sockets stay', async () => {
		const clock = new ManualClock();
		await sim.close();
		sim = await startSimulator({ totalis: { clock, seed: 3 } });
		const open = await connect();
		sim.totalis.faults.refuseAuth(5000);
		expect(sim.totalis.faults.refusingAuth).toBe(true);

		const client = await WsClient.connect(sim.totalis.wsUrl);
		clients.push(client);
		const seen = sim.totalis.waitFor('ws:auth');
		client.send({ type: 'auth', api_key: sim.totalis.apiKey });
		expect(await client.next()).toEqual({ type: 'auth:error', message: 'Invalid API key' });
		expect(await seen).toMatchObject({ ok: false, reason: 'refuseAuth fault' });
		await client.closed;
		const stream = await SseClient.open(sim.totalis.sseUrl, { 'X-API-Key': sim.totalis.apiKey });
		streams.push(stream);
		expect(stream.response.statusCode).toBe(401);
		expect((await rest(sim.totalis, 'POST', '/v1/mm/heartbeat')).status).toBe(401);
		await open.barrier();

		clock.advance(4999);
		expect(sim.totalis.faults.refusingAuth).toBe(true);
		clock.advance(1);
		expect(sim.totalis.faults.refusingAuth).toBe(false);
		await (await connect()).barrier();
		expect((await rest(sim.totalis, 'POST', '/v1/mm/heartbeat')).status).toBe(200);
		await openStream();
	});

	it('sendMalformed("invalid-json") sends a frame that does not parse', async () => {
		const client = await connect();
		expect(sim.totalis.faults.sendMalformed('invalid-json')).toBe(1);
		const frame = await client.next('(unparseable)');
		expect(() => JSON.parse(String(frame.raw))).toThrow();
	});

	it('sendMalformed("schema") sends a known event with wrongly typed fields', async () => {
		const client = await connect();
		sim.totalis.faults.sendMalformed('schema');
		const frame = await client.next('quote:accepted');
		expect(typeof frame.data?.quote_id).toBe('number');
	});

	it('sendMalformed("oversized") sends a ~2 MB frame', async () => {
		const client = await connect();
		sim.totalis.faults.sendMalformed('oversized');
		await client.next('quote:accepted');
		expect(client.rawFrames[client.rawFrames.length - 1].length).toBeGreaterThan(2 * 1024 * 1024);
	});

	it('hugeFrame(bytes) sends one frame of exactly that size to every authenticated socket', async () => {
		const client = await connect();
		expect(sim.totalis.faults.hugeFrame(3 * 1024 * 1024)).toBe(1);
		await client.next('quote:accepted');
		expect(Buffer.byteLength(client.rawFrames[client.rawFrames.length - 1])).toBe(3 * 1024 * 1024);
		expect(() => sim.totalis.faults.hugeFrame(0)).toThrow(/positive integer/);
	});

	it('unterminatedLine(bytes) leaves a data line open on every stream until the next write ends it', async () => {
		const stream = await openStream();
		expect(sim.totalis.faults.unterminatedLine(64 * 1024)).toBe(1);
		const request = sim.totalis.createQuoteRequest();
		// The open line swallows what comes next up to its line end: the request's event line.
		const swallowed = await stream.next();
		expect(swallowed.event).toBe('quote_request');
		const [open, next] = swallowed.data.split('\n');
		expect(open).toBe(`${'x'.repeat(64 * 1024)}event: quote_request`);
		expect(JSON.parse(next)).toEqual(request);
	});

	it('sends malformed data to SSE streams when asked', async () => {
		const stream = await openStream();
		expect(sim.totalis.faults.sendMalformed('invalid-json', { transport: 'sse' })).toBe(1);
		const event = await stream.next();
		expect(event.event).toBe('quote_request');
		expect(event.json).toBeUndefined();
		sim.totalis.faults.sendMalformed('schema', { transport: 'sse' });
		expect(((await stream.next()).json as { version: unknown }).version).toBe('three');
	});

	it('sends malformed frames to authenticated sockets only', async () => {
		const anonymous = await WsClient.connect(sim.totalis.wsUrl);
		clients.push(anonymous);
		const client = await connect();
		expect(sim.totalis.faults.sendMalformed('schema')).toBe(1);
		await client.next('quote:accepted');
		await anonymous.barrier();
		expect(anonymous.pendingOf('quote:accepted')).toHaveLength(0);
	});

	it('sendUnknownEvent() sends an event type no client knows, with data', async () => {
		const client = await connect();
		const stream = await openStream();
		expect(sim.totalis.faults.sendUnknownEvent({ transport: 'all' })).toBe(2);
		const frame = await client.next('quote:future_thing');
		expect(frame.data).toEqual(expect.objectContaining({ quote_id: expect.any(String) }));
		expect((await stream.next()).event).toBe('quote_request:future_thing');
	});

	it('failRest() answers the next matching calls with 503 SERVICE_UNAVAILABLE, then serves normally', async () => {
		const request = sim.totalis.createQuoteRequest();
		const { quote } = await submitQuote(sim.totalis, request.id, 3);
		const acceptance = sim.totalis.acceptQuote(quote.id);
		sim.totalis.faults.failRest({ method: 'POST', pathPrefix: '/mm/quotes', status: 503, times: 2, retryAfterSeconds: 1 });
		expect(sim.totalis.faults.pendingRestFaults()).toBe(2);
		// A non-matching call is untouched.
		expect((await rest(sim.totalis, 'POST', '/v1/mm/heartbeat')).status).toBe(200);
		for (let i = 0; i < 2; i++) {
			const refused = await rest(sim.totalis, 'POST', `/mm/quotes/${acceptance.quoteId}/confirm`);
			expect(refused.status).toBe(503);
			expect(refused.body.error).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retry_after: 1 });
			expect(refused.headers.get('retry-after')).toBe('1');
		}
		expect((await rest(sim.totalis, 'POST', `/mm/quotes/${acceptance.quoteId}/confirm`)).status).toBe(200);
	});

	it('failRest() can answer 429 with retry_after, matching the full path too', async () => {
		sim.totalis.faults.failRest({ pathPrefix: '/totalis/v1/mm/heartbeat', status: 429, times: 1, retryAfterSeconds: 7 });
		const limited = await rest(sim.totalis, 'POST', '/v1/mm/heartbeat');
		expect(limited.status).toBe(429);
		expect(limited.body.error).toMatchObject({ code: 'RATE_LIMITED', retry_after: 7 });
		expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
		expect(limited.headers.get('x-ratelimit-limit')).toBe('300');
		expect(limited.headers.get('retry-after')).toBe('7');
		expect((await rest(sim.totalis, 'POST', '/v1/mm/heartbeat')).status).toBe(200);
	});

	it('failRest() answers carry the X-RateLimit-* headers, and a rule can set its own', async () => {
		sim.totalis.faults.failRest({ method: 'POST', pathPrefix: '/mm/quotes', status: 503 });
		const plain = await rest(sim.totalis, 'POST', '/mm/quotes/q-any/confirm');
		expect(plain.status).toBe(503);
		expect(plain.headers.get('x-ratelimit-limit')).toBe('300');
		expect(Number(plain.headers.get('x-ratelimit-reset'))).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000));
		const farReset = String(Math.ceil(Date.now() / 1000) + 3600);
		sim.totalis.faults.failRest({ method: 'POST', pathPrefix: '/mm/quotes', status: 503, headers: { 'X-RateLimit-Reset': farReset } });
		const pinned = await rest(sim.totalis, 'POST', '/mm/quotes/q-any/confirm');
		expect(pinned.status).toBe(503);
		expect(pinned.headers.get('x-ratelimit-reset')).toBe(farReset);
	});

	it('holdHeartbeats() counts each heartbeat on arrival and answers it only after the hold', async () => {
		// On a hand-driven clock: the hold is measured in the simulator's time, not in how long a
		// loaded machine takes to carry the call.
		const clock = new ManualClock();
		await sim.close();
		sim = await startSimulator({ totalis: { clock, seed: 3 } });
		const reports: Array<{ status: number; receivedAt: number }> = [];
		sim.totalis.events.on('rest:request', ({ status, receivedAt }) => reports.push({ status, receivedAt }));
		sim.totalis.faults.holdHeartbeats(300);
		const arrival = clock.now();
		const answer = rest(sim.totalis, 'POST', '/v1/mm/heartbeat');
		await sim.totalis.waitFor('heartbeat');
		expect(sim.totalis.lastHeartbeat()).toBeInstanceOf(Date);
		clock.advance(299);
		expect(reports).toEqual([]);
		const answered = sim.totalis.waitFor('rest:request');
		clock.advance(1);
		expect((await answer).status).toBe(200);
		// Reported once answered, 300 ms later, but stamped with its arrival.
		expect(await answered).toMatchObject({ status: 200, receivedAt: arrival });

		// Without a hold the heartbeat is answered while the clock stands still.
		sim.totalis.faults.holdHeartbeats(0);
		expect((await rest(sim.totalis, 'POST', '/v1/mm/heartbeat')).status).toBe(200);
		expect(() => sim.totalis.faults.holdHeartbeats(-1)).toThrow(/ms/);
	});

	it('failRest() with only delayMs delays the call, then serves it', async () => {
		sim.totalis.faults.failRest({ method: 'GET', delayMs: 80 });
		const { id } = sim.totalis.createQuoteRequest();
		const started = Date.now();
		const response = await rest(sim.totalis, 'GET', `/v1/quote-requests/${id}`);
		expect(response.status).toBe(200);
		expect(Date.now() - started).toBeGreaterThanOrEqual(70);
	});

	it('failRest({hold}) never answers; the call is reported with status 0 once the client leaves', async () => {
		sim.totalis.faults.failRest({ method: 'POST', pathPrefix: '/v1/mm/heartbeat', hold: true });
		const leave = new AbortController();
		const call = fetch(`${sim.totalis.restUrl}/v1/mm/heartbeat`, {
			method: 'POST',
			headers: { 'X-API-Key': sim.totalis.apiKey },
			signal: leave.signal,
		});
		let outcome: 'answered' | 'left' | undefined;
		const settled = call.then(
			() => (outcome = 'answered'),
			() => (outcome = 'left'),
		);
		// The held call arrived (its rule is used up); a heartbeat sent after it is answered, it is not.
		await waitUntil(() => sim.totalis.faults.pendingRestFaults() === 0);
		expect((await rest(sim.totalis, 'POST', '/v1/mm/heartbeat')).status).toBe(200);
		expect(outcome).toBeUndefined();

		const reported = sim.totalis.waitFor('rest:request', ({ status }) => status === 0);
		leave.abort();
		await settled;
		expect(outcome).toBe('left');
		expect(await reported).toMatchObject({ path: '/totalis/v1/mm/heartbeat', status: 0 });
		expect((await rest(sim.totalis, 'POST', '/v1/mm/heartbeat')).status).toBe(200);
	});

	it('failRest({slowLoris}) sends the headers, then a few bytes per interval without end', async () => {
		// On a hand-driven clock the bytes sent follow the intervals that passed, not how promptly a
		// loaded machine runs the simulator's timers and the client's reads.
		const clock = new ManualClock();
		await sim.close();
		sim = await startSimulator({ totalis: { clock, seed: 3 } });
		sim.totalis.faults.failRest({ pathPrefix: '/v1/mm/heartbeat', slowLoris: { bytesPerInterval: 2, intervalMs: 20 } });
		const answer = await openRaw(`${sim.totalis.restUrl}/v1/mm/heartbeat`, 'POST', { 'X-API-Key': sim.totalis.apiKey });
		expect(answer.status).toBe(200);
		const [dribbled] = sim.totalis.faults.streamedAnswers();
		expect(dribbled).toMatchObject({ kind: 'slowLoris', path: '/totalis/v1/mm/heartbeat', bytesWritten: 0 });

		clock.advance(19);
		expect(dribbled.bytesWritten).toBe(0);
		clock.advance(1);
		expect(dribbled.bytesWritten).toBe(2);
		clock.advance(100);
		expect(dribbled.bytesWritten).toBe(12);
		// JSON whitespace, all of it reaching the client, and no end to the body.
		expect(await answer.bodyOnceAtLeast(12)).toBe(' '.repeat(12));
		expect(dribbled).toMatchObject({ finished: false, closedEarly: false });

		const left = sim.totalis.waitFor('rest:request');
		answer.close();
		expect(await left).toMatchObject({ path: '/totalis/v1/mm/heartbeat', status: 200 });
		expect(dribbled).toMatchObject({ finished: false, closedEarly: true });
		// The client gone, the drip stops.
		clock.advance(1000);
		expect(dribbled.bytesWritten).toBe(12);
	});

	it('failRest({bodyBytes}) answers a JSON body of that size, written only as fast as it is read', async () => {
		sim.totalis.faults.failRest({ pathPrefix: '/v1/mm/heartbeat', bodyBytes: 100_000, declareLength: true });
		const whole = await rest(sim.totalis, 'POST', '/v1/mm/heartbeat');
		expect(whole.headers.get('content-length')).toBe('100000');
		expect(JSON.stringify(whole.body)).toHaveLength(100_000);
		expect(sim.totalis.faults.streamedAnswers()[0]).toMatchObject({
			kind: 'bodyBytes',
			bytesWritten: 100_000,
			finished: true,
			closedEarly: false,
		});

		// A client that reads a little of a large body, then hangs up: the rest is never written.
		sim.totalis.faults.failRest({ pathPrefix: '/v1/mm/heartbeat', bodyBytes: 256 * 1024 * 1024 });
		const { status, headers, close } = await openRaw(
			`${sim.totalis.restUrl}/v1/mm/heartbeat`,
			'POST',
			{ 'X-API-Key': sim.totalis.apiKey },
			true,
		);
		expect(status).toBe(200);
		expect(headers['content-length']).toBeUndefined();
		close();
		await waitUntil(() => sim.totalis.faults.streamedAnswers()[1]?.closedEarly === true);
		expect(sim.totalis.faults.streamedAnswers()[1].bytesWritten).toBeLessThan(64 * 1024 * 1024);
	});

	it('failRest({status, messageBytes}) answers the error envelope with a message of that length', async () => {
		sim.totalis.faults.failRest({ pathPrefix: '/v1/mm/heartbeat', status: 400, messageBytes: 50_000 });
		const refused = await rest(sim.totalis, 'POST', '/v1/mm/heartbeat');
		expect(refused.status).toBe(400);
		expect(refused.body.error.message).toHaveLength(50_000);
		expect(refused.body.error.message).toMatch(/^Injected fault: a 50000-character message\. m+$/);
	});

	it('failRest() refuses a rule that would do nothing', () => {
		expect(() => sim.totalis.faults.failRest({ pathPrefix: '/x' })).toThrow(/status, a delayMs/);
		expect(() => sim.totalis.faults.failRest({ status: 500, times: 0 })).toThrow(/times/);
	});

	it('raceNextQuote() moves the request on as its next quote arrives: 409 version_mismatch, then the new version quotes', async () => {
		const stream = await openStream();
		const request = sim.totalis.createQuoteRequest();
		sim.totalis.faults.raceNextQuote(request.id);
		const body = { request_version: request.version, request_hash: request.request_hash, payout_odds: 3, expires_in_ms: 10_000 };
		const raced = await rest(sim.totalis, 'PUT', `/v1/mm/quote-requests/${request.id}/quote`, { body });
		expect(raced.status).toBe(409);
		expect(raced.body.error.details).toEqual({ reason: 'version_mismatch', current_version: request.version + 1 });
		const updated = await stream.next('quote_request:updated');
		expect(updated.json).toMatchObject({ id: request.id, version: request.version + 1 });
		// Only the next quote races: the new version quotes.
		const { quote } = await submitQuote(sim.totalis, request.id, 3);
		expect(quote.request_version).toBe(request.version + 1);
	});

	it('reset() switches every fault off', async () => {
		sim.totalis.faults.silence(true);
		sim.totalis.faults.rejectAuth(true);
		sim.totalis.faults.refuseAuth(60_000);
		sim.totalis.faults.failRest({ status: 500, times: 3 });
		sim.totalis.faults.holdHeartbeats(10_000);
		sim.totalis.faults.reset();
		expect(sim.totalis.faults.silenced).toBe(false);
		expect(sim.totalis.faults.authRejected).toBe(false);
		expect(sim.totalis.faults.refusingAuth).toBe(false);
		expect(sim.totalis.faults.pendingRestFaults()).toBe(0);
		expect((await rest(sim.totalis, 'POST', '/v1/mm/heartbeat')).status).toBe(200);
		const client = await connect();
		await client.barrier();
	});
});
