/**
 * The demo's market-making loop, built only from this package's nodes, closes the loop against
 * a live simulated market: requests get quoted, acceptances get confirmed before their deadline,
 * settlements are reported.
 */
import { startAggScenario } from '../tools/demo/aggScenario';
import { startHelioScenario } from '../tools/demo/helioScenario';
import { startOpenMarketsScenario } from '../tools/demo/openMarketsScenario';
import { OpenMarketsApi } from '../credentials/OpenMarketsApi.credentials';
import { OpenMarketsTrigger } from '../nodes/OpenMarkets/OpenMarketsTrigger.node';
import { AggMarketApi } from '../credentials/AggMarketApi.credentials';
import { AggMarket } from '../nodes/AggMarket/AggMarket.node';
import { AggMarketTrigger } from '../nodes/AggMarket/AggMarketTrigger.node';
import { startMarketMakingLoop, type LoopStep } from '../tools/demo/marketMakingLoop';
import { HelioApi } from '../credentials/HelioApi.credentials';
import { Helio } from '../nodes/Helio/Helio.node';
import { HelioTrigger } from '../nodes/Helio/HelioTrigger.node';
import { Totalis } from '../nodes/Totalis/Totalis.node';
import { TotalisTrigger } from '../nodes/Totalis/TotalisTrigger.node';
import { TotalisApi } from '../credentials/TotalisApi.credentials';
import { startSimulator, type VenueSimulator } from 'trading-venues-simulator';
import { N8nHarness, useSimulatorCredentials } from './harness/n8n';

