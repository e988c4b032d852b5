/**
 * What each OpenMarkets dialect changes (src/openmarkets/dialect.ts): the contest list's filters,
 * order and start field, the participant list's league filter, `GET /contests/{id}`, and the shape of a contest's score, over REST and
 * on the stream.
 */
import { DIALECTS, ManualClock, startSimulator, type VenueSimulator } from '../src';
import { WsClient } from './helpers';
import { connectStream, getJson, subscribe, type Json } from './openmarketsClient';

const HOUR_MS = 3_600_000;

describe.each(DIALECTS.openmarkets)('OpenMarkets dialect %s', (dialect) => {
	const variant = dialect === 'variant';
	let sim: VenueSimulator;
	let clock: ManualClock;
	const clients: WsClient[] = [];
	const get = (path: string) => getJson(sim, path);
	const startOf = (contest: Json): string => (variant ? contest.start_time : contest.starts_at);

	beforeEach(async () => {
		clock = new ManualClock();
		sim = await startSimulator({ openmarkets: { clock, seed: 7, dialect } });
	});

	afterEach(async () => {
		await Promise.all(clients.splice(0).map((client) => client.close()));
		await sim.close();
	});

	it('reports its dialect', () => {
		expect(sim.openmarkets.dialect).toBe(dialect);
	});

	it(`names a contest's start ${variant ? 'start_time' : 'starts_at'} and lists contests in ${variant ? 'id' : 'start'} order`, async () => {
		const listed = (await get('/contests?limit=100')).body.data as Json[];
		const all = sim.openmarkets.contests();
		expect(listed).toHaveLength(all.length);
		for (const contest of listed) {
			const own = sim.openmarkets.contest(contest.id);
			expect(startOf(contest)).toBe(own.starts_at);
			expect(contest).not.toHaveProperty(variant ? 'starts_at' : 'start_time');
		}
		const key = (contest: Json) => (variant ? contest.id : `${startOf(contest)}|${contest.id}`);
		expect(listed.map(key)).toEqual(listed.map(key).sort());
		// The catalog mixes leagues over time, so id order is not start order.
		const starts = listed.map(startOf);
		expect(starts.join() === [...starts].sort().join()).toBe(!variant);
	});

	it(`${variant ? 'ignores' : 'applies'} the start window`, async () => {
		const after = new Date(clock.now() + 24 * HOUR_MS).toISOString();
		const before = new Date(clock.now() + 48 * HOUR_MS).toISOString();
		const listed = (await get(`/contests?limit=100&starts_after=${after}&starts_before=${before}`)).body.data as Json[];
		const inWindow = sim.openmarkets.contests().filter((contest) => contest.starts_at >= after && contest.starts_at < before);
		expect(listed.length).toBe(variant ? sim.openmarkets.contests().length : inWindow.length);
		expect(inWindow.length).toBeGreaterThan(3);
	});

	it(`takes ${variant ? 'one league_id: a comma list matches nothing' : 'a comma list of league_id'}`, async () => {
		const nba = (await get('/contests?limit=100&league_id=lg_nba')).body.data as Json[];
		expect(nba.length).toBeGreaterThan(0);
		expect(nba.every((contest) => contest.league_id === 'lg_nba')).toBe(true);
		const two = (await get('/contests?limit=100&league_id=lg_nba,lg_nfl')).body.data as Json[];
		const expected = sim.openmarkets.contests().filter((contest) => ['lg_nba', 'lg_nfl'].includes(contest.league_id));
		expect(two.map((contest) => contest.id).sort()).toEqual(variant ? [] : expected.map((contest) => contest.id).sort());
	});

	it(`takes ${variant ? 'one league_id for participants too' : 'a comma list of league_id for participants'}`, async () => {
		const nba = (await get('/participants?limit=100&league_id=lg_nba')).body.data as Json[];
		expect(nba.length).toBeGreaterThan(0);
		expect(nba.every((participant) => participant.league_id === 'lg_nba')).toBe(true);
		const two = (await get('/participants?limit=100&league_id=lg_nba,lg_epl')).body.data as Json[];
		const expected = sim.openmarkets.participants().filter((participant) => ['lg_nba', 'lg_epl'].includes(participant.league_id));
		expect(expected.length).toBeGreaterThan(nba.length);
		expect(two.map((participant) => participant.id).sort()).toEqual(variant ? [] : expected.map((participant) => participant.id).sort());
	});

	it(`${variant ? 'does not serve' : 'serves'} GET /contests/{id}`, async () => {
		const [contest] = sim.openmarkets.contests();
		const answer = await get(`/contests/${contest.id}`);
		if (variant) {
			expect(answer).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
		} else {
			expect(answer).toMatchObject({ status: 200, body: { data: contest } });
		}
		expect((await get(`/contests/${contest.id}/liquidity`)).status).toBe(200);
	});

	it(`sends a contest's score ${variant ? 'as score: {home, away}' : 'as home_score and away_score'}, over REST and on the stream`, async () => {
		const contest = sim.openmarkets.contests().find((c) => c.status === 'scheduled')!;
		const client = await connectStream(sim);
		clients.push(client);
		await subscribe(client, 'contest_state', [contest.id]);
		const sent = sim.openmarkets.setContestStatus(contest.id, 'live', { home_score: 3, away_score: 2, period: '2' });
		const score = variant ? { score: { home: 3, away: 2 } } : { home_score: 3, away_score: 2 };
		expect(sent.state).toEqual({
			contest_id: contest.id,
			status: 'live',
			period: '2',
			clock: null,
			...score,
			updated_at: expect.any(String),
		});
		expect((await client.next('contest_state.update')).state).toEqual(sent.state);
		expect((await get(`/contests/${contest.id}/state`)).body.data).toEqual(sent.state);
		expect(sim.openmarkets.contestState(contest.id)).toEqual(sent.state);
	});
});
