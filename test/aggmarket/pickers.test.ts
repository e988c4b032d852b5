/**
 * agg.market's ID pickers against the simulator, run in n8n-core's real LoadOptionsContext as the
 * editor calls them: the markets and outcomes of the account's positions and orders (read page
 * by page), search, the Token ID list narrowed to the chosen market, a refused app said clearly;
 * then Quote → Get run with the IDs in each locator form and as plain strings saved before.
 */
import type { IDataObject } from 'n8n-workflow';
import { AggMarketApi } from '../../credentials/AggMarketApi.credentials';
import { AggMarket } from '../../nodes/AggMarket/AggMarket.node';
import { AggMarketTrigger } from '../../nodes/AggMarket/AggMarketTrigger.node';
import { startSimulator, type VenueSimulator } from 'trading-venues-simulator';
import { N8nHarness, simulatorCredentials } from '../harness/n8n';
import { nodeRunner } from '../harness/nodeRuns';

const POSITIONS = 150;
const WRONG_APP = 'app-not-ours';
const harness = new N8nHarness({ nodes: { aggMarket: AggMarket, aggMarketTrigger: AggMarketTrigger }, credentialTypes: [AggMarketApi] });
let sim: VenueSimulator;
const requests: string[] = [];
/** Every outcome of the account's positions and orders, read from the simulator directly. */
let held: Array<{ outcomeId: string; marketId?: string; title?: string }>;

beforeAll(async () => {
	sim = await startSimulator({ port: 0, agg: { positionCount: POSITIONS, orderStepMs: 1, seed: 3 } });
	sim.agg.events.on('rest:request', ({ method, path }) => requests.push(`${method} ${path.split('?')[0]}`));
	held = [...(await readAll('/execution/positions')), ...(await readAll('/execution/orders'))] as typeof held;
});

beforeEach(() => {
	requests.length = 0;
	useApp(sim.agg.appId);
});

afterAll(async () => {
	await sim?.close();
});

/** A credential with a refresh token of its own: refresh tokens are single-use, and each test starts afresh. */
function useApp(appId: string) {
	harness.setCredentials('aggMarketApi', {
		...simulatorCredentials(sim, { aggRefreshOnly: true }).aggMarketApi,
		appId,
		refreshToken: sim.agg.issueTokens().refreshToken,
	});
}

/** Every page of a list, read with a fresh token of the simulator's own. */
async function readAll(path: string): Promise<IDataObject[]> {
	const { accessToken } = sim.agg.issueTokens();
	const records: IDataObject[] = [];
	let cursor: string | undefined;
	do {
		const response = await fetch(`${sim.agg.restUrl}${path}?limit=100${cursor ? `&cursor=${cursor}` : ''}`, {
			headers: { 'x-app-id': sim.agg.appId, Authorization: `Bearer ${accessToken}` },
		});
		expect(response.status).toBe(200);
		const page = (await response.json()) as { data: IDataObject[]; nextCursor?: string | null; hasMore?: boolean };
		records.push(...page.data);
		cursor = page.hasMore === false ? undefined : (page.nextCursor ?? undefined);
	} while (cursor);
	return records;
}

const distinct = (values: Array<string | undefined>) => [...new Set(values.filter((value): value is string => Boolean(value)))].sort();
const run = nodeRunner(harness, 'aggMarket', 'aggMarketApi', () => ['agg_at_', 'agg_rt_']);
const quote = (marketId: unknown, tokenId: unknown) =>
	({ resource: 'quote', operation: 'get', venue: 'polymarket', marketId, tokenId, side: 'buy', amount: 5, slippageBps: 50 }) as never;

describe('Market ID and Token ID lists (Quote → Get)', () => {
	it("list the markets and outcomes of the account's positions and orders, every page", async () => {
		const markets = await harness.listSearch('aggMarket', 'searchMarkets', quote('', ''), 'aggMarketApi');
		expect(markets.results.map((entry) => entry.value).sort()).toEqual(distinct(held.map((record) => record.marketId)));
		const outcomes = await harness.listSearch('aggMarket', 'searchOutcomes', quote('', ''), 'aggMarketApi');
		expect(outcomes.results.map((entry) => entry.value).sort()).toEqual(distinct(held.map((record) => record.outcomeId)));
		// 150 positions are two pages of 100.
		expect(requests.filter((entry) => entry.endsWith('/execution/positions'))).toHaveLength(4);
	});

	it('name each outcome by its market title and side', async () => {
		const withTitle = held.find((record) => record.title)!;
		const outcomes = await harness.listSearch('aggMarket', 'searchOutcomes', quote('', ''), 'aggMarketApi');
		const entry = outcomes.results.find((result) => result.value === withTitle.outcomeId)!;
		expect(entry.name).toMatch(new RegExp(`^${withTitle.title}: .+ \\(${withTitle.outcomeId}\\)$`));
	});

	it('narrow the outcomes to the market chosen above, and to the search text', async () => {
		const market = held.find((record) => record.marketId)!.marketId!;
		const ofMarket = await harness.listSearch(
			'aggMarket',
			'searchOutcomes',
			quote({ __rl: true, mode: 'list', value: market }, ''),
			'aggMarketApi',
		);
		expect(ofMarket.results.length).toBeGreaterThan(0);
		const expected = distinct(held.filter((record) => record.marketId === market).map((record) => record.outcomeId));
		expect(ofMarket.results.map((entry) => entry.value).sort()).toEqual(expected);

		const yes = await harness.listSearch('aggMarket', 'searchOutcomes', quote('', ''), 'aggMarketApi', '_YES');
		expect(yes.results.length).toBeGreaterThan(0);
		expect(yes.results.every((entry) => `${entry.value} ${entry.name}`.toLowerCase().includes('_yes'))).toBe(true);
	});

	it('say clearly that agg.market refused the app, without a token', async () => {
		useApp(WRONG_APP);
		const error = (await harness
			.listSearch('aggMarket', 'searchMarkets', quote('', ''), 'aggMarketApi')
			.catch((caught: unknown) => caught)) as Error & { description?: string };
		expect(error).toBeInstanceOf(Error);
		expect(error.message).toMatch(/agg\.market/);
		expect(`${error.message} ${error.description ?? ''}`).toMatch(/app/i);
		expect(`${error.message} ${error.description ?? ''}`).not.toMatch(/agg_(at|rt)_/);
	});
});

