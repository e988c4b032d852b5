/**
 * The demo's market-making loop, built only from this package's nodes, closes the loop against
 * a live simulated market: requests get quoted, acceptances get confirmed before their deadline,
 * settlements are reported.
 */
import { startHelioScenario } from '../demo/helioScenario';
import { startMarketMakingLoop, type LoopStep } from '../demo/marketMakingLoop';
import { HelioApi } from '../credentials/HelioApi.credentials';
import { Helio } from '../nodes/Helio/Helio.node';
import { HelioTrigger } from '../nodes/Helio/HelioTrigger.node';
import { Totalis } from '../nodes/Totalis/Totalis.node';
import { TotalisTrigger } from '../nodes/Totalis/TotalisTrigger.node';
import { TotalisApi } from '../credentials/TotalisApi.credentials';
import { startSimulator, type VenueSimulator } from '../simulator';
import { N8nHarness } from './harness/n8n';

describe('demo: the market-making loop', () => {
	let sim: VenueSimulator;
	afterEach(async () => sim?.close());

	it('quotes requests, confirms every acceptance in time, and reports settlements', async () => {
		sim = await startSimulator({ totalis: { settleDelayMs: 150, executeDelayMs: 20 } });
		const harness = new N8nHarness({ nodes: { totalis: Totalis, totalisTrigger: TotalisTrigger }, credentialTypes: [TotalisApi] });
		harness.setCredentials('totalisApi', { apiKey: sim.totalis.apiKey, baseUrl: sim.totalis.restUrl, wsUrl: sim.totalis.wsUrl });
		const confirmedAtVenue: string[] = [];
		sim.totalis.events.on('quote:confirmed', ({ quoteId }) => confirmedAtVenue.push(quoteId));
		const steps: LoopStep[] = [];
		const loop = await startMarketMakingLoop(harness, (step) => steps.push(step));
		sim.totalis.startMarket({
			newRequestEveryMs: 100,
			updateEveryMs: 0,
			autoAccept: { delayMs: 50, probability: 1 },
			competitorProbability: 0,
			initialRequests: 2,
		});

		const settledTwice = async () => {
			while (loop.stats.settled < 2) await sim.totalis.events.waitFor('ws:event', ({ type }) => type === 'position:settled', 10_000);
		};
		await settledTwice();
		sim.totalis.stopMarket();
		await loop.stop();

		expect(loop.stats.quoted).toBeGreaterThanOrEqual(2);
		expect(loop.stats.accepted).toBeGreaterThanOrEqual(2);
		expect(loop.stats.failed).toBe(0);
		// Every acceptance the loop saw was confirmed at the venue, none expired.
		expect(confirmedAtVenue.length).toBe(loop.stats.confirmed);
		expect(loop.stats.confirmed).toBe(loop.stats.accepted);
		expect(steps.some((step) => step.kind === 'expired')).toBe(false);
		expect(steps.filter((step) => step.kind === 'confirmed').every((step) => (step.latencyMs ?? Infinity) < 5000)).toBe(true);
	});

	it('Helio: places market orders through the Helio node and reports each fill from the trigger', async () => {
		sim = await startSimulator();
		const harness = new N8nHarness({ nodes: { helio: Helio, helioTrigger: HelioTrigger }, credentialTypes: [HelioApi] });
		harness.setCredentials('helioApi', { baseUrl: sim.helio.restUrl, email: sim.helio.email, password: sim.helio.password });
		const steps: LoopStep[] = [];
		const account = sim.helio.accounts[0].id;
		const scenario = await startHelioScenario(harness, account, (step) => steps.push(step), { orderEveryMs: 100 });
		while (scenario.stats.fills < 2) await sim.helio.events.waitFor('order:filled', undefined, 10_000);
		// The trigger reports a fill after the venue sends it: wait for the second report.
		while (steps.filter((step) => step.kind === 'fill').length < 2) await sim.helio.events.waitFor('ws:event', undefined, 10_000);
		await scenario.stop();
		expect(scenario.stats.failed).toBe(0);
		const fills = steps.filter((step) => step.kind === 'fill');
		expect(fills[0].text).toMatch(/filled: TRADE_SIDE_BUY 0.5 EURUSD/);
		expect(fills[1].text).toMatch(/filled: TRADE_SIDE_SELL 0.5 EURUSD/);
		expect(fills.every((step) => step.latencyMs !== undefined)).toBe(true);
	});
});