describe('demo: the market-making loop', () => {
	let sim: VenueSimulator;
	afterEach(async () => sim?.close());

	it('quotes requests, confirms every acceptance in time, and reports settlements', async () => {
		sim = await startSimulator({ totalis: { settleDelayMs: 150, executeDelayMs: 20 } });
		const harness = new N8nHarness({ nodes: { totalis: Totalis, totalisTrigger: TotalisTrigger }, credentialTypes: [TotalisApi] });
		useSimulatorCredentials(harness, sim, { types: ['totalisApi'] });
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

	it('reports a quote whose request changed meanwhile as raced, not failed, and quotes the new version', async () => {
		sim = await startSimulator({ totalis: { settleDelayMs: 150, executeDelayMs: 20 } });
		const harness = new N8nHarness({ nodes: { totalis: Totalis, totalisTrigger: TotalisTrigger }, credentialTypes: [TotalisApi] });
		useSimulatorCredentials(harness, sim, { types: ['totalisApi'] });
		const steps: LoopStep[] = [];
		let reportedRace: () => void = () => undefined;
		const raceReported = new Promise<void>((resolve) => (reportedRace = resolve));
		const loop = await startMarketMakingLoop(harness, (step) => {
			steps.push(step);
			if (step.kind === 'raced') reportedRace();
		});
		try {
			const request = sim.totalis.createQuoteRequest();
			// As the quote on version 1 reaches the venue, the request moves on to version 2.
			sim.totalis.faults.raceNextQuote(request.id);
			const requoted = await sim.totalis.events.waitFor('quote:submitted', ({ requestId }) => requestId === request.id, 10_000);
			expect(requoted.quote.request_version).toBe(request.version + 1);
			await raceReported;
		} finally {
			await loop.stop();
		}
		expect(loop.stats.failed).toBe(0);
		expect(loop.stats.raced).toBe(1);
		expect(steps.find((step) => step.kind === 'raced')?.text).toMatch(/ v1 raced: the request changed meanwhile$/);
	});

	it('Helio: places market orders through the Helio node and reports each fill from the trigger', async () => {
		sim = await startSimulator();
		const harness = new N8nHarness({ nodes: { helio: Helio, helioTrigger: HelioTrigger }, credentialTypes: [HelioApi] });
		useSimulatorCredentials(harness, sim, { types: ['helioApi'] });
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

	it('agg.market: reports orders to their end with balances, and a book resynced after a gap', async () => {
		sim = await startSimulator({ agg: { orderStepMs: 2 } });
		const harness = new N8nHarness({
			nodes: { aggMarket: AggMarket, aggMarketTrigger: AggMarketTrigger },
			credentialTypes: [AggMarketApi],
		});
		useSimulatorCredentials(harness, sim, { types: ['aggMarketApi'] });
		const steps: LoopStep[] = [];
		let wake: (() => void) | undefined;
		const nextStep = () => new Promise<void>((resolve) => (wake = resolve));
		const scenario = await startAggScenario(
			harness,
			sim.agg,
			(step) => {
				steps.push(step);
				wake?.();
			},
			{ gapEveryMs: 50 },
		);
		const [first] = sim.agg.outcomes;
		const seen = () =>
			steps.some((step) => step.kind === 'gap') && steps.some((step) => step.kind === 'portfolio') && scenario.stats.failures > 0;
		try {
			sim.agg.placeOrder({ venue: 'kalshi', side: 'buy', price: 0.5, size: 10, outcomeId: first.outcomeId, outcome: 'fill', retry: false });
			sim.agg.placeOrder({
				venue: 'limitless',
				side: 'buy',
				price: 0.5,
				size: 10,
				outcomeId: first.outcomeId,
				outcome: 'fail',
				retry: false,
			});
			// Each move changes the top of the book, so each is reported; a gap is armed every 50 ms.
			while (!seen()) {
				const next = nextStep();
				const best = sim.agg.book(first.outcomeId).bids[0];
				sim.agg.moveBook(first.outcomeId, { bidChanges: [{ price: best.price, totalSize: best.totalSize + 1 }] });
				await next;
			}
		} finally {
			await scenario.stop();
		}
		expect(steps.find((step) => step.kind === 'fill')?.text).toMatch(/filled on kalshi/);
		expect(steps.find((step) => step.kind === 'failed')?.text).toMatch(/failed/);
		expect(steps.find((step) => step.kind === 'portfolio')?.text).toMatch(/agg\.market cash: [\d.]+ USDC/);
		expect(steps.find((step) => step.kind === 'gap')?.text).toMatch(/resynced after a gap/);
	});

	it('OpenMarkets: reports full books and line moves, and re-reads every book after a drop', async () => {
		sim = await startSimulator({ openmarkets: { contests: 0 } });
		const contests = sim.openmarkets.addContests(3, { league_id: 'lg_nba', startsInMs: 3600_000 });
		const harness = new N8nHarness({ nodes: { openMarketsTrigger: OpenMarketsTrigger }, credentialTypes: [OpenMarketsApi] });
		useSimulatorCredentials(harness, sim, { types: ['openMarketsApi'] });
		const steps: LoopStep[] = [];
		let wake: (() => void) | undefined;
		const scenario = await startOpenMarketsScenario(
			harness,
			sim.openmarkets,
			(step) => {
				steps.push(step);
				wake?.();
			},
			{ dropEveryMs: 60_000 },
		);
		const until = async (done: () => boolean) => {
			while (!done()) await new Promise<void>((resolve) => (wake = resolve));
		};
		try {
			await until(() => scenario.stats.snapshots === 3);
			const liquidity = sim.openmarkets.liquidity(contests[0].id).positions[0].partner_liquidities[0];
			sim.openmarkets.moveLiquidity(contests[0].id, [
				{ liquidity_hash: liquidity.liquidity_hash, price: Number((liquidity.price + 0.05).toFixed(2)) },
			]);
			await until(() => scenario.stats.moves === 1);
			sim.openmarkets.faults.dropConnections();
			await until(() => scenario.stats.snapshots === 6);
		} finally {
			await scenario.stop();
		}
		expect(steps.find((step) => step.kind === 'quote')?.text).toMatch(/\(\+0\.05\)/);
		expect(steps.filter((step) => step.kind === 'book').map((step) => step.text.match(/\((\w+)\)/)?.[1])).toEqual([
			'subscribed',
			'subscribed',
			'subscribed',
			'reconnect',
			'reconnect',
			'reconnect',
		]);
		expect(steps.some((step) => step.kind === 'gap')).toBe(true);
	});
});
