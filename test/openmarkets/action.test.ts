/**
 * The OpenMarkets action node in real n8n workflow executions, against the simulated OpenMarkets
 * over loopback HTTP. The simulator's REST log and its data are the evidence.
 */
import type { IDataObject } from 'n8n-workflow';
import { OpenMarketsApi } from '../../credentials/OpenMarketsApi.credentials';
import { OpenMarkets } from '../../nodes/OpenMarkets/OpenMarkets.node';
import { startSimulator, type VenueSimulator } from 'trading-venues-simulator';
import { N8nHarness, allLogText, useSimulatorCredentials } from '../harness/n8n';
import { nodeRunner } from '../harness/nodeRuns';

const EXTRA_CONTESTS = 230;
const harness = new N8nHarness({ nodes: { openMarkets: OpenMarkets }, credentialTypes: [OpenMarketsApi] });
let sim: VenueSimulator;
const requests: Array<{ entry: string; at: number }> = [];

beforeAll(async () => {
	sim = await startSimulator({ port: 0, openmarkets: { seed: 11 } });
	sim.openmarkets.addContests(EXTRA_CONTESTS, { league_id: 'lg_nhl', startsInMs: 5 * 3_600_000 });
	sim.openmarkets.events.on('rest:request', ({ method, path, status }) =>
		requests.push({ entry: `${method} ${path} ${status}`, at: Date.now() }),
	);
	useSimulatorCredentials(harness, sim, { types: ['openMarketsApi'] });
});

beforeEach(() => {
	requests.length = 0;
	sim.openmarkets.faults.reset();
});

afterAll(async () => {
	await sim?.close();
});

const run = nodeRunner(harness, 'openMarkets', 'openMarketsApi', () => [sim.openmarkets.apiKey]);
const calls = () => requests.map((r) => r.entry);
const byStart = <T extends { starts_at: string; id: string }>(contests: T[]): T[] =>
	[...contests].sort((a, b) => `${a.starts_at}|${a.id}`.localeCompare(`${b.starts_at}|${b.id}`));

/** What the simulator answers for a path, read directly. */
async function direct(path: string): Promise<IDataObject> {
	const response = await fetch(`${sim.openmarkets.restUrl}${path}`, { headers: { 'X-API-Key': sim.openmarkets.apiKey } });
	expect(response.status).toBe(200);
	return (await response.json()) as IDataObject;
}

describe('League → Get Many and Participant → Get Many', () => {
	it('outputs one item per league', async () => {
		const result = await run({ resource: 'league', operation: 'getAll', returnAll: true });
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json)).toEqual((await direct('/leagues')).data);
		expect(result.items.map((item) => item.json.name)).toEqual(['EPL', 'NBA', 'NFL', 'NHL']);
		expect(calls()).toEqual(['GET /openmarkets/flow/v1/leagues 200', 'GET /openmarkets/flow/v1/leagues 200']);
	});

	it('filters participants by League IDs, asking league by league in the order given', async () => {
		const result = await run({ resource: 'participant', operation: 'getAll', leagueIds: 'lg_nba, lg_epl', returnAll: true });
		expect(result.error).toBeUndefined();
		// Each league as OpenMarkets lists it (by id, in the simulator), NBA first as asked.
		const ofLeague = (leagueId: string) => sim.openmarkets.participants(leagueId).sort((a, b) => a.id.localeCompare(b.id));
		const expected = [...ofLeague('lg_nba'), ...ofLeague('lg_epl')];
		expect(result.items.map((item) => item.json)).toEqual(expected);
		expect(expected).toHaveLength(16);
		expect(calls()).toEqual(Array(2).fill('GET /openmarkets/flow/v1/participants 200'));
		const all = await run({ resource: 'participant', operation: 'getAll', returnAll: false, limit: 20 });
		expect(all.items).toHaveLength(20);
	});

	it('League → Get Many stops at a cursor sent again, outputs the leagues read and says so on the last item', async () => {
		// Every page, the last one too, offers a next page; past the end it is empty and offers its own cursor again.
		sim.openmarkets.faults.misbehaveCursors('repeat');
		const result = await run({ resource: 'league', operation: 'getAll', returnAll: true });
		expect(result.error).toBeUndefined();
		expect(calls()).toEqual(Array(2).fill('GET /openmarkets/flow/v1/leagues 200'));
		expect(result.items.map((item) => item.json.name)).toEqual(['EPL', 'NBA', 'NFL', 'NHL']);
		expect(result.items.slice(0, -1).every((item) => item.json.warning === undefined)).toBe(true);
		expect(result.items.at(-1)?.json.warning).toBe(
			'Stopped paging after 4 records: the venue sent a next-page cursor it had sent before, so its next page would repeat one already read. The list may be incomplete.',
		);
	});

	it.each([['lg_nba,,lg_nfl'], ['lg nba']])('refuses League IDs %j before any request', async (leagueIds) => {
		const result = await run({ resource: 'participant', operation: 'getAll', leagueIds, returnAll: true });
		expect(result.error?.name).toBe('NodeOperationError');
		expect(result.error?.message).toBe(`League IDs: expected IDs separated by commas, such as lg_nba, lg_nfl, got "${leagueIds}"`);
		expect(requests).toEqual([]);
	});
});

