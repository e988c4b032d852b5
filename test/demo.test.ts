/**
 * The demo's market-making loop, built only from this package's nodes, closes the loop against
 * a live simulated market: requests get quoted, acceptances get confirmed before their deadline,
 * settlements are reported.
 */
import { startMarketMakingLoop, type LoopStep } from '../demo/marketMakingLoop';
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
});
