/**
 * OpenMarkets' ID pickers against the simulator, run in n8n-core's real LoadOptionsContext as the
 * editor calls them: leagues, contests page by page (the venue's cursor as the list's page
 * token), a search that reads on until it finds matches, a refused key said clearly; then the
 * nodes run with the picked forms and with the plain text saved before the fields were pickers.
 */
import { OpenMarketsApi } from '../../credentials/OpenMarketsApi.credentials';
import { OpenMarkets } from '../../nodes/OpenMarkets/OpenMarkets.node';
import { OpenMarketsTrigger } from '../../nodes/OpenMarkets/OpenMarketsTrigger.node';
import { startSimulator, type VenueSimulator } from 'trading-venues-simulator';
import { N8nHarness, simulatorCredentials } from '../harness/n8n';
import { nodeRunner } from '../harness/nodeRuns';

const EXTRA_CONTESTS = 230;
const WRONG_KEY = 'om-not-the-key-123456';
const harness = new N8nHarness({
	nodes: { openMarkets: OpenMarkets, openMarketsTrigger: OpenMarketsTrigger },
	credentialTypes: [OpenMarketsApi],
});
let sim: VenueSimulator;
let lastContest: { id: string; title: string };
const requests: string[] = [];

beforeAll(async () => {
	sim = await startSimulator({ port: 0, openmarkets: { seed: 5 } });
	sim.openmarkets.addContests(EXTRA_CONTESTS, { league_id: 'lg_nhl', startsInMs: 5 * 3_600_000 });
	// Listed last (the simulator lists contests in start order): a search must read every page to find it.
	lastContest = sim.openmarkets.addContest({
		title: 'Picker Derby',
		league_id: 'lg_epl',
		starts_at: new Date(Date.now() + 30 * 86_400_000).toISOString(),
	});
	sim.openmarkets.events.on('rest:request', ({ method, path }) => requests.push(`${method} ${path.split('?')[0]}`));
});

beforeEach(() => {
	requests.length = 0;
	useKey(sim.openmarkets.apiKey);
});

afterAll(async () => {
	await sim?.close();
});

function useKey(apiKey: string) {
	harness.setCredentials('openMarketsApi', { ...simulatorCredentials(sim).openMarketsApi, apiKey });
}

const run = nodeRunner(harness, 'openMarkets', 'openMarketsApi', () => [sim.openmarkets.apiKey, WRONG_KEY]);
const allContestIds = () => sim.openmarkets.contests().map((contest) => contest.id);
const getContest = (contestId: unknown) => ({ resource: 'contest', operation: 'get', contestId }) as never;

describe('League IDs options', () => {
	it('offers every league, by name and ID', async () => {
		const options = await harness.loadOptions(
			'openMarkets',
			'getLeagues',
			{ resource: 'participant', operation: 'getAll' },
			'openMarketsApi',
		);
		expect(options.map((option) => option.name)).toEqual(['EPL (lg_epl)', 'NBA (lg_nba)', 'NFL (lg_nfl)', 'NHL (lg_nhl)']);
		expect(options.find((option) => option.value === 'lg_epl')?.description).toBe('soccer');
	});

	it('are offered by the trigger too', async () => {
		const options = await harness.loadOptions('openMarketsTrigger', 'getLeagues', { contests: 'rule' }, 'openMarketsApi');
		expect(options.map((option) => option.value).sort()).toEqual(['lg_epl', 'lg_nba', 'lg_nfl', 'lg_nhl']);
	});
});

describe('Contest ID list', () => {
	it("pages through every contest with OpenMarkets' cursor", async () => {
		const seen: string[] = [];
		let token: string | undefined;
		let pages = 0;
		do {
			const page = await harness.listSearch('openMarkets', 'searchContests', getContest(''), 'openMarketsApi', undefined, token);
			seen.push(...page.results.map((entry) => String(entry.value)));
			token = page.paginationToken;
			pages++;
		} while (token);
		expect(pages).toBe(3);
		expect(seen.sort()).toEqual(allContestIds().sort());
		expect(requests).toEqual(Array(3).fill('GET /openmarkets/flow/v1/contests'));
	});

	it('shows each contest by title and ID, with league, start and status', async () => {
		const page = await harness.listSearch('openMarkets', 'searchContests', getContest(''), 'openMarketsApi', 'picker derby');
		expect(page.results).toEqual([
			{
				name: `Picker Derby (${lastContest.id})`,
				value: lastContest.id,
				description: expect.stringMatching(/^lg_epl · starts \d{4}-.* · scheduled$/),
			},
		]);
		// The only match is on the last page: the search read on to it.
		expect(requests).toHaveLength(3);
		expect(page.paginationToken).toBeUndefined();
	});

	it('finds a contest by part of its ID', async () => {
		const fragment = lastContest.id.slice(-6).toUpperCase();
		const page = await harness.listSearch('openMarkets', 'searchContests', getContest(''), 'openMarketsApi', fragment);
		expect(page.results.map((entry) => entry.value)).toContain(lastContest.id);
		expect(page.results.every((entry) => String(entry.value).toUpperCase().includes(fragment))).toBe(true);
	});

	it('says clearly that the API key was refused, without the key', async () => {
		useKey(WRONG_KEY);
		const error = (await harness
			.listSearch('openMarkets', 'searchContests', getContest(''), 'openMarketsApi')
			.catch((caught: unknown) => caught)) as Error & { description?: string };
		expect(error.message).toMatch(/^OpenMarkets refused the API key \(HTTP 401\), so it could not list the contests/);
		expect(JSON.stringify({ message: error.message, description: error.description })).not.toContain(WRONG_KEY);
	});
});