describe('Contest → Get Many', () => {
	it('Return All follows next_cursor over pages of 100, in start order', async () => {
		const result = await run({ resource: 'contest', operation: 'getAll', returnAll: true });
		expect(result.error).toBeUndefined();
		const expected = byStart(sim.openmarkets.contests());
		expect(result.items.map((item) => item.json.id)).toEqual(expected.map((c) => c.id));
		expect(result.items).toHaveLength(24 + EXTRA_CONTESTS);
		expect(calls()).toEqual(Array(3).fill('GET /openmarkets/flow/v1/contests 200'));
		expect(result.items[0].json).toEqual(expected[0]);
		expect(result.items.every((item) => (item.pairedItem as { item: number }).item === 0)).toBe(true);
	});

	// The venue's order is not documented: the node sorts by start itself, so it reads the whole list before the Limit.
	it('a Limit keeps the soonest contests, read from the whole list', async () => {
		const expected = byStart(sim.openmarkets.contests()).map((c) => c.id);
		const limited = await run({ resource: 'contest', operation: 'getAll', returnAll: false, limit: 120 });
		expect(limited.items.map((item) => item.json.id)).toEqual(expected.slice(0, 120));
		expect(calls()).toHaveLength(3);
		requests.length = 0;
		const small = await run({ resource: 'contest', operation: 'getAll', returnAll: false, limit: 7 });
		expect(small.items.map((item) => item.json.id)).toEqual(expected.slice(0, 7));
		expect(calls()).toHaveLength(3);
	});

	it('applies the filters, one request per league: league IDs, statuses and the start window', async () => {
		const now = Date.now();
		const after = new Date(now + 20 * 3_600_000).toISOString();
		const before = new Date(now + 60 * 3_600_000).toISOString();
		const result = await run({
			resource: 'contest',
			operation: 'getAll',
			returnAll: true,
			filters: { leagueIds: 'lg_nba,lg_nfl,lg_epl', statuses: ['scheduled'], startsAfter: after, startsBefore: before },
		});
		expect(result.error).toBeUndefined();
		const expected = byStart(
			sim.openmarkets
				.contests()
				.filter((c) => c.league_id !== 'lg_nhl' && c.status === 'scheduled' && c.starts_at >= after && c.starts_at < before),
		);
		expect(expected.length).toBeGreaterThan(3);
		expect(result.items.map((item) => item.json.id)).toEqual(expected.map((c) => c.id));
		expect(calls()).toEqual(Array(3).fill('GET /openmarkets/flow/v1/contests 200'));
		const live = await run({ resource: 'contest', operation: 'getAll', returnAll: true, filters: { statuses: ['live', 'final'] } });
		expect(live.items.map((item) => item.json.status)).toEqual(expect.arrayContaining(['live']));
		expect(live.items.every((item) => ['live', 'final'].includes(item.json.status as string))).toBe(true);
	});

	it.each([
		[{ statuses: ['postponed'] }, /^Status: expected some of scheduled, live, final, cancelled, got \["postponed"\]$/],
		[{ startsAfter: 'tomorrow' }, /^Starts After: expected a date/],
		[
			{ startsAfter: '2026-06-02T00:00:00Z', startsBefore: '2026-06-01T00:00:00Z' },
			/^Starts Before: 2026-06-01T00:00:00.000Z is not after Starts After/,
		],
		[{ leagueIds: ' , ' }, /^League IDs: expected IDs separated by commas/],
	])('refuses bad filters %j before any request', async (filters, message) => {
		const result = await run({ resource: 'contest', operation: 'getAll', returnAll: true, filters });
		expect(result.error?.name).toBe('NodeOperationError');
		expect(result.error?.message).toMatch(message);
		expect(requests).toEqual([]);
	});

	it('refuses a Limit below 1 before any request', async () => {
		const result = await run({ resource: 'contest', operation: 'getAll', returnAll: false, limit: 0 });
		expect(result.error?.message).toBe('Limit: expected a whole number, 1 or more, got 0');
		expect(requests).toEqual([]);
	});

	// Number() read "0x10" as 16 and "1e2" as 100; 1e308 is a whole number to Number.isInteger.
	it.each([
		['={{ "0x10" }}', '"0x10"'],
		['={{ "1e2" }}', '"1e2"'],
		[1e308, '1e+308'],
	])('refuses the Limit %j before any request', async (limit, got) => {
		const result = await run({ resource: 'contest', operation: 'getAll', returnAll: false, limit });
		expect(result.error?.name).toBe('NodeOperationError');
		expect(result.error?.message).toBe(`Limit: expected a whole number, 1 or more, got ${got}`);
		expect(requests).toEqual([]);
	});
});

