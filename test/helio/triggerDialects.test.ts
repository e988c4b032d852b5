/**
 * The Helio Trigger against each reading of what Helio's docs leave open (the simulator's
 * dialects): event field names, depth levels, how depth and metrics are acknowledged, and what
 * happens when nothing acknowledges them. Through n8n-core's real TriggerContext, over loopback.
 */
import { HelioApi } from '../../credentials/HelioApi.credentials';
import { HelioTrigger } from '../../nodes/Helio/HelioTrigger.node';
import { DIALECTS, startSimulator, type VenueSimulator } from 'trading-venues-simulator';
import { N8nHarness, useSimulatorCredentials, type ActiveTrigger } from '../harness/n8n';

const FAST = { heartbeatIntervalMs: 100, silenceTimeoutMs: 800, connectTimeoutMs: 1500, reconnectMaxDelayMs: 50 };

type Data = Record<string, unknown>;
const dataOf = (json: Data): Data => json.data as Data;

describe.each(DIALECTS.helio)('Helio Trigger, dialect %s', (dialect) => {
	const snake = dialect === 'snake';
	const harness = new N8nHarness({ nodes: { helioTrigger: HelioTrigger }, credentialTypes: [HelioApi] });
	let sim: VenueSimulator;
	const triggers: ActiveTrigger[] = [];

	beforeEach(async () => {
		sim = await startSimulator({ helio: { pingIntervalMs: 200, dialect } });
		useSimulatorCredentials(harness, sim, { types: ['helioApi'] });
	});

	afterEach(async () => {
		for (const trigger of triggers.splice(0)) await trigger.close();
		await sim.close();
	});

	async function start(parameters: Record<string, unknown>) {
		const trigger = await harness.startTrigger(
			'helioTrigger',
			{ symbols: 'EURUSD', events: ['executionEvent', 'portfolioEvent'], metrics: 'none', options: { ...FAST }, ...parameters } as never,
			'helioApi',
		);
		triggers.push(trigger);
		return trigger;
	}

	const marketBuy = (account: string, volume: number) =>
		sim.helio.placeOrderAs(account, {
			symbol_id: 'EURUSD',
			side: 'TRADE_SIDE_BUY',
			type: 'ORDER_TYPE_MARKET',
			time_in_force: 'TIF_IOC',
			volume,
		});

	it('delivers execution and portfolio events with the payload as sent, deduplicated by order, status and filled volume', async () => {
		const account = sim.helio.accounts[0].id;
		const trigger = await start({});
		expect(marketBuy(account, 7).status).toBe(201);
		const filled = await trigger.waitForItem((json) => json.event === 'executionEvent' && dataOf(json).status === 'FILLED', 'the fill');
		const portfolio = await trigger.waitForItem((json) => json.event === 'portfolioEvent', 'the portfolio');

		const orderId = dataOf(filled)[snake ? 'order_id' : 'orderId'];
		expect(orderId).toEqual(expect.any(String));
		// The payload is Helio's, unchanged: no field renamed or added.
		expect(Object.keys(dataOf(filled)).some((name) => (snake ? /[A-Z]/ : /_/).test(name))).toBe(false);
		expect(dataOf(portfolio)[snake ? 'account_id' : 'accountId']).toBe(account);
		const executions = trigger.recorder.emissions.filter((emission) => emission.items[0].json.event === 'executionEvent');
		expect(executions.map((emission) => dataOf(emission.items[0].json).status)).toEqual(['ACCEPTED', 'PARTIALLY_FILLED', 'FILLED']);
		for (const { items, deduplicationKey } of executions) {
			const data = dataOf(items[0].json);
			const filledVolume = data[snake ? 'filled_volume' : 'filledVolume'];
			expect(filledVolume).toEqual(expect.any(Number));
			expect(deduplicationKey).toMatch(new RegExp(`:helio:execution:${String(orderId)}:${String(data.status)}:${String(filledVolume)}$`));
		}
		expect(trigger.recorder.failedExecutions).toEqual([]);
		expect(trigger.items.every((item) => item.json.gap === null)).toBe(true);
	});

	it('keeps the latest execution per order, whichever way the order id is spelled', async () => {
		const account = sim.helio.accounts[0].id;
		const trigger = await start({
			events: ['executionEvent'],
			options: { ...FAST, delivery: 'batch', batchWindowMs: 400, batchMaxItems: 0, keepLatest: true },
		});
		const orders = [marketBuy(account, 1), marketBuy(account, 2)];
		expect(orders.map((order) => order.status)).toEqual([201, 201]);
		const items = await trigger.waitForItems(2);
		const ids = items.map((item) => dataOf(item.json)[snake ? 'order_id' : 'orderId']);
		expect(new Set(ids).size).toBe(2);
		expect(items.map((item) => dataOf(item.json).status)).toEqual(['FILLED', 'FILLED']);
	});

	it('activates with depth and every account metrics (the defaults), and delivers every depth level form', async () => {
		const trigger = await start({ symbols: '', events: [], depthSymbols: 'EURUSD', depthLevels: 2, metrics: 'all' });
		if (!snake) sim.helio.setQuote('EURUSD', 1.0843, 1.0844);
		// In snake the first depth event, which acknowledged the subscription, is an item too.
		const depth = await trigger.waitForItem((json) => json.event === 'depthEvent', 'a depth event');
		const level = (dataOf(depth).bids as unknown[])[0];
		expect(level).toEqual(snake ? { price: expect.any(Number), volume: expect.any(Number) } : [expect.any(Number), expect.any(Number)]);
		if (snake) {
			const metrics = await trigger.waitForItem((json) => json.event === 'metricsEvent', 'the first metrics');
			expect(sim.helio.accounts.map((account) => account.id)).toContain(dataOf(metrics).account_id);
		}
		expect(trigger.recorder.failedExecutions).toEqual([]);
	});

	it('goes on with a warning naming the subscriptions when nothing acknowledges depth and metrics', async () => {
		const account = sim.helio.accounts[0].id;
		sim.helio.faults.silence(true);
		const trigger = await start({
			symbols: '',
			events: [],
			depthSymbols: 'EURUSD',
			metrics: 'list',
			accountIds: account,
			options: { ...FAST, silenceTimeoutMs: 10_000 },
		});
		expect(trigger.recorder.failedExecutions.map((error) => error.message)).toEqual([
			`Helio did not acknowledge the subscription to depth of EURUSD; metrics of account ${account} within 750 ms (the login succeeded); the trigger goes on, and their events start the workflow when Helio sends them`,
		]);
		expect(trigger.recorder.failedExecutions[0]).toMatchObject({ level: 'warning' });
		sim.helio.faults.silence(false);
		sim.helio.setQuote('EURUSD', 1.2, 1.2002);
		const depth = await trigger.waitForItem((json) => json.event === 'depthEvent', 'a depth event after the silence');
		expect(depth.gap).toBeNull();
		expect(trigger.recorder.emitErrors).toEqual([]);
	});

	it('goes on with a warning when Helio acknowledges the events subscription but not depth and metrics', async () => {
		const account = sim.helio.accounts[0].id;
		sim.helio.faults.withholdAcknowledgements(['depth', 'metrics']);
		const trigger = await start({ events: ['quoteEvent'], depthSymbols: 'EURUSD', metrics: 'list', accountIds: account });
		expect(trigger.recorder.failedExecutions.map((error) => error.message)).toEqual([
			`Helio did not acknowledge the subscription to depth of EURUSD; metrics of account ${account} within 750 ms (the login succeeded); the trigger goes on, and their events start the workflow when Helio sends them`,
		]);
		sim.helio.setQuote('EURUSD', 1.3, 1.3002);
		await trigger.waitForItem((json) => json.event === 'quoteEvent', 'a quote');
		await trigger.waitForItem((json) => json.event === 'depthEvent', 'a depth event');
		expect(trigger.recorder.emitErrors).toEqual([]);
	});

	it('fails activation naming the events subscription Helio never acknowledged, and says the login succeeded', async () => {
		sim.helio.faults.silence(true);
		await expect(start({})).rejects.toThrow(
			'Helio did not answer in time: Helio did not acknowledge the subscription to executionEvent, portfolioEvent of EURUSD within 1350 ms (the login succeeded)',
		);
	});

	it('names the refused depth subscription and says the login succeeded', async () => {
		await expect(start({ symbols: '', events: [], depthSymbols: 'NOTASYMBOL' })).rejects.toThrow(
			'Helio refused the subscription: UNKNOWN_SYMBOL: Unknown symbol: NOTASYMBOL (the login succeeded; awaiting the acknowledgement of depth of NOTASYMBOL)',
		);
	});
});