describe('Outcome IDs options (trigger)', () => {
	it("offer the outcomes of the account's positions and orders", async () => {
		const options = await harness.loadOptions('aggMarketTrigger', 'getOutcomes', { source: 'orderBooks' }, 'aggMarketApi');
		expect(options.map((option) => String(option.value)).sort()).toEqual(distinct(held.map((record) => record.outcomeId)));
	});
});

describe('Quote → Get reads the IDs in every form', () => {
	it.each([
		[
			'picked from the lists',
			(m: string, t: string) => [
				{ __rl: true, mode: 'list', value: m },
				{ __rl: true, mode: 'list', value: t },
			],
		],
		[
			'given by ID',
			(m: string, t: string) => [
				{ __rl: true, mode: 'id', value: m },
				{ __rl: true, mode: 'id', value: t },
			],
		],
		[
			'given by expressions',
			(m: string, t: string) => [
				{ __rl: true, mode: 'id', value: `={{ "${m}" }}` },
				{ __rl: true, mode: 'id', value: `={{ "${t}" }}` },
			],
		],
		['saved as plain strings before', (m: string, t: string) => [m, t]],
	])('%s', async (_form, forms) => {
		const outcome = sim.agg.outcomes[0];
		const [marketId, tokenId] = forms(outcome.marketId, outcome.outcomeId);
		const result = await run(quote(marketId, tokenId));
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.canExecute).toBe(true);
		const posted = requests.filter((entry) => entry === 'POST /agg/execution/quote');
		expect(posted).toHaveLength(1);
	});
});

describe('the trigger reads picked outcomes and venues, and the text saved before', () => {
	const FAST = { silenceTimeoutMs: 800, connectTimeoutMs: 1500, reconnectMaxDelayMs: 50 };

	it.each([
		['picked from the list', (ids: string[]) => ids],
		['saved as comma-separated text', (ids: string[]) => ids.join(', ')],
	])('Outcome IDs %s: subscribes exactly those books', async (_form, given) => {
		const ids = sim.agg.outcomes.slice(0, 2).map((outcome) => outcome.outcomeId);
		const subscribed: string[] = [];
		const onSubscribe = ({ outcomeIds }: { outcomeIds: string[] }) => subscribed.push(...outcomeIds);
		sim.agg.events.on('ws:subscribe', onSubscribe);
		const parameters = { source: 'orderBooks', outcomeIds: given(ids), options: FAST };
		const trigger = await harness.startTrigger('aggMarketTrigger', parameters as never, 'aggMarketApi');
		try {
			expect(subscribed.sort()).toEqual([...ids].sort());
		} finally {
			await trigger.close();
			sim.agg.events.off('ws:subscribe', onSubscribe);
		}
	});

	it.each([
		['picked from the list', ['kalshi']],
		['saved as comma-separated text', 'kalshi'],
	])('Venues %s: lets only those venues through', async (_form, venues) => {
		const parameters = { source: 'userEvents', events: ['order_submitted'], venues, options: FAST };
		const trigger = await harness.startTrigger('aggMarketTrigger', parameters as never, 'aggMarketApi');
		try {
			const outcome = sim.agg.outcomes[0];
			for (const venue of ['polymarket', 'kalshi'] as const) {
				sim.agg.placeOrder({ venue, side: 'buy', price: 0.5, size: 1, outcomeId: outcome.outcomeId, outcome: 'fill', retry: false });
			}
			const item = await trigger.waitForItem((json) => json.event === 'order_submitted', 'the kalshi order');
			expect((item.data as IDataObject).venue).toBe('kalshi');
			expect(trigger.items.map((entry) => (entry.json.data as IDataObject).venue)).toEqual(['kalshi']);
		} finally {
			await trigger.close();
		}
	});
});