describe('Contest IDs options', () => {
	it('offer the contests of the first pages, for the trigger and Contest → Watch', async () => {
		const options = await harness.loadOptions('openMarketsTrigger', 'getContests', { contests: 'list' }, 'openMarketsApi');
		expect(options.map((option) => String(option.value)).sort()).toEqual(allContestIds().sort());
	});
});

describe('Partners options (trigger, Contest → Watch)', () => {
	const partnersOf = (contestId: string) =>
		sim.openmarkets.liquidity(contestId).positions.flatMap((position) => position.partner_liquidities.map((quote) => quote.partner_id));

	it("offer the partners quoting on the chosen contests' books", async () => {
		const chosen = allContestIds().slice(0, 2);
		const options = await harness.loadOptions(
			'openMarketsTrigger',
			'getPartners',
			{ contests: 'list', contestIds: chosen },
			'openMarketsApi',
		);
		expect(options.map((option) => option.value).sort()).toEqual([...new Set(chosen.flatMap(partnersOf))].sort());
		expect(options.find((option) => option.value === 'kalshi')?.name).toBe('Kalshi (kalshi)');
		expect(requests).toEqual(chosen.map((id) => `GET /openmarkets/flow/v1/contests/${id}/liquidity`));
	});

	it('read the books of the first contests listed when none is chosen', async () => {
		const options = await harness.loadOptions('openMarkets', 'getPartners', { resource: 'contest', operation: 'watch' }, 'openMarketsApi');
		expect(options.length).toBeGreaterThan(0);
		expect(requests[0]).toBe('GET /openmarkets/flow/v1/contests');
		const books = requests.slice(1);
		expect(books).toHaveLength(5);
		const read = books.map((entry) => entry.split('/')[5]);
		expect(options.map((option) => option.value).sort()).toEqual([...new Set(read.flatMap(partnersOf))].sort());
	});
});

describe('the action node reads the picked forms and the text saved before', () => {
	it.each([
		['a contest picked from the list', () => ({ __rl: true, mode: 'list', value: lastContest.id, cachedResultName: lastContest.title })],
		['a contest given by ID', () => ({ __rl: true, mode: 'id', value: lastContest.id })],
		['a contest given by an expression', () => ({ __rl: true, mode: 'id', value: `={{ "${lastContest.id}" }}` })],
		['a contest ID saved as a plain string', () => lastContest.id],
	])('Contest → Get with %s', async (_form, contestId) => {
		const result = await run(getContest(contestId()));
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.id)).toEqual([lastContest.id]);
	});

	it.each([
		['picked from the list', ['lg_nba', 'lg_epl']],
		['saved as comma-separated text', 'lg_nba, lg_epl'],
	])('Participant → Get Many with League IDs %s', async (_form, leagueIds) => {
		const result = await run({ resource: 'participant', operation: 'getAll', leagueIds, returnAll: true } as never);
		expect(result.error).toBeUndefined();
		const leagues = new Set(result.items.map((item) => item.json.league_id));
		expect([...leagues]).toEqual(['lg_nba', 'lg_epl']);
	});

	it('Participant → Get Many with no league picked reads every league', async () => {
		const result = await run({ resource: 'participant', operation: 'getAll', leagueIds: [], returnAll: true } as never);
		expect(result.error).toBeUndefined();
		expect(new Set(result.items.map((item) => item.json.league_id)).size).toBe(4);
	});
});

describe('the trigger reads picked contests', () => {
	const FAST = { heartbeatIntervalMs: 100, silenceTimeoutMs: 800, connectTimeoutMs: 1500, reconnectMaxDelayMs: 50 };

	it.each([
		['picked from the list', (ids: string[]) => ids],
		['saved as comma-separated text', (ids: string[]) => ids.join(', ')],
	])('Contest IDs %s: subscribes exactly those contests', async (_form, given) => {
		const ids = allContestIds().slice(0, 2);
		const parameters = { contests: 'list', contestIds: given(ids), channels: ['liquidity'], options: FAST };
		const trigger = await harness.startTrigger('openMarketsTrigger', parameters as never, 'openMarketsApi');
		try {
			expect(sim.openmarkets.subscriptions()).toEqual([expect.objectContaining({ liquidity: ids })]);
		} finally {
			await trigger.close();
		}
	});
});

describe('the trigger reads picked partners', () => {
	const FAST = { heartbeatIntervalMs: 100, silenceTimeoutMs: 800, connectTimeoutMs: 1500, reconnectMaxDelayMs: 50 };

	it.each([
		['picked from the list', ['kalshi']],
		['saved as text', 'kalshi'],
	])('Partners %s: the full book keeps only those partners', async (_form, partners) => {
		const [contestId] = allContestIds();
		const parameters = { contests: 'list', contestIds: [contestId], channels: ['liquidity'], partners, options: FAST };
		const trigger = await harness.startTrigger('openMarketsTrigger', parameters as never, 'openMarketsApi');
		try {
			const book = await trigger.waitForItem((json) => json.event === 'liquidity.snapshot', 'the full book');
			const quoted = (book.data as { positions: Array<{ partner_liquidities: Array<{ partner_id: string }> }> }).positions.flatMap(
				(position) => position.partner_liquidities.map((quote) => quote.partner_id),
			);
			expect(quoted.length).toBeGreaterThan(0);
			expect(new Set(quoted)).toEqual(new Set(['kalshi']));
		} finally {
			await trigger.close();
		}
	});
});
