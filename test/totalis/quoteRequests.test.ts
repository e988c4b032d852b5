/**
 * The Totalis Trigger's second source: the market maker's quote-request stream (SSE) with its
 * snapshot phase, live requests, removals, and the market-maker heartbeat kept alive beside it.
 */
import { DIALECTS } from 'trading-venues-simulator';
import { allLogText } from '../harness/n8n';
import { MISSING_SCOPE_HINT } from '../../nodes/Totalis/stream/quoteRequestTransport';
import { FAST, REFUSAL, useTotalisEnvironment } from './fixtures';

describe('Totalis Trigger (quote-request stream)', () => {
	const env = useTotalisEnvironment();
	const source = { source: 'quoteRequests', mmHeartbeatMs: 150 };

	it('delivers the snapshot, then new and updated requests, marked as such', async () => {
		const first = env.sim.totalis.createQuoteRequest();
		const second = env.sim.totalis.createQuoteRequest();
		const trigger = await env.start(source);
		const snapshot = await trigger.waitForItems(2);
		expect(snapshot.map((item) => [item.json.event, (item.json.data as { id: string }).id, item.json.snapshot])).toEqual([
			['quote_request', first.id, true],
			['quote_request', second.id, true],
		]);
		expect(snapshot[0].json).toMatchObject({ venue: 'totalis', source: 'quoteRequestStream', gap: null });
		expect(snapshot[0].json.data).toMatchObject({ version: first.version, request_hash: first.request_hash, legs: expect.any(Array) });

		const live = env.sim.totalis.createQuoteRequest();
		const updated = env.sim.totalis.updateQuoteRequest(first.id);
		const items = await trigger.waitForItems(4);
		expect(items.slice(2).map((item) => [item.json.event, (item.json.data as { id: string }).id, item.json.snapshot])).toEqual([
			['quote_request', live.id, false],
			['quote_request:updated', first.id, false],
		]);
		expect(items[3].json.data).toMatchObject({ version: updated.version, request_hash: updated.request_hash });
		expect(updated.version).toBeGreaterThan(first.version);
		expect(trigger.recorder.emissions[3].deduplicationKey).toBeUndefined();
	});

	it('passes removals (and unknown events) only when chosen, and can leave the snapshot out', async () => {
		const existing = env.sim.totalis.createQuoteRequest();
		const trigger = await env.start({ ...source, requestEvents: ['other'], includeSnapshot: false });
		env.sim.totalis.createQuoteRequest();
		env.sim.totalis.removeQuoteRequest(existing.id, 'cancelled');
		const [item] = await trigger.waitForItems(1);
		expect(item.json).toMatchObject({ event: 'quote_request:removed', data: { id: existing.id, reason: 'cancelled' } });
		expect(trigger.items).toHaveLength(1);
	});

	it('keeps the market-maker heartbeat going while the stream runs, and stops it on close', async () => {
		const beats: string[] = [];
		env.sim.totalis.events.on('heartbeat', ({ mmId }) => beats.push(mmId));
		const trigger = await env.start(source);
		expect(beats).toEqual([env.sim.totalis.mmId]); // the first beat is part of starting
		await env.sim.totalis.events.waitFor('heartbeat');
		await env.sim.totalis.events.waitFor('heartbeat');
		const streamClosed = env.sim.totalis.events.waitFor('sse:close');
		await trigger.close();
		await streamClosed;
		expect(env.sim.totalis.openStreams()).toBe(0);
		// A beat already on the wire at close may still land; after that, none.
		await new Promise((resolve) => setTimeout(resolve, 200));
		const counted = beats.length;
		await new Promise((resolve) => setTimeout(resolve, 400));
		expect(beats.length).toBe(counted);
	});

	it('beats on schedule while Totalis holds the answers, abandons each unanswered beat, and close stops them', async () => {
		const trigger = await env.start({ ...source, mmHeartbeatMs: 200 });
		const HOLD_MS = 2000;
		/** Beats that reached the simulator since the hold began. */
		const arrivals: number[] = [];
		/** Those of them that ended: answered, or left by the client (status 0). */
		const ended: Array<{ receivedAt: number; endedAt: number; status: number }> = [];
		const holdStarted = Date.now();
		env.sim.totalis.faults.holdHeartbeats(HOLD_MS);
		env.sim.totalis.events.on('heartbeat', ({ at }) => {
			if (Date.parse(at) >= holdStarted) arrivals.push(Date.parse(at));
		});
		env.sim.totalis.events.on('rest:request', ({ path, status, receivedAt }) => {
			if (path.endsWith('/v1/mm/heartbeat') && receivedAt >= holdStarted) ended.push({ receivedAt, endedAt: Date.now(), status });
		});
		await new Promise((resolve) => setTimeout(resolve, HOLD_MS));
		// Every 200 ms makes about 10; waiting for each answer made 1. A loaded machine still makes 4.
		expect(arrivals.filter((at) => at - holdStarted < HOLD_MS).length).toBeGreaterThanOrEqual(4);
		// Each held beat was given up (status 0: the client left), none waited for its answer...
		expect(ended.length).toBeGreaterThanOrEqual(3);
		expect(ended.every(({ status }) => status === 0)).toBe(true);
		// ...and they did not pile up: when one arrived, at most one other was still open.
		const openAt = (at: number) => arrivals.filter((other) => other <= at).length - ended.filter(({ endedAt }) => endedAt <= at).length;
		expect(Math.max(...arrivals.map(openAt))).toBeLessThanOrEqual(2);
		expect(allLogText()).toMatch(
			/Totalis could not send the market-maker heartbeat: no answer within 150 ms; the next beat goes on schedule/,
		);

		await trigger.close();
		// A beat already on the wire at close may still land; after that, three intervals bring none.
		await new Promise((resolve) => setTimeout(resolve, 200));
		const sent = arrivals.length;
		await new Promise((resolve) => setTimeout(resolve, 600));
		expect(arrivals.length).toBe(sent);
		// The beat in flight at close was aborted too: nothing is left waiting at the venue.
		expect(ended).toHaveLength(arrivals.length);
	});

	it('lets the first beat, part of activation, wait longer than the interval for its answer', async () => {
		env.sim.totalis.faults.holdHeartbeats(500);
		const started = Date.now();
		await env.start({ ...source, mmHeartbeatMs: 200 });
		expect(Date.now() - started).toBeGreaterThanOrEqual(450);
		expect(env.sim.totalis.lastHeartbeat()).toBeInstanceOf(Date);
	});

	it('reconnects after a drop and replays the snapshot, the first item carrying the gap', async () => {
		const request = env.sim.totalis.createQuoteRequest();
		const trigger = await env.start(source);
		await trigger.waitForItems(1);
		const reconnected = env.sim.totalis.events.waitFor('sse:connection');
		expect(env.sim.totalis.faults.dropConnections().streams).toBe(1);
		await reconnected;
		const items = await trigger.waitForItems(2);
		expect(items[1].json).toMatchObject({
			event: 'quote_request',
			snapshot: true,
			data: { id: request.id },
			connection: { id: 2, sequence: 1 },
			gap: { reconnects: 1 },
		});
		expect(trigger.recorder.emitErrors).toEqual([]);
	});

	it('stays active when the stream is refused on a reconnect, and uses the key corrected in n8n', async () => {
		const request = env.sim.totalis.createQuoteRequest();
		const trigger = await env.start({ ...source, options: { ...FAST, ...REFUSAL } });
		await trigger.waitForItems(1);
		env.useCredentials({ apiKey: 'api_live_revoked_sse_key_00' });
		env.sim.totalis.faults.dropConnections();
		await trigger.recorder.until(() => trigger.recorder.failedExecutions.length > 0, 'the refusal recorded');
		expect(trigger.recorder.failedExecutions[0].message).toMatch(/^Totalis refused the credentials: .*HTTP 401/);
		env.useCredentials({});
		await env.sim.totalis.events.waitFor('sse:connection', undefined, 10_000);
		const items = await trigger.waitForItems(2);
		expect(items[1].json).toMatchObject({ snapshot: true, data: { id: request.id } });
		expect((items[1].json.gap as { reasons: string[] }).reasons).toEqual([
			expect.stringMatching(/^connection lost/),
			expect.stringMatching(/^credentials refused: .*HTTP 401/),
			expect.stringMatching(/^credentials accepted again after being refused/),
		]);
		expect(env.sim.totalis.openStreams()).toBe(1);
		expect(trigger.recorder.emitErrors).toEqual([]);
		expect(allLogText()).not.toContain('api_live_revoked_sse_key_00');
	});

	it('replaces a stream that went silent (no keepalive) within the dead-connection timeout', async () => {
		const trigger = await env.start({ ...source, options: { ...FAST, silenceTimeoutMs: 500 } });
		const closed = env.sim.totalis.events.waitFor('sse:close', undefined, 4000);
		env.sim.totalis.faults.silence(true);
		await closed;
		env.sim.totalis.faults.silence(false);
		await env.sim.totalis.events.waitFor('sse:connection', undefined, 4000);
		const request = env.sim.totalis.createQuoteRequest();
		const item = await trigger.waitForItem((json) => (json.data as { id: string }).id === request.id, 'the new request');
		expect(item.gap).toMatchObject({ reconnects: expect.any(Number) });
	});

	it('drops an unterminated line above the frame limit, counts it, and the stream goes on with the gap on the next item', async () => {
		// Discarded bytes are no sign of life: a short dead-connection timeout could replace the stream
		// while the simulator, in this very process, writes 16 MB.
		const trigger = await env.start({ ...source, options: { ...FAST, silenceTimeoutMs: 10_000 } });
		const streams = jest.fn();
		env.sim.totalis.events.on('sse:connection', streams);
		// 16 MB without a line end: once cost a blocked event loop for seconds and 16 MB of buffer.
		expect(env.sim.totalis.faults.unterminatedLine(16 * 1024 * 1024)).toBe(1);
		// The open line swallows whatever comes next up to its line end, and the event it belongs to
		// is dropped with it: only requests created after that line ended are sure to arrive.
		const requests = [env.sim.totalis.createQuoteRequest(), env.sim.totalis.createQuoteRequest()];
		const last = requests[requests.length - 1];
		const item = await trigger.waitForItem((json) => (json.data as { id: string }).id === last.id, 'the request after the bad line');
		const [first] = trigger.items;
		expect(first.json).toMatchObject({ event: 'quote_request', snapshot: false, connection: { id: 1 } });
		expect(first.json.gap).toMatchObject({
			reconnects: 0,
			droppedFrames: 1,
			reasons: ['dropped an invalid frame: a frame above 1048576 bytes'],
		});
		expect(item).toMatchObject({ connection: { id: 1 } });
		expect(streams).not.toHaveBeenCalled();
		expect(trigger.recorder.failedExecutions.map((error) => error.message)).toEqual([
			'Totalis sent 1 invalid frame(s); the stream goes on',
		]);
		expect(trigger.recorder.emitErrors).toEqual([]);
	});

	it('rejects a wrong key at start with an authorization error and no stream left open', async () => {
		env.useCredentials({ apiKey: 'api_live_wrong_sse_key_0000' });
		await expect(env.start(source)).rejects.toMatchObject({ message: expect.stringMatching(/^Authorization failed/) });
		expect(env.sim.totalis.openStreams()).toBe(0);
		expect(allLogText()).not.toContain('api_live_wrong_sse_key_0000');
	});

	it("refuses to start for a key that may not quote (no mm:quote scope), in the venue's words", async () => {
		env.sim.totalis.addApiKey('api_live_reader_only_key_01', { userId: 'did:privy:reader', mmId: 'mm_reader', scopes: [] });
		env.useCredentials({ apiKey: 'api_live_reader_only_key_01' });
		const error = (await env.start(source).catch((caught: Error) => caught)) as Error;
		expect(error.message).toMatch(/^Authorization failed: .*HTTP 403: FORBIDDEN: .*mm:quote/);
		expect(error.message).toContain(MISSING_SCOPE_HINT);
		expect(`${error.message} ${error.stack}`).not.toContain('api_live_reader_only_key_01');
	});

	it('fails activation when the first market-maker heartbeat is refused, and closes the stream', async () => {
		env.sim.totalis.faults.failRest({ method: 'POST', pathPrefix: '/v1/mm/heartbeat', status: 503, times: 1 });
		const closed = env.sim.totalis.events.waitFor('sse:close');
		const error = (await env.start(source).catch((caught: Error) => caught)) as Error;
		expect(error.message).toMatch(/Totalis could not send the market-maker heartbeat/);
		await closed;
		expect(env.sim.totalis.openStreams()).toBe(0);
	});
});

describe.each(DIALECTS.totalis)('Totalis Trigger (quote-request stream), a key without the mm:quote scope (dialect %s)', (dialect) => {
	const env = useTotalisEnvironment(dialect);
	const source = { source: 'quoteRequests', mmHeartbeatMs: 150 };

	it('names the missing mm:quote scope itself when Totalis says only "Forbidden"', async () => {
		env.sim.totalis.faults.failRest({ method: 'GET', pathPrefix: '/v1/mm/quote-requests/stream', status: 403, message: 'Forbidden' });
		const error = (await env.start(source).catch((caught: Error) => caught)) as Error;
		expect(error.message).toMatch(
			/^Authorization failed: .*HTTP 403: FORBIDDEN: Forbidden; the quote-request stream needs an API key with the mm:quote scope/,
		);
		expect(env.sim.totalis.openStreams()).toBe(0);
	});
});
