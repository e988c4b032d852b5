import { ManualClock, startSimulator, type VenueSimulator } from '../src';
import { getJson, type Json } from './openmarketsClient';

const HOUR_MS = 3_600_000;

describe('OpenMarkets REST', () => {
	let sim: VenueSimulator;
	let clock: ManualClock;
	const get = (path: string, key?: string | null) => getJson(sim, path, key);

	/** Every page of a list, following next_cursor. */
	const readAll = async (path: string): Promise<{ items: Json[]; pages: number }> => {
		const items: Json[] = [];
		let pages = 0;
		let cursor: string | null = null;
		do {
			const separator = path.includes('?') ? '&' : '?';
			const answer = await get(cursor ? `${path}${separator}cursor=${cursor}` : path);
			expect(answer.status).toBe(200);
			items.push(...answer.body.data);
			pages += 1;
			cursor = answer.body.pagination.next_cursor;
			expect(answer.body.pagination.has_more).toBe(cursor !== null);
		} while (cursor);
		return { items, pages };
	};

	beforeEach(async () => {
		clock = new ManualClock();
		sim = await startSimulator({ openmarkets: { clock, seed: 42 } });
	});

	afterEach(async () => {
		await sim.close();
	});

	it('requires the key in X-API-Key (401 in the error envelope otherwise) and reports each call', async () => {
		const reported = sim.openmarkets.waitFor('rest:request');
		expect(await get('/leagues', null)).toMatchObject({
			status: 401,
			body: { error: { code: 'unauthorized', message: 'Missing API key: send it in the X-API-Key header' } },
		});
		expect(await reported).toEqual({ method: 'GET', path: '/openmarkets/flow/v1/leagues', status: 401 });
		expect((await get('/leagues', 'om_data_live_wrong')).body).toEqual({ error: { code: 'unauthorized', message: 'Invalid API key' } });
		expect((await get('/nowhere')).body).toEqual({ error: { code: 'not_found', message: 'No route for GET /flow/v1/nowhere' } });
		expect((await fetch(`${sim.baseUrl}/openmarkets/v2/leagues`, { headers: { 'X-API-Key': sim.openmarkets.apiKey } })).status).toBe(404);
	});

	it('lists leagues and participants in the list envelope; participants filter by league_id (a comma list)', async () => {
		const leagues = await get('/leagues');
		expect(leagues.body).toEqual({
			data: sim.openmarkets.leagues().sort((a, b) => a.id.localeCompare(b.id)),
			pagination: { next_cursor: null, has_more: false, limit: 50 },
			meta: { timestamp: new Date(clock.now()).toISOString(), api_version: 'v1' },
		});
		expect(leagues.body.data.map((l: Json) => l.name)).toEqual(['EPL', 'NBA', 'NFL', 'NHL']);
		const nba = await get('/participants?league_id=lg_nba');
		expect(nba.body.data).toHaveLength(8);
		expect(nba.body.data[0]).toEqual({ id: 'pt_nba_bos', league_id: 'lg_nba', name: 'Boston Celtics', abbreviation: 'BOS' });
		const two = await readAll('/participants?league_id=lg_nba,%20lg_epl&limit=5');
		expect(two.items).toHaveLength(16);
		expect(two.pages).toBe(4);
		expect(new Set(two.items.map((p) => p.league_id))).toEqual(new Set(['lg_nba', 'lg_epl']));
		expect((await get('/participants?league_id=lg_curling')).body.data).toEqual([]);
	});

	it('holds 24 contests over four leagues starting from 3 h ago to 72 h ahead, started ones live', async () => {
		const contests = sim.openmarkets.contests();
		expect(contests).toHaveLength(24);
		expect(new Set(contests.map((c) => c.league_id)).size).toBe(4);
		const offsets = contests.map((c) => Date.parse(c.starts_at) - clock.now());
		expect(Math.min(...offsets)).toBe(-3 * HOUR_MS);
		expect(Math.max(...offsets)).toBe(72 * HOUR_MS);
		for (const [i, contest] of contests.entries()) {
			expect(contest).toEqual({
				id: expect.stringMatching(/^ct_[0-9a-f]{10}$/),
				league_id: expect.stringMatching(/^lg_/),
				title: expect.stringContaining(' @ '),
				home_participant_id: expect.stringMatching(/^pt_/),
				away_participant_id: expect.stringMatching(/^pt_/),
				starts_at: expect.stringMatching(/Z$/),
				status: offsets[i] <= 0 ? 'live' : 'scheduled',
			});
			expect(contest.home_participant_id).not.toBe(contest.away_participant_id);
		}
	});

	it('pages contests by cursor in start order, with limit ≤ pageSizeMax', async () => {
		sim.openmarkets.addContests(130, { league_id: 'lg_nfl', startsInMs: 2 * HOUR_MS });
		const first = await get('/contests?limit=100');
		expect(first.body.data).toHaveLength(100);
		expect(first.body.pagination).toEqual({ next_cursor: expect.any(String), has_more: true, limit: 100 });
		const all = await readAll('/contests?limit=100');
		expect(all.pages).toBe(2);
		expect(all.items).toHaveLength(154);
		const keys = all.items.map((c) => `${c.starts_at}|${c.id}`);
		expect(keys).toEqual([...keys].sort());
		expect(new Set(all.items.map((c) => c.id)).size).toBe(154);
		expect((await get('/contests')).body.data).toHaveLength(50);
		expect(await get('/contests?limit=101')).toMatchObject({ status: 400, body: { error: { code: 'bad_request', field: 'limit' } } });
		expect((await get('/contests?limit=0')).body.error.field).toBe('limit');
		expect((await get('/contests?cursor=bm9wZQ')).body.error).toEqual({
			code: 'bad_request',
			message: 'cursor: not a cursor this API issued',
			field: 'cursor',
		});
	});

	it('misbehaveCursors: repeat names the asked cursor as next, endless offers fresh empty pages; reset mends them', async () => {
		sim.openmarkets.faults.misbehaveCursors('repeat');
		const first = (await get('/leagues')).body;
		expect(first.data).toHaveLength(4);
		expect(first.pagination).toMatchObject({ has_more: true, next_cursor: expect.any(String) });
		const again = (await get(`/leagues?cursor=${first.pagination.next_cursor}`)).body;
		expect(again).toMatchObject({ data: [], pagination: { has_more: true, next_cursor: first.pagination.next_cursor } });
		sim.openmarkets.faults.misbehaveCursors('endless');
		const past = (await get(`/leagues?cursor=${first.pagination.next_cursor}`)).body;
		const beyond = (await get(`/leagues?cursor=${past.pagination.next_cursor}`)).body;
		expect(beyond).toMatchObject({ data: [], pagination: { has_more: true, next_cursor: expect.any(String) } });
		expect(new Set([first.pagination.next_cursor, past.pagination.next_cursor, beyond.pagination.next_cursor]).size).toBe(3);
		sim.openmarkets.faults.reset();
		expect((await get('/leagues')).body.pagination).toMatchObject({ has_more: false, next_cursor: null });
	});

	it('a cursor still works after contests are added: nothing repeats or is skipped before it', async () => {
		const page1 = await get('/contests?limit=10');
		const seen = page1.body.data.map((c: Json) => c.id);
		// Starts before the whole catalog: sorts before the cursor, so it is not on later pages.
		const early = sim.openmarkets.addContest({ league_id: 'lg_nhl', starts_at: new Date(clock.now() - 10 * HOUR_MS).toISOString() });
		const rest = await readAll(`/contests?limit=10&cursor=${page1.body.pagination.next_cursor}`);
		const ids = [...seen, ...rest.items.map((c) => c.id)];
		expect(ids).toHaveLength(24);
		expect(new Set(ids).size).toBe(24);
		expect(ids).not.toContain(early.id);
	});

	it('filters contests by league_id, status and the start window; bad values are a 400 naming the field', async () => {
		const all = sim.openmarkets.contests();
		const nhlEpl = (await readAll('/contests?league_id=lg_nhl,lg_epl')).items;
		expect(nhlEpl.map((c) => c.id).sort()).toEqual(
			all
				.filter((c) => ['lg_nhl', 'lg_epl'].includes(c.league_id))
				.map((c) => c.id)
				.sort(),
		);
		const live = (await get('/contests?status=live')).body.data;
		expect(live.length).toBeGreaterThan(0);
		expect(live.every((c: Json) => c.status === 'live')).toBe(true);
		sim.openmarkets.setContestStatus(all[5].id, 'cancelled');
		expect((await get('/contests?status=cancelled,final')).body.data.map((c: Json) => c.id)).toEqual([all[5].id]);
		const after = new Date(clock.now() + 24 * HOUR_MS).toISOString();
		const before = new Date(clock.now() + 48 * HOUR_MS).toISOString();
		const window = (await get(`/contests?starts_after=${after}&starts_before=${before}`)).body.data;
		const expected = all.filter((c) => c.starts_at >= after && c.starts_at < before);
		expect(window.map((c: Json) => c.id)).toEqual(expected.sort((a, b) => a.starts_at.localeCompare(b.starts_at)).map((c) => c.id));
		expect(window.length).toBeGreaterThan(3);

		expect((await get('/contests?status=postponed')).body.error).toMatchObject({ code: 'bad_request', field: 'status' });
		expect((await get('/contests?starts_after=tomorrow')).body.error).toEqual({
			code: 'bad_request',
			message: 'starts_after: Expected an ISO 8601 date',
			field: 'starts_after',
		});
		expect((await get('/contests?starts_before=2026-13-45T00:00:00Z')).body.error.field).toBe('starts_before');
	});

	it('answers one contest, its liquidity and its state; 404 for an unknown id', async () => {
		const contest = sim.openmarkets.contests()[3];
		expect((await get(`/contests/${contest.id}`)).body).toEqual({
			data: contest,
			meta: { timestamp: expect.any(String), api_version: 'v1' },
		});
		const liquidity = (await get(`/contests/${contest.id}/liquidity`)).body.data;
		expect(liquidity).toEqual(sim.openmarkets.liquidity(contest.id));
		expect(liquidity.contest_id).toBe(contest.id);
		const markets = liquidity.positions.map((p: Json) => `${p.market_key}/${p.side_key}`);
		expect(markets).toEqual(expect.arrayContaining(['mk_ml/side_home', 'mk_ml/side_away', 'mk_spread/side_home', 'mk_total/side_over']));
		for (const position of liquidity.positions) {
			expect(position).toEqual({
				position_hash: expect.stringMatching(/^[0-9a-f]{16}$/),
				contest_id: contest.id,
				title: expect.any(String),
				market_key: expect.stringMatching(/^mk_/),
				side_key: expect.stringMatching(/^side_/),
				participant_id: position.participant_id === null ? null : expect.stringMatching(/^pt_/),
				consensus_price: expect.any(Number),
				partner_liquidities: expect.any(Array),
			});
			expect(position.partner_liquidities.length).toBeGreaterThanOrEqual(2);
			for (const entry of position.partner_liquidities) {
				expect(entry).toEqual({
					partner_id: expect.stringMatching(/^(kalshi|polymarket|novig|prophetx)$/),
					partner_name: expect.any(String),
					price: expect.any(Number),
					available: expect.any(Number),
					liquidity_hash: `${entry.partner_id}:${contest.id}:${position.market_key}:${position.side_key}:${entry.liquidity_hash.split(':')[4]}:${position.participant_id ?? 'p_none'}:tf_full`,
				});
				expect(entry.price).toBeGreaterThan(0);
				expect(entry.price).toBeLessThan(1);
			}
		}
		const home = liquidity.positions.find((p: Json) => p.market_key === 'mk_ml' && p.side_key === 'side_home');
		expect(home.participant_id).toBe(contest.home_participant_id);
		expect((await get(`/contests/${contest.id}/state`)).body.data).toEqual(sim.openmarkets.contestState(contest.id));
		for (const path of ['/contests/ct_nope', '/contests/ct_nope/liquidity', '/contests/ct_nope/state']) {
			expect(await get(path)).toMatchObject({ status: 404, body: { error: { code: 'not_found', message: 'Unknown contest ct_nope' } } });
		}
	});

	it('answers the depth of a position: per partner, levels from its price outwards', async () => {
		const position = sim.openmarkets.liquidity(sim.openmarkets.contests()[0].id).positions[0];
		const depth = (await get(`/depth/${position.position_hash}`)).body.data;
		expect(depth).toMatchObject({
			position_hash: position.position_hash,
			contest_id: position.contest_id,
			market_key: position.market_key,
			side_key: position.side_key,
		});
		expect(depth.partners.map((p: Json) => p.partner_id)).toEqual(position.partner_liquidities.map((p) => p.partner_id));
		for (const [i, partner] of depth.partners.entries()) {
			const entry = position.partner_liquidities[i];
			expect(partner.liquidity_hash).toBe(entry.liquidity_hash);
			expect(partner.levels[0]).toEqual({ price: entry.price, available: entry.available });
			const prices = partner.levels.map((l: Json) => l.price);
			expect(prices).toEqual([...prices].sort((a, b) => a - b));
		}
		expect((await get('/depth/0000000000000000')).status).toBe(404);
	});

	it('replays the same venue from the same seed', async () => {
		const again = await startSimulator({ openmarkets: { clock, seed: 42 } });
		try {
			expect(again.openmarkets.contests()).toEqual(sim.openmarkets.contests());
			const id = sim.openmarkets.contests()[0].id;
			expect(again.openmarkets.liquidity(id)).toEqual(sim.openmarkets.liquidity(id));
			expect(again.openmarkets.moveLiquidity(id).changed_entries).toEqual(sim.openmarkets.moveLiquidity(id).changed_entries);
		} finally {
			await again.close();
		}
	});

	it('failRest answers the next matching calls in the envelope (429 with Retry-After), then serves again', async () => {
		sim.openmarkets.faults.failRest({ pathPrefix: '/flow/v1/contests', status: 429, retryAfterSeconds: 2, times: 2 });
		const limited = await get('/contests');
		expect(limited.status).toBe(429);
		expect(limited.headers.get('retry-after')).toBe('2');
		expect(limited.body).toEqual({ error: { code: 'rate_limited', message: 'Injected fault: 429 rate_limited' } });
		expect((await get('/leagues')).status).toBe(200);
		expect((await get('/contests')).status).toBe(429);
		expect((await get('/contests')).status).toBe(200);
		sim.openmarkets.faults.failRest({ status: 503, message: 'maintenance' });
		expect((await get('/leagues')).body).toEqual({ error: { code: 'service_unavailable', message: 'maintenance' } });
	});
});
