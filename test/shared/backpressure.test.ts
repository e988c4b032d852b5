/**
 * Backpressure on emits through n8n-core's real TriggerContext: the Helio Trigger against the
 * simulated Helio, with executions that end only when the test says so (as slow workflows would).
 * n8n settles an emit's done promise when the execution ends; the trigger never has more than
 * "Max Executions in Flight" running, and what arrives meanwhile leaves as one batch.
 */
import type { IDataObject } from 'n8n-workflow';
import { HelioApi } from '../../credentials/HelioApi.credentials';
import { HelioTrigger } from '../../nodes/Helio/HelioTrigger.node';
import { startSimulator, type VenueSimulator } from 'trading-venues-simulator';
import { N8nHarness, onLog, type ActiveTrigger, type TriggerRecorder } from '../harness/n8n';

const FAST = { heartbeatIntervalMs: 200, silenceTimeoutMs: 5000, connectTimeoutMs: 3000, reconnectMaxDelayMs: 50 };

describe('backpressure: executions in flight per trigger', () => {
	const harness = new N8nHarness({ nodes: { helioTrigger: HelioTrigger }, credentialTypes: [HelioApi] });
	let sim: VenueSimulator;
	let trigger: ActiveTrigger | undefined;

	beforeEach(async () => {
		sim = await startSimulator({ helio: { pingIntervalMs: 1000 } });
		harness.setCredentials('helioApi', { baseUrl: sim.helio.restUrl, email: sim.helio.email, password: sim.helio.password });
	});

	afterEach(async () => {
		await trigger?.close();
		trigger = undefined;
		await sim.close();
	});

	async function start(maxInFlight: number) {
		trigger = await harness.startTrigger(
			'helioTrigger',
			{ symbols: 'EURUSD, GBPUSD', events: ['quoteEvent'], metrics: 'none', options: { ...FAST, maxInFlight } } as never,
			'helioApi',
			{ holdExecutions: true },
		);
		return trigger;
	}

	/** Records the most executions ever running at once. */
	function watchRunning(recorder: TriggerRecorder) {
		let most = 0;
		recorder.onRecord(() => (most = Math.max(most, recorder.runningExecutions.length)));
		return () => most;
	}

	/** From now on every execution ends shortly after it started. */
	function finishAsTheyCome(recorder: TriggerRecorder) {
		recorder.onRecord(() => setImmediate(() => recorder.finishExecutions()));
		recorder.finishExecutions();
	}

	/** Events the items stand for: an item that replaced others counts them too. */
	const eventsIn = (items: IDataObject[]) => items.reduce((sum, item) => sum + ((item.coalesced as number | undefined) ?? 1), 0);

	it('never runs more than the cap; what arrives meanwhile leaves as one execution, each item saying it waited', async () => {
		const { recorder } = await start(2);
		const mostRunning = watchRunning(recorder);
		for (let i = 1; i <= 40; i++) sim.helio.setQuote(i % 2 ? 'EURUSD' : 'GBPUSD', 1.1 + i / 10_000, 1.1005 + i / 10_000);
		await recorder.until(() => recorder.emissions.length >= 2, 'the first two executions');
		expect(recorder.emissions).toHaveLength(2);

		finishAsTheyCome(recorder);
		await recorder.until(() => eventsIn(recorder.items.map((item) => item.json)) >= 40, 'all 40 quotes');
		expect(mostRunning()).toBe(2);
		expect(recorder.items).toHaveLength(40);
		// Quotes still arrive in order, per symbol.
		for (const symbol of ['EURUSD', 'GBPUSD']) {
			const bids = recorder.items.map((item) => item.json.data as IDataObject).filter((data) => data.symbol === symbol);
			expect(bids.map((data) => data.bid)).toEqual([...bids.map((data) => data.bid)].sort());
		}
		// Events that waited for a slot left together.
		expect(recorder.emissions.length).toBeLessThan(40);
		for (const emission of recorder.emissions.slice(2)) {
			for (const item of emission.items) {
				if (emission.items.length > 1)
					expect(item.json.backpressure).toEqual({ batchSize: emission.items.length, waitedMs: expect.any(Number) });
			}
		}
		expect(recorder.emissions[0].items[0].json.backpressure).toBeUndefined();
	});

	it('past the waiting bound keeps the latest quote per symbol, and loses no event without saying so', async () => {
		const { recorder } = await start(1);
		const mostRunning = watchRunning(recorder);
		const sent = 6000;
		const bufferFull = new Promise<void>((resolve) => {
			const stop = onLog((line) => {
				if (line.level === 'warn' && /^Helio: n8n is slower than the stream: 5000 events wait/.test(line.message)) {
					stop();
					resolve();
				}
			});
		});
		for (let i = 1; i <= sent; i++) sim.helio.setQuote('EURUSD', 1 + i / 100_000, 1.0005 + i / 100_000);
		await recorder.until(() => recorder.emissions.length >= 1, 'the first execution');
		await bufferFull;
		expect(recorder.emissions).toHaveLength(1);
		finishAsTheyCome(recorder);
		await recorder.until(() => eventsIn(recorder.items.map((item) => item.json)) >= sent, `all ${sent} quotes accounted for`, 30_000);
		const items = recorder.items.map((item) => item.json);
		expect(eventsIn(items)).toBe(sent);
		// Quotes were replaced by later ones while the buffer was full.
		expect(items.length).toBeLessThan(sent);
		expect(items.every((item) => item.gap === null)).toBe(true);
		expect(mostRunning()).toBe(1);
		// The last quote sent is the last one delivered.
		expect((items[items.length - 1].data as IDataObject).bid).toBe(1 + sent / 100_000);
		// Everything that waited left together when the slot freed: the full buffer in one execution.
		expect(recorder.emissions[1].items).toHaveLength(5000);
		// No execution carried more than the waiting bound (5,000 items).
		expect(Math.max(...recorder.emissions.map((emission) => emission.items.length))).toBeLessThanOrEqual(5000);
	});

	it('with the cap at 0 starts an execution for every event at once', async () => {
		const { recorder } = await start(0);
		for (let i = 1; i <= 10; i++) sim.helio.setQuote('EURUSD', 1.2 + i / 10_000, 1.2005 + i / 10_000);
		await recorder.until(() => recorder.items.length >= 10, '10 quotes');
		// None of them has ended (the recorder holds every execution it is told about), and with
		// nothing to count n8n is not asked to tell when they end: no done signal to settle.
		expect(recorder.emissions).toHaveLength(10);
		expect(recorder.runningExecutions).toHaveLength(0);
	});
});
