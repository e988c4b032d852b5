/**
 * The Helio Trigger through n8n-core's real TriggerContext, in production and manual mode,
 * against the simulated Helio over loopback: its own login, token in the URL, acknowledged
 * subscriptions, protocol pings, token renewal before expiry, and recovery after a drop.
 */
import { HelioApi } from '../../credentials/HelioApi.credentials';
import { HelioTrigger } from '../../nodes/Helio/HelioTrigger.node';
import { startSimulator, type HelioSimOptions, type VenueSimulator } from 'trading-venues-simulator';
import { allLogText, N8nHarness, simulatorCredentials, type ActiveTrigger } from '../harness/n8n';

const FAST = { heartbeatIntervalMs: 100, silenceTimeoutMs: 800, connectTimeoutMs: 1500, reconnectMaxDelayMs: 50 };
/** Refusals after start retried within a test's time (15 s doubling to 5 min by default). */
const REFUSAL = { refusalRetryDelayMs: 200, refusalRetryMaxDelayMs: 400 };

describe('Helio Trigger', () => {
	const harness = new N8nHarness({ nodes: { helioTrigger: HelioTrigger }, credentialTypes: [HelioApi] });
	let sim: VenueSimulator;
	const triggers: ActiveTrigger[] = [];

	async function setUp(helio: HelioSimOptions = {}) {
		sim = await startSimulator({ helio: { pingIntervalMs: 200, ...helio } });
		useCredentials({});
	}

	function useCredentials(values: Partial<{ baseUrl: string; email: string; password: string }>) {
		harness.setCredentials('helioApi', { ...simulatorCredentials(sim).helioApi, ...values });
	}

	async function start(parameters: Record<string, unknown> = {}) {
		const trigger = await harness.startTrigger(
			'helioTrigger',
			{ symbols: 'EURUSD', events: ['quoteEvent', 'executionEvent'], metrics: 'none', options: { ...FAST }, ...parameters } as never,
			'helioApi',
		);
		triggers.push(trigger);
		return trigger;
	}

	afterEach(async () => {
		for (const trigger of triggers.splice(0)) await trigger.close();
		await sim.close();
	});

	it("logs in, subscribes to events, depth and every account's metrics, and resolves once all are acknowledged", async () => {
		await setUp();
		const subscriptions: string[] = [];
		sim.helio.events.on('ws:subscribe', ({ channel, symbols, events, symbol, depth, accountId }) =>
			subscriptions.push(
				channel === 'events' ? `events ${symbols} ${events}` : channel === 'depth' ? `depth ${symbol} ${depth}` : `metrics ${accountId}`,
			),
		);
		const logins: boolean[] = [];
		sim.helio.events.on('login', ({ ok }) => logins.push(ok));
		await start({ symbols: 'EURUSD, GBPUSD', depthSymbols: 'EURUSD', depthLevels: 3, metrics: 'all' });
		expect(logins).toEqual([true]);
		expect(subscriptions.sort()).toEqual(
			[
				'events EURUSD,GBPUSD quoteEvent,executionEvent',
				'depth EURUSD 3',
				...sim.helio.accounts.map((account) => `metrics ${account.id}`),
			].sort(),
		);
		expect(sim.helio.openSockets()).toBe(1);
	});

	it('subscribes to the chosen Trigger On source only, whatever the hidden fields of the others hold', async () => {
		await setUp();
		const subscriptions: string[] = [];
		sim.helio.events.on('ws:subscribe', ({ channel, symbol, depth, accountId }) =>
			subscriptions.push(channel === 'depth' ? `depth ${symbol} ${depth}` : channel === 'metrics' ? `metrics ${accountId}` : channel),
		);
		const hidden = { symbols: 'EURUSD, GBPUSD', metrics: 'all' };
		const depthTrigger = await start({ ...hidden, source: 'depth', depthSymbols: 'EURUSD', depthLevels: 3 });
		expect(subscriptions).toEqual(['depth EURUSD 3']);
		await depthTrigger.close();

		subscriptions.length = 0;
		await start({ ...hidden, depthSymbols: 'EURUSD', source: 'metrics' });
		expect(subscriptions.sort()).toEqual(sim.helio.accounts.map((account) => `metrics ${account.id}`).sort());
	});

	it('refuses a chosen source left empty, naming its field', async () => {
		await setUp();
		await expect(start({ source: 'depth', depthSymbols: '' })).rejects.toThrow(/^Order Book Depth Symbols is empty/);
		await expect(start({ source: 'symbols', symbols: ' ' })).rejects.toThrow(/^Symbols is empty/);
		await expect(start({ source: 'metrics', metrics: 'none' })).rejects.toThrow(/^Account Metrics is None/);
		expect(sim.helio.openSockets()).toBe(0);
	});

	it('refuses a wrong password at activation in plain words, and opens no socket', async () => {
		await setUp();
		useCredentials({ password: 'not-the-password-123' });
		const error = (await start().catch((caught: Error) => caught)) as Error;
		expect(error.message).toMatch(/^Authorization failed: Helio refused the credentials \(Helio refused the login: /);
		expect(sim.helio.openSockets()).toBe(0);
		expect(`${error.message} ${allLogText()}`).not.toContain('not-the-password-123');
	});

	it("refuses an unknown symbol at activation with Helio's error code", async () => {
		await setUp();
		await expect(start({ symbols: 'NOTASYMBOL' })).rejects.toMatchObject({
			message: expect.stringMatching(/Helio refused the subscription: .*UNKNOWN_SYMBOL/),
		});
	});

	it('turns quotes, executions, depth and metrics into items, and server errors into error items', async () => {
		await setUp();
		const account = sim.helio.accounts[0].id;
		const trigger = await start({ depthSymbols: 'EURUSD', metrics: 'list', accountIds: account });
		sim.helio.setQuote('EURUSD', 1.0843, 1.0844);
		await trigger.waitForItem((json) => json.event === 'quoteEvent', 'a quote');
		await trigger.waitForItem((json) => json.event === 'depthEvent', 'a depth update');
		const placed = sim.helio.placeOrderAs(account, {
			symbol_id: 'EURUSD',
			side: 'TRADE_SIDE_BUY',
			type: 'ORDER_TYPE_MARKET',
			time_in_force: 'TIF_IOC',
			volume: 7,
		});
		expect(placed.status).toBe(201);
		await trigger.waitForItem(
			(json) => json.event === 'executionEvent' && (json.data as { status?: string }).status === 'FILLED',
			'the fill',
		);
		await trigger.waitForItem((json) => json.event === 'metricsEvent', 'account metrics');
		sim.helio.faults.sendError('RATE_LIMIT', 'slow down');
		const error = await trigger.waitForItem((json) => json.event === 'error', 'the server error');

		const quote = trigger.items.find((item) => item.json.event === 'quoteEvent')!.json;
		expect(quote).toMatchObject({ venue: 'helio', source: 'websocket', data: { symbol: 'EURUSD', bid: 1.0843, ask: 1.0844 }, gap: null });
		const statuses = trigger.items
			.filter((item) => item.json.event === 'executionEvent')
			.map((item) => (item.json.data as { status: string }).status);
		expect(statuses).toEqual(['ACCEPTED', 'PARTIALLY_FILLED', 'FILLED']);
		expect(error.data).toEqual({ code: 'RATE_LIMIT', message: 'slow down' });
		const execution = trigger.recorder.emissions.find((emission) => emission.items[0].json.event === 'executionEvent')!;
		expect(execution.deduplicationKey).toMatch(/helio:execution:.+:ACCEPTED:/);
	});

	it('keeps only the latest quote per symbol within the window', async () => {
		await setUp();
		const trigger = await start({
			symbols: 'EURUSD, GBPUSD',
			events: ['quoteEvent'],
			options: { ...FAST, delivery: 'batch', batchWindowMs: 300, batchMaxItems: 0, keepLatest: true },
		});
		sim.helio.setQuote('EURUSD', 1.1, 1.1001);
		sim.helio.setQuote('GBPUSD', 1.3, 1.3002);
		sim.helio.setQuote('EURUSD', 1.2, 1.2001);
		const items = await trigger.waitForItems(2);
		expect(trigger.recorder.emissions).toHaveLength(1);
		expect(
			items.map((item) => [(item.json.data as { symbol: string }).symbol, (item.json.data as { bid: number }).bid, item.json.coalesced]),
		).toEqual([
			['EURUSD', 1.2, 2],
			['GBPUSD', 1.3, undefined],
		]);
	});

	it("answers Helio's protocol pings, so the server keeps it", async () => {
		await setUp();
		await start();
		const pong = sim.helio.events.waitFor('ws:protocol-pong');
		sim.helio.pingClients();
		await pong;
		const dropped = jest.fn();
		sim.helio.events.on('ws:ping-timeout', dropped);
		// Several of the server's own ping rounds (every 200 ms) pass without a drop.
		await sim.helio.events.waitFor('ws:protocol-pong');
		await sim.helio.events.waitFor('ws:protocol-pong');
		expect(dropped).not.toHaveBeenCalled();
		expect(sim.helio.openSockets()).toBe(1);
	});

	it('logs in again and reconnects before the token expires, marking the switch on the next item', async () => {
		await setUp({ tokenTtlSeconds: 2 });
		const trigger = await start();
		const relogin = sim.helio.events.waitFor('login', ({ ok }) => ok, 4000);
		const resubscribed = sim.helio.events.waitFor('ws:subscribe', undefined, 4000);
		await relogin;
		await resubscribed;
		sim.helio.setQuote('EURUSD', 1.05, 1.0501);
		const item = await trigger.waitForItem((json) => json.event === 'quoteEvent', 'a quote after the renewal');
		expect(item.gap).toMatchObject({ reconnects: 1, reasons: [expect.stringMatching(/^planned reconnect/)] });
		expect(item.connection).toMatchObject({ id: 2 });
		expect(trigger.recorder.emitErrors).toEqual([]);
	});

	it('recovers when Helio drops every token: a fresh login, the same subscriptions, a gap on the next item', async () => {
		await setUp();
		const trigger = await start();
		const relogin = sim.helio.events.waitFor('login', ({ ok }) => ok);
		const resubscribed = sim.helio.events.waitFor('ws:subscribe');
		expect(sim.helio.faults.expireTokens().sockets).toBe(1);
		await relogin;
		await resubscribed;
		sim.helio.setQuote('EURUSD', 1.06, 1.0601);
		const item = await trigger.waitForItem((json) => json.event === 'quoteEvent', 'a quote after the drop');
		expect(item.gap).toMatchObject({ reconnects: 1 });
		expect(trigger.recorder.emitErrors).toEqual([]);
	});

	describe('login refused after start', () => {
		const loginAttempts = () => {
			const attempts: Array<{ ok: boolean; at: number }> = [];
			sim.helio.events.on('login', ({ ok }) => attempts.push({ ok, at: Date.now() }));
			return attempts;
		};
		const startRefusable = () => start({ options: { ...FAST, ...REFUSAL } });
		const nextQuote = async (trigger: ActiveTrigger, bid: number) => {
			sim.helio.setQuote('EURUSD', bid, bid + 0.0001);
			return await trigger.waitForItem(
				(json) => json.event === 'quoteEvent' && (json.data as { bid: number }).bid === bid,
				`the quote at ${bid}`,
			);
		};

		it('stays active while Helio refuses the login on a reconnect, retries slowly, records it once, and resumes with the gap', async () => {
			await setUp();
			const trigger = await startRefusable();
			const attempts = loginAttempts();
			sim.helio.faults.refuseAuth(1500);
			sim.helio.faults.dropConnections();
			await trigger.recorder.until(() => trigger.recorder.failedExecutions.length > 0, 'the refusal recorded');
			expect(trigger.recorder.failedExecutions[0].message).toMatch(
				/^Helio refused the credentials: Helio refused the login: Invalid email or password\. The trigger stays active and tries again in \d+ s$/,
			);
			await sim.helio.events.waitFor('ws:subscribe', undefined, 10_000);
			const item = await nextQuote(trigger, 1.061);
			const refused = attempts.filter((attempt) => !attempt.ok);
			expect(refused.length).toBeGreaterThanOrEqual(2);
			for (let index = 1; index < refused.length; index++) {
				expect(refused[index].at - refused[index - 1].at).toBeGreaterThanOrEqual(150);
			}
			expect(item.gap).toMatchObject({
				reconnects: refused.length + 1,
				reasons: [
					expect.stringMatching(/^connection lost/),
					'credentials refused: Helio refused the login: Invalid email or password',
					expect.stringMatching(/^credentials accepted again after being refused for \d+ s/),
				],
			});
			expect(trigger.recorder.failedExecutions).toHaveLength(1);
			expect(trigger.recorder.emitErrors).toEqual([]);
			expect(sim.helio.openSockets()).toBe(1);
			expect((await nextQuote(trigger, 1.062)).gap).toBeNull();
		});

		it('logs in with a password corrected in n8n on the next attempt, without re-activating', async () => {
			await setUp();
			const trigger = await startRefusable();
			const attempts = loginAttempts();
			useCredentials({ password: 'changed-password-999' });
			sim.helio.faults.dropConnections();
			await trigger.recorder.until(() => trigger.recorder.failedExecutions.length > 0, 'the refusal recorded');
			useCredentials({});
			await sim.helio.events.waitFor('ws:subscribe', undefined, 10_000);
			const item = await nextQuote(trigger, 1.063);
			expect((item.gap as { reasons: string[] }).reasons).toContain(
				'credentials refused: Helio refused the login: Invalid email or password',
			);
			expect(attempts[0]).toMatchObject({ ok: false });
			expect(attempts.at(-1)).toMatchObject({ ok: true });
			expect(sim.helio.openSockets()).toBe(1);
			expect(trigger.recorder.emitErrors).toEqual([]);
			expect(allLogText()).not.toContain('changed-password-999');
		});

		it('leaves no socket and no retry behind when deactivated while refused', async () => {
			await setUp();
			const trigger = await startRefusable();
			sim.helio.faults.rejectLogin(true);
			sim.helio.faults.dropConnections();
			await trigger.recorder.until(() => trigger.recorder.failedExecutions.length > 0, 'the refusal recorded');
			await trigger.close();
			const logins = jest.fn();
			sim.helio.events.on('login', logins);
			sim.helio.faults.rejectLogin(false);
			await new Promise((resolve) => setTimeout(resolve, 3 * REFUSAL.refusalRetryMaxDelayMs));
			expect(logins).not.toHaveBeenCalled();
			expect(sim.helio.openSockets()).toBe(0);
		});

		it('logs in once for a refused login, however often n8n retries the activation (5 times in 2.41)', async () => {
			await setUp();
			const logins = jest.fn();
			sim.helio.events.on('login', logins);
			sim.helio.faults.refuseAuth(60_000);
			for (let attempt = 0; attempt < 5; attempt++) {
				await expect(startRefusable()).rejects.toThrow(/^Authorization failed: Helio refused the credentials/);
			}
			await new Promise((resolve) => setTimeout(resolve, 3 * REFUSAL.refusalRetryMaxDelayMs));
			expect(logins).toHaveBeenCalledTimes(1);
			expect(sim.helio.openSockets()).toBe(0);
		});
	});

	it('returns the first quote in manual mode and closes its socket', async () => {
		await setUp();
		const closed = sim.helio.events.waitFor('ws:close');
		const { items } = await harness.runManualTrigger(
			'helioTrigger',
			{ symbols: 'EURUSD', events: ['quoteEvent'], metrics: 'none', options: { ...FAST } } as never,
			'helioApi',
			{
				onStarted: async () => {
					await sim.helio.events.waitFor('ws:subscribe');
					sim.helio.setQuote('EURUSD', 1.07, 1.0701);
				},
			},
		);
		expect(items.map((item) => item.json.event)).toEqual(['quoteEvent']);
		await closed;
		expect(sim.helio.openSockets()).toBe(0);
	});

	it('keeps the password and every token out of logs, items and errors', async () => {
		await setUp({ tokenTtlSeconds: 2 });
		const trigger = await start();
		await sim.helio.events.waitFor('login', ({ ok }) => ok, 4000);
		await sim.helio.events.waitFor('ws:subscribe', undefined, 4000);
		sim.helio.faults.sendMalformed('schema');
		sim.helio.setQuote('EURUSD', 1.08, 1.0801);
		await trigger.waitForItem((json) => json.event === 'quoteEvent', 'a quote');
		const everything = [
			allLogText(),
			JSON.stringify(trigger.items),
			...trigger.recorder.failedExecutions.map((error) => `${error.message} ${(error as { description?: string }).description}`),
		].join('\n');
		expect(everything).not.toContain(sim.helio.password);
		// Helio's tokens are JWT-shaped (header.payload.signature): none may show anywhere.
		expect(everything).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);
		expect(everything).not.toMatch(/token=(?!\*\*\*)/);
	});
});
