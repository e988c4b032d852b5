/**
 * The Totalis Trigger's WebSocket source, activated as in production: n8n-core's real
 * TriggerContext, real loopback sockets against the venue simulator.
 */
import { allLogText } from '../harness/n8n';
import { FAST, REFUSAL, SAMPLE_EVENTS, useTotalisEnvironment } from './fixtures';

describe('Totalis Trigger (WebSocket, production mode)', () => {
	const env = useTotalisEnvironment();

	describe('starting', () => {
		it('authenticates, subscribes to the market maker channel, and only then resolves', async () => {
			const subscribed = env.sim.totalis.events.waitFor('ws:subscribe');
			const auth = env.sim.totalis.events.waitFor('ws:auth');
			await env.start();
			expect(await auth).toMatchObject({ ok: true, userId: env.sim.totalis.userId });
			expect((await subscribed).channel).toBe(env.mmChannel);
			expect(env.sim.totalis.openSockets()).toBe(1);
		});

		it('subscribes to a given market-maker id and to each RFQ channel', async () => {
			const channels: string[] = [];
			env.sim.totalis.events.on('ws:subscribe', ({ channel }) => channels.push(channel));
			await env.start({
				channels: ['marketMakerQuotes', 'rfqs'],
				marketMakerId: env.sim.totalis.mmId,
				rfqIds: 'rfq-a, rfq-b',
			});
			expect(channels.sort()).toEqual([`mm:quotes:${env.sim.totalis.mmId}`, 'rfq:rfq-a', 'rfq:rfq-b'].sort());
		});

		it('rejects with an authorization error for a wrong key, leaving no socket open', async () => {
			env.useCredentials({ apiKey: 'api_live_wrong_key_000000' });
			const closed = env.sim.totalis.events.waitFor('ws:close');
			await expect(env.start()).rejects.toMatchObject({
				message: expect.stringMatching(/^Authorization failed: Totalis refused the credentials/),
			});
			await closed;
			expect(env.sim.totalis.openSockets()).toBe(0);
		});

		it('asks Totalis once about a refused key, however often n8n retries the activation (5 times in 2.41)', async () => {
			const attempts = jest.fn();
			env.sim.totalis.events.on('ws:auth', attempts);
			env.sim.totalis.faults.refuseAuth(60_000);
			const parameters = { options: { ...FAST, ...REFUSAL } };
			for (let attempt = 0; attempt < 5; attempt++) {
				await expect(env.start(parameters)).rejects.toThrow(/^Authorization failed: Totalis refused the credentials/);
			}
			await new Promise((resolve) => setTimeout(resolve, 3 * REFUSAL.refusalRetryMaxDelayMs));
			expect(attempts).toHaveBeenCalledTimes(1);
			// A corrected key, or other parameters, are worth asking about.
			env.useCredentials({ apiKey: 'api_live_another_key_0001' });
			await expect(env.start(parameters)).rejects.toThrow(/^Authorization failed/);
			await expect(env.start({ ...parameters, mergeAccepted: false })).rejects.toThrow(/^Authorization failed/);
			expect(attempts).toHaveBeenCalledTimes(3);
		});

		it('rejects clearly when nothing listens at the WebSocket URL', async () => {
			const url = new URL(env.sim.totalis.wsUrl);
			await env.sim.close();
			env.useCredentials({ wsUrl: url.toString() });
			await expect(env.start()).rejects.toMatchObject({ message: expect.stringMatching(/^Cannot reach Totalis/) });
			env.sim = await (await import('trading-venues-simulator')).startSimulator();
		});

		it('rejects within the connect timeout when the venue never answers auth', async () => {
			env.sim.totalis.faults.silence(true);
			// The message names the deadline that fired.
			await expect(env.start({ options: { ...FAST, connectTimeoutMs: 400 } })).rejects.toMatchObject({
				message: expect.stringMatching(/did not answer in time/),
			});
		});

		it("rejects when Totalis refuses a subscription (someone else's market-maker id)", async () => {
			await expect(env.start({ marketMakerId: 'did:privy:not-mine' })).rejects.toMatchObject({
				message: expect.stringMatching(/Totalis refused the subscription/),
			});
		});

		it('refuses bad parameters before connecting, naming the field', async () => {
			const connections = jest.fn();
			env.sim.totalis.events.on('ws:connection', connections);
			await expect(env.start({ options: { ...FAST, batchWindowMs: -1 } })).rejects.toThrow(
				/Options → Batch Window \(Milliseconds\): expected a number ≥ 0/,
			);
			await expect(env.start({ channels: ['rfqs'], rfqIds: ' ' })).rejects.toThrow(/Subscribe To/);
			expect(connections).not.toHaveBeenCalled();
		});
	});

	describe('events', () => {
		it('turns every one of the eleven events into an item with its source and payload', async () => {
			const trigger = await env.start({ mergeAccepted: false });
			for (const [type, data] of Object.entries(SAMPLE_EVENTS)) env.sim.totalis.publish(env.mmChannel, type, data);
			const items = await trigger.waitForItems(11);
			expect(items.map((item) => item.json.event)).toEqual(Object.keys(SAMPLE_EVENTS));
			for (const item of items) {
				expect(item.json).toMatchObject({
					venue: 'totalis',
					source: 'websocket',
					data: SAMPLE_EVENTS[item.json.event as string],
					connection: { id: 1 },
					gap: null,
				});
				expect(Date.parse(item.json.receivedAt as string)).not.toBeNaN();
			}
			expect(trigger.recorder.emissions).toHaveLength(11);
			// Scoped to this workflow and node: n8n's keys are unique across the whole instance.
			expect(trigger.recorder.emissions[2].deduplicationKey).toBe('wf-test:totalisTrigger-under-test:totalis:quote:confirmed:q-3');
		});

		it('passes only the chosen events', async () => {
			const trigger = await env.start({ events: ['quote:confirmed', 'position:settled'], mergeAccepted: false });
			for (const [type, data] of Object.entries(SAMPLE_EVENTS)) env.sim.totalis.publish(env.mmChannel, type, data);
			env.sim.totalis.publish(env.mmChannel, 'position:settled', { ...SAMPLE_EVENTS['position:settled'], rfq_id: 'last' });
			await trigger.waitForItem((json) => (json.data as { rfq_id: string }).rfq_id === 'last', 'the last settlement');
			expect(trigger.items.map((item) => item.json.event)).toEqual(['quote:confirmed', 'position:settled', 'position:settled']);
		});

		it('passes unknown event types and extra fields through', async () => {
			const trigger = await env.start();
			env.sim.totalis.publish(env.mmChannel, 'quote:future_thing', { quote_id: 'q-x', novel: { nested: true } });
			env.sim.totalis.publish(env.mmChannel, 'quote:expired', { quote_id: 'q-y', rfq_id: 'r', extra_field: 1 });
			const items = await trigger.waitForItems(2);
			expect(items[0].json).toMatchObject({ event: 'quote:future_thing', data: { novel: { nested: true } } });
			expect(items[1].json).toMatchObject({ event: 'quote:expired', data: { extra_field: 1 } });
		});

		it('delivers events of an RFQ channel', async () => {
			const trigger = await env.start({ channels: ['rfqs'], rfqIds: 'rfq-9' });
			env.sim.totalis.publish('rfq:rfq-9', 'position:settled', SAMPLE_EVENTS['position:settled']);
			const [item] = await trigger.waitForItems(1);
			expect(item.json).toMatchObject({ event: 'position:settled', data: { outcome: 'win' } });
		});
	});

	describe('merging the two acceptance events', () => {
		async function acceptedQuote(order: 'accepted-first' | 'mm-first' | 'accepted-only') {
			const request = env.sim.totalis.createQuoteRequest();
			const quote = env.sim.totalis.addOurQuote(request.id, { payoutOdds: 3.5, expiresInMs: 10_000 });
			return env.sim.totalis.acceptQuote(quote.id, { order });
		}

		it.each(['accepted-first', 'mm-first'] as const)('makes one item of both, %s', async (order) => {
			const trigger = await env.start({ options: { ...FAST }, mergeWaitMs: 2000 });
			const acceptance = await acceptedQuote(order);
			const [item] = await trigger.waitForItems(1);
			expect(item.json.event).toBe('quote:accepted');
			expect(item.json.mergedFrom).toEqual(
				order === 'accepted-first' ? ['quote:accepted', 'mm_quote:accepted'] : ['mm_quote:accepted', 'quote:accepted'],
			);
			expect(item.json.data).toMatchObject({
				quote_id: acceptance.quoteId,
				rfq_id: acceptance.rfqId,
				confirmation_deadline: expect.any(String),
				exposure_legs: expect.any(Array),
				quote: expect.objectContaining({ payout_odds: 3.5 }),
			});
			expect(trigger.recorder.emissions[0].deduplicationKey).toBe(
				`wf-test:totalisTrigger-under-test:totalis:accepted:${acceptance.quoteId}`,
			);
			// Nothing else arrives for this acceptance: the next item is an unrelated event.
			env.sim.totalis.publish(env.mmChannel, 'quote:expired', { quote_id: 'later', rfq_id: 'r' });
			await trigger.waitForItem((json) => json.event === 'quote:expired', 'the later event');
			expect(trigger.items.map((entry) => entry.json.event)).toEqual(['quote:accepted', 'quote:expired']);
		});

		it("keeps a quote's events in the order Totalis sent them while its acceptance waits for a partner", async () => {
			const trigger = await env.start({ mergeWaitMs: 1000 });
			// accepted (no partner), confirmed at once, executed and position:created 100 ms later.
			const acceptance = await acceptedQuote('accepted-only');
			// Position events come on the trade's channel, which Follow My Trades subscribes to on the acceptance.
			await env.sim.totalis.waitFor('ws:subscribe', ({ channel }) => channel === `rfq:${acceptance.rfqId}`);
			env.sim.totalis.market.confirmQuote(env.sim.totalis.mmId, acceptance.quoteId);
			env.sim.totalis.publish(env.mmChannel, 'quote:expired', { quote_id: 'another-quote', rfq_id: 'another-rfq' });
			const items = await trigger.waitForItems(5);
			expect(items.map((item) => `${item.json.event} ${(item.json.data as { quote_id?: string }).quote_id ?? ''}`.trim())).toEqual([
				// Another quote's event is not held back.
				'quote:expired another-quote',
				`quote:accepted ${acceptance.quoteId}`,
				`quote:confirmed ${acceptance.quoteId}`,
				`quote:executed ${acceptance.quoteId}`,
				'position:created',
			]);
			expect(items[1].json.mergedFrom).toEqual(['quote:accepted']);
			expect((items[4].json.data as { rfq_id: string }).rfq_id).toBe(acceptance.rfqId);
		});

		it('still merges a partner that comes after a later event of the quote, which then follows the merged item', async () => {
			const trigger = await env.start({ mergeWaitMs: 2000 });
			const ids = { quote_id: 'q-order', rfq_id: 'rfq-order' };
			env.sim.totalis.publish(env.mmChannel, 'quote:accepted', { ...SAMPLE_EVENTS['quote:accepted'], ...ids });
			env.sim.totalis.publish(env.mmChannel, 'quote:confirmed', { ...ids, execution_id: 'exec-order' });
			env.sim.totalis.publish(env.mmChannel, 'mm_quote:accepted', { ...SAMPLE_EVENTS['mm_quote:accepted'], ...ids });
			env.sim.totalis.publish(env.mmChannel, 'quote:executed', ids);
			const items = await trigger.waitForItems(3);
			expect(items.map((item) => item.json.event)).toEqual(['quote:accepted', 'quote:confirmed', 'quote:executed']);
			expect(items[0].json.mergedFrom).toEqual(['quote:accepted', 'mm_quote:accepted']);
			expect(items[0].json.data).toMatchObject({ ...ids, exposure_legs: expect.any(Array) });
		});

		it('emits the first alone when its partner does not come within the wait, and drops the late partner', async () => {
			const trigger = await env.start({ mergeWaitMs: 50 });
			env.sim.totalis.publish(env.mmChannel, 'mm_quote:accepted', SAMPLE_EVENTS['mm_quote:accepted']);
			const [item] = await trigger.waitForItems(1);
			expect(item.json).toMatchObject({ event: 'quote:accepted', mergedFrom: ['mm_quote:accepted'] });
			env.sim.totalis.publish(env.mmChannel, 'quote:accepted', { ...SAMPLE_EVENTS['quote:accepted'], quote_id: 'q-2' });
			env.sim.totalis.publish(env.mmChannel, 'quote:expired', { quote_id: 'marker', rfq_id: 'r' });
			await trigger.waitForItem((json) => json.event === 'quote:expired', 'the marker');
			expect(trigger.items.map((entry) => entry.json.event)).toEqual(['quote:accepted', 'quote:expired']);
		});
	});

	describe('flood control', () => {
		it('batches events into one execution per item count and per window', async () => {
			const trigger = await env.start({
				mergeAccepted: false,
				options: { ...FAST, delivery: 'batch', batchMaxItems: 5, batchWindowMs: 300 },
			});
			for (let i = 0; i < 12; i++) {
				env.sim.totalis.publish(env.mmChannel, 'quote:expired', { quote_id: `q-${i}`, rfq_id: 'r' });
			}
			await trigger.waitForItems(12);
			expect(trigger.recorder.emissions.map((emission) => emission.items.length)).toEqual([5, 5, 2]);
			expect(trigger.items.map((item) => (item.json.data as { quote_id: string }).quote_id)).toEqual(
				Array.from({ length: 12 }, (_, i) => `q-${i}`),
			);
		});

		it('keeps only the latest event per quote within the window', async () => {
			const trigger = await env.start({
				mergeAccepted: false,
				options: { ...FAST, delivery: 'batch', batchMaxItems: 0, batchWindowMs: 300, keepLatest: true },
			});
			env.sim.totalis.publish(env.mmChannel, 'quote:confirmed', { quote_id: 'q-1', rfq_id: 'r', execution_id: 'e' });
			env.sim.totalis.publish(env.mmChannel, 'quote:executed', { quote_id: 'q-1', rfq_id: 'r' });
			env.sim.totalis.publish(env.mmChannel, 'quote:expired', { quote_id: 'q-2', rfq_id: 'r' });
			await trigger.waitForItems(2);
			expect(trigger.recorder.emissions).toHaveLength(1);
			expect(trigger.items.map((item) => [item.json.event, item.json.coalesced])).toEqual([
				['quote:executed', 2],
				['quote:expired', undefined],
			]);
		});
	});

	describe('healing', () => {
		it('reconnects after a drop, resubscribes, and marks the gap on the next item', async () => {
			const trigger = await env.start();
			const resubscribed = env.sim.totalis.events.waitFor('ws:subscribe');
			expect(env.sim.totalis.faults.dropConnections().sockets).toBe(1);
			expect((await resubscribed).channel).toBe(env.mmChannel);
			env.sim.totalis.publish(env.mmChannel, 'quote:expired', { quote_id: 'after-drop', rfq_id: 'r' });
			const [item] = await trigger.waitForItems(1);
			expect(item.json.connection).toEqual({ id: 2, sequence: 1 });
			expect(item.json.gap).toMatchObject({ reconnects: 1, droppedFrames: 0, reasons: [expect.stringMatching(/connection lost/)] });
			// An item that reports a gap always runs: no deduplication key that n8n could skip it for.
			expect(trigger.recorder.emissions[0].deduplicationKey).toBeUndefined();
			env.sim.totalis.publish(env.mmChannel, 'quote:expired', { quote_id: 'next', rfq_id: 'r' });
			const items = await trigger.waitForItems(2);
			expect(items[1].json.gap).toBeNull();
			expect(trigger.recorder.emitErrors).toEqual([]);
		});

		it("answers the venue's protocol pings", async () => {
			await env.start();
			const pong = env.sim.totalis.events.waitFor('ws:protocol-pong');
			expect(env.sim.totalis.pingClients()).toBe(1);
			expect(await pong).toMatchObject({ connectionId: expect.any(Number) });
		});

		it('detects a silent socket, replaces it, and keeps going', async () => {
			const trigger = await env.start();
			const dropped = env.sim.totalis.events.waitFor('ws:close', undefined, 5000);
			env.sim.totalis.faults.silence(true);
			await dropped; // the trigger gave up on the silent socket, not the simulator
			env.sim.totalis.faults.silence(false);
			await env.sim.totalis.events.waitFor('ws:subscribe', undefined, 5000);
			env.sim.totalis.publish(env.mmChannel, 'quote:expired', { quote_id: 'after-silence', rfq_id: 'r' });
			const [item] = await trigger.waitForItems(1);
			expect(item.json.gap).toMatchObject({ reconnects: expect.any(Number) });
			expect((item.json.gap as { reasons: string[] }).reasons.join(' ')).toMatch(/no traffic for \d+ ms/);
			expect(trigger.recorder.emitErrors).toEqual([]);
		});

		it('counts and reports malformed frames, drops them, and the stream goes on', async () => {
			const trigger = await env.start();
			env.sim.totalis.faults.sendMalformed('invalid-json');
			env.sim.totalis.faults.sendMalformed('schema');
			env.sim.totalis.publish(env.mmChannel, 'quote:expired', { quote_id: 'valid', rfq_id: 'r' });
			const [item] = await trigger.waitForItems(1);
			expect(item.json.data).toMatchObject({ quote_id: 'valid' });
			expect(item.json.gap).toMatchObject({ reconnects: 0, droppedFrames: 2 });
			expect(item.json.connection).toMatchObject({ id: 1 });
			// One failed execution (throttled), naming the venue; never emitError.
			expect(trigger.recorder.failedExecutions).toHaveLength(1);
			expect(trigger.recorder.failedExecutions[0].message).toMatch(/Totalis sent 1 invalid frame/);
			expect(trigger.recorder.emitErrors).toEqual([]);
		});

		it('counts and reports a frame that is not valid UTF-8, drops it, and keeps the connection', async () => {
			const trigger = await env.start();
			expect(env.sim.totalis.faults.sendInvalidUtf8()).toBe(1);
			// U+FFFD sent by the venue itself is valid text: it passes.
			env.sim.totalis.publish(env.mmChannel, 'quote:expired', { quote_id: 'valid-\uFFFD', rfq_id: 'r' });
			env.sim.totalis.publish(env.mmChannel, 'quote:expired', { quote_id: 'later', rfq_id: 'r' });
			const [first, second] = await trigger.waitForItems(2);
			expect(first.json).toMatchObject({ data: { quote_id: 'valid-\uFFFD' }, connection: { id: 1, sequence: 1 } });
			expect(first.json.gap).toMatchObject({
				reconnects: 0,
				droppedFrames: 1,
				reasons: ['dropped an invalid frame: not valid UTF-8 text'],
			});
			expect(second.json).toMatchObject({ data: { quote_id: 'later' }, gap: null });
			expect(env.sim.totalis.openSockets()).toBe(1);
			expect(trigger.recorder.failedExecutions.map((error) => error.message)).toEqual([
				expect.stringMatching(/^Totalis sent 1 invalid frame/),
			]);
			expect(trigger.recorder.emitErrors).toEqual([]);
		});

		it('refuses a frame above the limit at the socket (1009), reconnects once, and the next item carries the gap', async () => {
			// Building and writing 32 MB blocks this process (the simulator's too) for a while: a short
			// dead-connection timeout could fire first and hide the 1009.
			const trigger = await env.start({ options: { ...FAST, silenceTimeoutMs: 10_000 } });
			let connections = 0;
			env.sim.totalis.events.on('ws:connection', () => connections++);
			const closed = env.sim.totalis.events.waitFor('ws:close');
			const resubscribed = env.sim.totalis.events.waitFor('ws:subscribe');
			// 32 MB: a client that buffered it whole before checking would hold all of it.
			expect(env.sim.totalis.faults.hugeFrame(32 * 1024 * 1024)).toBe(1);
			expect((await closed).code).toBe(1009);
			await resubscribed;
			env.sim.totalis.publish(env.mmChannel, 'quote:expired', { quote_id: 'after-huge', rfq_id: 'r' });
			env.sim.totalis.publish(env.mmChannel, 'quote:expired', { quote_id: 'later', rfq_id: 'r' });
			const [first, second] = await trigger.waitForItems(2);
			expect(first.json).toMatchObject({ data: { quote_id: 'after-huge' }, connection: { id: 2, sequence: 1 } });
			expect(first.json.gap).toMatchObject({
				reconnects: 1,
				droppedFrames: 1,
				reasons: [
					'dropped an invalid frame: a frame above 1048576 bytes',
					'connection lost: closed with 1009 after a frame above 1048576 bytes',
				],
			});
			expect(second.json).toMatchObject({ data: { quote_id: 'later' }, gap: null });
			expect(connections).toBe(1);
			expect(env.sim.totalis.openSockets()).toBe(1);
			expect(trigger.recorder.failedExecutions.map((error) => error.message)).toEqual([
				'Totalis sent 1 invalid frame(s); the stream goes on',
			]);
			expect(trigger.recorder.emitErrors).toEqual([]);
		});
	});

	describe('credentials refused after start', () => {
		const authAttempts = () => {
			const attempts: Array<{ ok: boolean; at: number }> = [];
			env.sim.totalis.events.on('ws:auth', ({ ok }) => attempts.push({ ok, at: Date.now() }));
			return attempts;
		};
		const startRefusable = (options: Record<string, unknown> = {}) =>
			env.start({ mergeAccepted: false, options: { ...FAST, ...REFUSAL, ...options } });

		it('stays active while Totalis refuses the key on a reconnect, retries slowly, records it once, and resumes with the gap', async () => {
			const trigger = await startRefusable();
			const attempts = authAttempts();
			env.sim.totalis.faults.refuseAuth(1500);
			env.sim.totalis.faults.dropConnections();
			await trigger.recorder.until(() => trigger.recorder.failedExecutions.length > 0, 'the refusal recorded');
			const [recorded] = trigger.recorder.failedExecutions;
			expect(recorded.message).toMatch(
				/^Totalis refused the credentials: Totalis rejected the API key: Invalid API key\. The trigger stays active and tries again in \d+ s$/,
			);
			expect((recorded as { description?: string }).description).toMatch(/correct it in n8n and the next attempt uses it/);

			await env.sim.totalis.events.waitFor('ws:subscribe', undefined, 10_000);
			env.sim.totalis.publish(env.mmChannel, 'quote:expired', { quote_id: 'after-refusal', rfq_id: 'r' });
			const [item] = await trigger.waitForItems(1);
			const refused = attempts.filter((attempt) => !attempt.ok);
			expect(refused.length).toBeGreaterThanOrEqual(2);
			// Slower than after a drop (50 ms here): at least 0.8 × 200 ms between refused attempts.
			for (let index = 1; index < refused.length; index++) {
				expect(refused[index].at - refused[index - 1].at).toBeGreaterThanOrEqual(150);
			}
			expect(item.json.gap).toMatchObject({
				reconnects: refused.length + 1,
				reasons: [
					expect.stringMatching(/^connection lost/),
					'credentials refused: Totalis rejected the API key: Invalid API key',
					expect.stringMatching(/^credentials accepted again after being refused for \d+ s \(\d+ refused attempt\(s\)\)$/),
				],
			});
			expect(item.json.connection).toMatchObject({ sequence: 1 });
			// Within the report interval (10 min by default), one failed execution for all the refused attempts.
			expect(trigger.recorder.failedExecutions).toHaveLength(1);
			expect(trigger.recorder.emitErrors).toEqual([]);
			expect(env.sim.totalis.openSockets()).toBe(1);
			env.sim.totalis.publish(env.mmChannel, 'quote:expired', { quote_id: 'next', rfq_id: 'r' });
			expect((await trigger.waitForItems(2))[1].json.gap).toBeNull();
			expect(trigger.items).toHaveLength(2);
		});

		it('uses a key corrected in n8n on the next attempt, without re-activating', async () => {
			const trigger = await startRefusable();
			const attempts = authAttempts();
			env.useCredentials({ apiKey: 'api_live_revoked_key_0000' });
			env.sim.totalis.faults.dropConnections();
			await trigger.recorder.until(() => trigger.recorder.failedExecutions.length > 0, 'the refusal recorded');
			expect(attempts.every((attempt) => !attempt.ok)).toBe(true);
			env.useCredentials({});
			await env.sim.totalis.events.waitFor('ws:subscribe', undefined, 10_000);
			env.sim.totalis.publish(env.mmChannel, 'quote:expired', { quote_id: 'fixed', rfq_id: 'r' });
			const [item] = await trigger.waitForItems(1);
			expect((item.json.gap as { reasons: string[] }).reasons).toContain(
				'credentials refused: Totalis rejected the API key: Invalid API key',
			);
			expect(attempts.at(-1)).toMatchObject({ ok: true });
			expect(env.sim.totalis.openSockets()).toBe(1);
			expect(trigger.recorder.emitErrors).toEqual([]);
			expect(allLogText()).not.toContain('api_live_revoked_key_0000');
		});

		it('treats auth:error on the open socket (a revoked session) as a refusal too', async () => {
			const trigger = await startRefusable();
			const closed = env.sim.totalis.events.waitFor('ws:close');
			env.sim.totalis.faults.sendUnknownEvent({ type: 'auth:error', data: { message: 'Session revoked' } });
			await closed;
			await trigger.recorder.until(() => trigger.recorder.failedExecutions.length > 0, 'the refusal recorded');
			expect(trigger.recorder.failedExecutions[0].message).toMatch(/^Totalis refused the credentials: Totalis revoked the session/);
			await env.sim.totalis.events.waitFor('ws:subscribe', undefined, 10_000);
			env.sim.totalis.publish(env.mmChannel, 'quote:expired', { quote_id: 'after', rfq_id: 'r' });
			const [item] = await trigger.waitForItems(1);
			expect(item.json.gap).toMatchObject({
				reasons: [expect.stringMatching(/^credentials refused: Totalis revoked the session/), expect.any(String)],
			});
			expect(env.sim.totalis.openSockets()).toBe(1);
			expect(trigger.recorder.emitErrors).toEqual([]);
		});

		it('records a refusal that goes on at most once per Refusal Report Interval', async () => {
			const trigger = await startRefusable({ refusalReportIntervalMs: 300 });
			const attempts = authAttempts();
			env.sim.totalis.faults.rejectAuth(true);
			env.sim.totalis.faults.dropConnections();
			await trigger.recorder.until(() => trigger.recorder.failedExecutions.length >= 2, 'two reports', 10_000);
			const [first, second] = trigger.recorder.failedExecutions;
			expect(first.message).toMatch(/^Totalis refused the credentials/);
			expect((second as { description?: string }).description).toMatch(/\(\d+ attempt\(s\) in a row; \d+ since the last report\)/);
			// More attempts than reports: the ones within the interval were not recorded.
			expect(attempts.length).toBeGreaterThan(trigger.recorder.failedExecutions.length);
			expect(trigger.recorder.emitErrors).toEqual([]);
		});

		it('leaves no socket and no retry behind when deactivated while refused', async () => {
			const trigger = await startRefusable();
			env.sim.totalis.faults.rejectAuth(true);
			env.sim.totalis.faults.dropConnections();
			await trigger.recorder.until(() => trigger.recorder.failedExecutions.length > 0, 'the refusal recorded');
			await trigger.close();
			const connections = jest.fn();
			env.sim.totalis.events.on('ws:connection', connections);
			env.sim.totalis.faults.rejectAuth(false);
			// Three times the longest refusal wait: no attempt may come.
			await new Promise((resolve) => setTimeout(resolve, 3 * REFUSAL.refusalRetryMaxDelayMs));
			expect(connections).not.toHaveBeenCalled();
			expect(env.sim.totalis.openSockets()).toBe(0);
		});
	});

	describe('closing', () => {
		it('closes the socket, cancels everything, emits nothing afterwards, and can be called twice', async () => {
			const trigger = await env.start({ options: { ...FAST, delivery: 'batch', batchWindowMs: 10_000, batchMaxItems: 0 } });
			env.sim.totalis.publish(env.mmChannel, 'quote:expired', { quote_id: 'buffered', rfq_id: 'r' });
			await env.sim.totalis.events.waitFor('ws:message', ({ message }) => (message as { type?: string })?.type === 'ping');
			const closed = env.sim.totalis.events.waitFor('ws:close');
			await Promise.all([trigger.response.closeFunction!(), trigger.response.closeFunction!()]);
			await closed;
			expect(env.sim.totalis.openSockets()).toBe(0);
			env.sim.totalis.publish(env.mmChannel, 'quote:expired', { quote_id: 'late', rfq_id: 'r' });
			env.sim.totalis.faults.dropConnections();
			await new Promise((resolve) => setTimeout(resolve, FAST.silenceTimeoutMs));
			expect(trigger.recorder.emissions).toEqual([]);
			expect(env.sim.totalis.openSockets()).toBe(0);
		});
	});

	it('never lets the API key reach a log line, an item or an error', async () => {
		const trigger = await env.start({ mergeAccepted: false });
		env.sim.totalis.faults.sendMalformed('schema');
		env.sim.totalis.faults.dropConnections();
		await env.sim.totalis.events.waitFor('ws:subscribe');
		env.sim.totalis.publish(env.mmChannel, 'quote:expired', { quote_id: 'q', rfq_id: 'r' });
		await trigger.waitForItems(1);
		env.useCredentials({ apiKey: 'api_live_other_secret_999' });
		const failure = await env.start().catch((error: Error) => error);
		const everything = [
			allLogText(),
			JSON.stringify(trigger.items),
			JSON.stringify(trigger.recorder.failedExecutions.map((error) => [error.message, (error as { description?: string }).description])),
			(failure as Error).message,
			(failure as Error).stack,
		].join('\n');
		expect(everything).toContain('Authorization failed');
		expect(everything).not.toContain(env.sim.totalis.apiKey);
		expect(everything).not.toContain('api_live_other_secret_999');
	});
});