describe('IDs that would move the request to another path', () => {
	// encodeURIComponent leaves "." and ".."; URL normalisation then drops the segment before them:
	// Contest State → Get with ".." read GET /contests/state. Refused before any request.
	it.each([
		['contest', 'contestId', '..', 'Contest ID'],
		['contest', 'contestId', '.', 'Contest ID'],
		['contestState', 'contestId', '..', 'Contest ID'],
		['liquidity', 'contestId', '..', 'Contest ID'],
		['depth', 'positionHash', '..', 'Position Hash'],
		['depth', 'positionHash', '.', 'Position Hash'],
	])('%s → Get refuses %s %j', async (resource, parameter, id, field) => {
		const result = await run({ resource, operation: 'get', [parameter]: id });
		expect(result.error?.name).toBe('NodeOperationError');
		expect(result.error?.message).toBe(
			`${field}: expected an ID of 1 to 256 characters, without control characters, other than "." and "..", got "${id}", which would move the request to another path`,
		);
		expect(requests).toEqual([]);
	});

	it.each([
		['an ID of 257 characters', 'c'.repeat(257), /^Contest ID: expected .*, got 257 characters$/],
		['a control character', 'ct_1\r\nX-Injected: 1', /^Contest ID: expected .*, got "ct_1\\r\\nX-Injected: 1" \(a control character\)$/],
	])('Contest → Get refuses %s', async (_name, contestId, message) => {
		const result = await run({ resource: 'contest', operation: 'get', contestId });
		expect(result.error?.message).toMatch(message);
		expect(requests).toEqual([]);
	});

	it('an ID with a slash or a percent sign stays one segment, encoded', async () => {
		const result = await run({ resource: 'contest', operation: 'get', contestId: 'ct/../%2e%2e' });
		expect(result.error?.httpCode).toBe('404');
		// Then the list, for the fallback: the ID never left its segment.
		expect(calls()[0]).toBe('GET /openmarkets/flow/v1/contests/ct%2F..%2F%252e%252e 404');
		expect(
			calls()
				.slice(1)
				.every((call) => call === 'GET /openmarkets/flow/v1/contests 200'),
		).toBe(true);
	});
});

