/**
 * Contest → Get Many and Participant → Get Many against each dialect of the simulated OpenMarkets
 * (docs/venues/openmarkets.md#undocumented-details-and-what-the-nodes-accept). The variant ignores
 * the start window, takes one `league_id`, lists contests in id order and names the start
 * `start_time`: the node asks league by league, keeps the window and sorts by start itself, then
 * applies the Limit; the same data gives the same contests in both dialects.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { OpenMarketsApi } from '../../credentials/OpenMarketsApi.credentials';
import { OpenMarkets } from '../../nodes/OpenMarkets/OpenMarkets.node';
import { DIALECTS, ManualClock, startSimulator, type VenueSimulator } from 'trading-venues-simulator';
import { N8nHarness, useSimulatorCredentials } from '../harness/n8n';
import { nodeRunner } from '../harness/nodeRuns';

type Contest = ReturnType<VenueSimulator['openmarkets']['contests']>[number];
type Dialect = (typeof DIALECTS.openmarkets)[number];

const HOUR_MS = 3_600_000;
const SEED = 11;
const CONTESTS_PATH = 'GET /openmarkets/flow/v1/contests 200';
const PARTICIPANTS_PATH = 'GET /openmarkets/flow/v1/participants 200';

const harness = new N8nHarness({ nodes: { openMarkets: OpenMarkets }, credentialTypes: [OpenMarketsApi] });

/** A simulator whose contests depend only on the seed and the (manual) clock, so every dialect holds the same ones. */
async function startWithContests(dialect: Dialect): Promise<{ sim: VenueSimulator; now: number; calls: string[] }> {
	const clock = new ManualClock();
	const now = clock.now();
	const sim = await startSimulator({ port: 0, openmarkets: { seed: SEED, clock, dialect } });
	// More than a page of 100 for one league, so the node follows the cursor within a league.
	sim.openmarkets.addContests(150, { league_id: 'lg_nba', startsInMs: 5 * HOUR_MS });
	// Added latest first: neither the order added nor the ids give the start order.
	for (const hours of [4, 3.5, 3, 2.5, 2]) sim.openmarkets.addContest({ league_id: 'lg_nfl', starts_at: at(now, hours) });
	// On the bounds of the window the tests ask for: Starts After is inclusive, Starts Before exclusive.
	for (const hours of [20, 10, 15]) sim.openmarkets.addContest({ league_id: 'lg_epl', starts_at: at(now, hours) });
	const calls: string[] = [];
	sim.openmarkets.events.on('rest:request', ({ method, path, status }) => calls.push(`${method} ${path} ${status}`));
	return { sim, now, calls };
}

const at = (now: number, hours: number) => new Date(now + hours * HOUR_MS).toISOString();
const byStart = (contests: Contest[]): Contest[] =>
	[...contests].sort((a, b) => `${a.starts_at}|${a.id}`.localeCompare(`${b.starts_at}|${b.id}`));
const ids = (items: Array<{ json: IDataObject }>) => items.map((item) => item.json.id);