describe('Contest → Get, Contest State → Get, Liquidity → Get, Depth → Get', () => {
	it('reads one contest per input item, each paired to it', async () => {
		const [a, b] = sim.openmarkets.contests();
		const result = await run({ resource: 'contest', operation: 'get', contestId: '={{ $json.id }}' }, [{ id: a.id }, { id: b.id }]);
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json)).toEqual([a, b]);
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(calls()).toEqual([`GET /openmarkets/flow/v1/contests/${a.id} 200`, `GET /openmarkets/flow/v1/contests/${b.id} 200`]);
	});

	it('an unknown contest is a NodeApiError naming it (after looking in the list too); an empty Contest ID is refused before any request', async () => {
		const missing = await run({ resource: 'contest', operation: 'get', contestId: 'ct_nope' });
		expect(missing.error?.name).toBe('NodeApiError');
		expect(missing.error?.message).toBe('OpenMarkets has no contest ct_nope');
		expect(missing.error?.httpCode).toBe('404');
		expect(missing.error?.context).toMatchObject({ code: 'not_found', venue: 'OpenMarkets', contestId: 'ct_nope' });
		requests.length = 0;
		for (const resource of ['contest', 'contestState', 'liquidity']) {
			const empty = await run({ resource, operation: 'get', contestId: '  ' });
			expect(empty.error?.name).toBe('NodeOperationError');
			expect(empty.error?.message).toBe('Contest ID: expected the ID of a contest (ct_…), got an empty value');
		}
		expect(requests).toEqual([]);
	});

	it("Contest State → Get outputs the contest's state", async () => {
		const contest = sim.openmarkets.contests()[2];
		sim.openmarkets.setContestStatus(contest.id, 'live', { home_score: 2, away_score: 1, period: '2' });
		const result = await run({ resource: 'contestState', operation: 'get', contestId: contest.id });
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json)).toEqual([sim.openmarkets.contestState(contest.id)]);
		expect(result.items[0].json).toMatchObject({ status: 'live', home_score: 2, away_score: 1, period: '2' });
	});

	it('Liquidity → Get outputs the book as one item, or one item per partner liquidity', async () => {
		const contest = sim.openmarkets.contests()[4];
		const book = sim.openmarkets.liquidity(contest.id);
		const whole = await run({ resource: 'liquidity', operation: 'get', contestId: contest.id });
		expect(whole.error).toBeUndefined();
		expect(whole.items.map((item) => item.json)).toEqual([book]);

		const flat = await run({ resource: 'liquidity', operation: 'get', contestId: contest.id, output: 'partnerLiquidity' });
		expect(flat.error).toBeUndefined();
		const entries = book.positions.flatMap((position) => position.partner_liquidities.map((entry) => ({ position, entry })));
		expect(flat.items).toHaveLength(entries.length);
		const { position, entry } = entries[0];
		expect(flat.items[0].json).toEqual({
			contest_id: contest.id,
			position_hash: position.position_hash,
			title: position.title,
			market_key: position.market_key,
			side_key: position.side_key,
			participant_id: position.participant_id,
			consensus_price: position.consensus_price,
			partner_id: entry.partner_id,
			partner_name: entry.partner_name,
			price: entry.price,
			available: entry.available,
			liquidity_hash: entry.liquidity_hash,
		});
		expect(new Set(flat.items.map((item) => item.json.liquidity_hash)).size).toBe(entries.length);
		expect(calls()).toEqual(Array(2).fill(`GET /openmarkets/flow/v1/contests/${contest.id}/liquidity 200`));
	});

	it("Depth → Get outputs each partner's levels of a position", async () => {
		const position = sim.openmarkets.liquidity(sim.openmarkets.contests()[1].id).positions[1];
		const result = await run({ resource: 'depth', operation: 'get', positionHash: position.position_hash });
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json)).toEqual([sim.openmarkets.depth(position.position_hash)]);
		const empty = await run({ resource: 'depth', operation: 'get', positionHash: '={{ "" }}' });
		expect(empty.error?.message).toMatch(/^Position Hash: expected the position_hash of a position, got an empty value$/);
	});
});

describe('errors, rate limits and the key', () => {
	it('a refused key is a clear NodeApiError that never shows the key', async () => {
		sim.openmarkets.faults.revokeKey();
		const result = await run({ resource: 'league', operation: 'getAll', returnAll: true });
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.message).toBe('OpenMarkets refused the API key (HTTP 401), so it could not get the leagues');
		expect(result.error?.description).toBe('Check the API Key of the OpenMarkets API credential, and that the key is not revoked.');
		expect(result.error?.httpCode).toBe('401');
		expect(calls()).toEqual(['GET /openmarkets/flow/v1/leagues 401']);
	});

	it('waits the Retry-After of a 429, then succeeds', async () => {
		sim.openmarkets.faults.failRest({ pathPrefix: '/flow/v1/contests', status: 429, retryAfterSeconds: 0.4 });
		const contest = sim.openmarkets.contests()[0];
		const result = await run({ resource: 'contest', operation: 'get', contestId: contest.id });
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.id).toBe(contest.id);
		expect(requests.map((r) => r.entry.split(' ').pop())).toEqual(['429', '200']);
		expect(requests[1].at - requests[0].at).toBeGreaterThanOrEqual(400);
	});

	it('fails at once when the 429 asks for more than 10 s, saying when to retry', async () => {
		const before = Date.now();
		sim.openmarkets.faults.failRest({ pathPrefix: '/flow/v1/leagues', status: 429, retryAfterSeconds: 60 });
		const result = await run({ resource: 'league', operation: 'getAll', returnAll: true });
		expect(result.error?.httpCode).toBe('429');
		const retryAt = Date.parse(String(result.error?.context?.retryAt));
		expect(retryAt).toBeGreaterThanOrEqual(before + 60_000);
		expect(result.error?.message).toBe(`OpenMarkets rate limit: could not get the leagues; retry after ${new Date(retryAt).toISOString()}`);
		expect(calls()).toHaveLength(1);
	});

	it('a venue failure is a NodeApiError; continueOnFail turns it into an error item and goes on', async () => {
		const contest = sim.openmarkets.contests()[0];
		sim.openmarkets.faults.failRest({ pathPrefix: `/flow/v1/contests/${contest.id}`, status: 503, message: 'Down for maintenance' });
		const result = await run(
			{ resource: 'contest', operation: 'get', contestId: '={{ $json.id }}' },
			[{ id: contest.id }, { id: contest.id }, { id: '' }],
			{ onError: 'continueRegularOutput' },
		);
		expect(result.error).toBeUndefined();
		expect(result.items[0]).toEqual({
			json: {
				error: `OpenMarkets could not get contest ${contest.id}: Down for maintenance (service_unavailable, HTTP 503)`,
				description: 'OpenMarkets had a problem on its side; try again shortly.',
				code: 'service_unavailable',
				httpCode: '503',
			},
			pairedItem: { item: 0 },
		});
		expect(result.items[1].json.id).toBe(contest.id);
		expect(result.items[2].json.error).toMatch(/^Contest ID: expected/);
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	});

	it('never writes the key to the logs', () => {
		expect(allLogText()).not.toContain(sim.openmarkets.apiKey);
	});
});