describe.each(DIALECTS.openmarkets)('OpenMarkets Get Many, dialect %s', (dialect) => {
	let sim: VenueSimulator;
	let now: number;
	let calls: string[];
	const run = nodeRunner(harness, 'openMarkets', 'openMarketsApi', () => [sim.openmarkets.apiKey]);
	const getContests = (parameters: INodeParameters) => run({ resource: 'contest', operation: 'getAll', ...parameters });
	/** A contest as this dialect sends it: the node passes it on unchanged. */
	const asSent = ({ starts_at, ...rest }: Contest): IDataObject =>
		dialect === 'docs' ? { starts_at, ...rest } : { ...rest, start_time: starts_at };

	beforeAll(async () => {
		({ sim, now, calls } = await startWithContests(dialect));
	});

	beforeEach(() => {
		calls.length = 0;
		useSimulatorCredentials(harness, sim, { types: ['openMarketsApi'] });
	});

	afterAll(async () => {
		await sim?.close();
	});

	it('two leagues, a start window and a Limit: the soonest contests of both leagues in the window, asked league by league', async () => {
		const filters = { leagueIds: 'lg_nba, lg_nfl', startsAfter: at(now, 1), startsBefore: at(now, 48) };
		const result = await getContests({ returnAll: false, limit: 20, filters });
		expect(result.error).toBeUndefined();
		const inWindow = byStart(
			sim.openmarkets
				.contests()
				.filter((c) => ['lg_nba', 'lg_nfl'].includes(c.league_id) && c.starts_at >= at(now, 1) && c.starts_at < at(now, 48)),
		);
		expect(inWindow.length).toBeGreaterThan(150);
		const expected = inWindow.slice(0, 20);
		expect(new Set(expected.map((c) => c.league_id))).toEqual(new Set(['lg_nba', 'lg_nfl']));
		expect(result.items.map((item) => item.json)).toEqual(expected.map(asSent));
		// NBA over two pages, then NFL: never the comma list the variant reads as one unknown league.
		expect(calls).toEqual(Array(3).fill(CONTESTS_PATH));
	});

	it('Return All without filters: every contest, soonest first, as sent', async () => {
		const result = await getContests({ returnAll: true });
		expect(result.error).toBeUndefined();
		const expected = byStart(sim.openmarkets.contests());
		expect(expected.length).toBeGreaterThan(100);
		expect(result.items.map((item) => item.json)).toEqual(expected.map(asSent));
		expect(calls).toEqual(Array(Math.ceil(expected.length / 100)).fill(CONTESTS_PATH));
	});

	it('keeps Starts After (inclusive) and Starts Before (exclusive) itself', async () => {
		const result = await getContests({
			returnAll: true,
			filters: { leagueIds: 'lg_epl', startsAfter: at(now, 10), startsBefore: at(now, 20) },
		});
		expect(result.error).toBeUndefined();
		const epl = sim.openmarkets.contests().filter((c) => c.league_id === 'lg_epl');
		const startingAt = (hours: number) => epl.find((c) => c.starts_at === at(now, hours))!.id;
		const expected = byStart(epl.filter((c) => c.starts_at >= at(now, 10) && c.starts_at < at(now, 20))).map((c) => c.id);
		expect(expected).toEqual(expect.arrayContaining([startingAt(10), startingAt(15)]));
		expect(expected).not.toContain(startingAt(20));
		expect(ids(result.items)).toEqual(expected);
	});

	it('reads each league once, and a Status with the leagues', async () => {
		const result = await getContests({ returnAll: true, filters: { leagueIds: 'lg_nfl,lg_nfl', statuses: ['scheduled'] } });
		expect(result.error).toBeUndefined();
		const expected = byStart(sim.openmarkets.contests().filter((c) => c.league_id === 'lg_nfl' && c.status === 'scheduled'));
		expect(expected.length).toBeGreaterThanOrEqual(5);
		expect(ids(result.items)).toEqual(expected.map((c) => c.id));
		expect(calls).toEqual([CONTESTS_PATH]);
	});

	it('Participant → Get Many: league by league in the order given, the Limit across them', async () => {
		const ofLeague = (leagueId: string) => sim.openmarkets.participants(leagueId).sort((a, b) => a.id.localeCompare(b.id));
		const nfl = ofLeague('lg_nfl');
		const nba = ofLeague('lg_nba');
		const all = await run({ resource: 'participant', operation: 'getAll', leagueIds: 'lg_nfl, lg_nba', returnAll: true });
		expect(all.error).toBeUndefined();
		expect(all.items.map((item) => item.json)).toEqual([...nfl, ...nba]);
		expect(calls).toEqual([PARTICIPANTS_PATH, PARTICIPANTS_PATH]);

		calls.length = 0;
		const limited = await run({
			resource: 'participant',
			operation: 'getAll',
			leagueIds: 'lg_nfl, lg_nba',
			returnAll: false,
			limit: nfl.length + 2,
		});
		expect(limited.items.map((item) => item.json)).toEqual([...nfl, ...nba.slice(0, 2)]);
		expect(calls).toEqual([PARTICIPANTS_PATH, PARTICIPANTS_PATH]);

		calls.length = 0;
		const firstLeagueOnly = await run({
			resource: 'participant',
			operation: 'getAll',
			leagueIds: 'lg_nfl, lg_nba',
			returnAll: false,
			limit: 3,
		});
		expect(firstLeagueOnly.items.map((item) => item.json)).toEqual(nfl.slice(0, 3));
		expect(calls).toEqual([PARTICIPANTS_PATH]);
	});
});

describe('OpenMarkets Get Many gives the same results in every dialect for the same data', () => {
	const sims = new Map<Dialect, VenueSimulator>();
	let now: number;
	let current: VenueSimulator;
	const run = nodeRunner(harness, 'openMarkets', 'openMarketsApi', () => [current.openmarkets.apiKey]);

	beforeAll(async () => {
		for (const dialect of DIALECTS.openmarkets) {
			const started = await startWithContests(dialect);
			sims.set(dialect, started.sim);
			now = started.now;
		}
	});

	afterAll(async () => {
		for (const sim of sims.values()) await sim.close();
	});

	it('holds the same contests in every dialect (the comparison below rests on it)', () => {
		const [first, ...others] = [...sims.values()].map((sim) => sim.openmarkets.contests());
		for (const other of others) expect(other).toEqual(first);
	});

	const queries: Array<[string, () => INodeParameters]> = [
		['contests, Return All', () => ({ resource: 'contest', operation: 'getAll', returnAll: true })],
		['contests, Limit 7', () => ({ resource: 'contest', operation: 'getAll', returnAll: false, limit: 7 })],
		[
			'contests of three leagues in a window, Limit 30',
			() => ({
				resource: 'contest',
				operation: 'getAll',
				returnAll: false,
				limit: 30,
				filters: { leagueIds: 'lg_epl, lg_nfl, lg_nba', startsAfter: at(now, 2.5), startsBefore: at(now, 7) },
			}),
		],
		[
			'live and scheduled contests starting before a time',
			() => ({
				resource: 'contest',
				operation: 'getAll',
				returnAll: true,
				filters: { statuses: ['live', 'scheduled'], startsBefore: at(now, 3) },
			}),
		],
		['participants of two leagues', () => ({ resource: 'participant', operation: 'getAll', leagueIds: 'lg_nhl, lg_epl', returnAll: true })],
	];

	it.each(queries)('%s', async (_name, parameters) => {
		const results: unknown[][] = [];
		for (const sim of sims.values()) {
			current = sim;
			useSimulatorCredentials(harness, sim, { types: ['openMarketsApi'] });
			const result = await run(parameters());
			expect(result.error).toBeUndefined();
			results.push(ids(result.items));
		}
		expect(results[0].length).toBeGreaterThan(1);
		for (const other of results.slice(1)) expect(other).toEqual(results[0]);
	});
});
