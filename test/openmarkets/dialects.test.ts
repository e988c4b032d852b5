/**
 * The OpenMarkets Trigger against each dialect of the simulated OpenMarkets
 * (docs/venues/openmarkets.md#undocumented-details-and-what-the-nodes-accept), through n8n-core's
 * real TriggerContext over loopback: the follow rule filters and sorts by itself and asks one
 * league at a time, a rule that matches nothing says so, contest state passes through in either
 * shape, and priceMove counts from the full book.
 */
import type { IDataObject } from 'n8n-workflow';

import { OpenMarketsApi } from '../../credentials/OpenMarketsApi.credentials';
import { OpenMarketsTrigger } from '../../nodes/OpenMarkets/OpenMarketsTrigger.node';
import { DIALECTS, startSimulator, type VenueSimulator } from 'trading-venues-simulator';
import { allLogText, N8nHarness, useSimulatorCredentials, type ActiveTrigger } from '../harness/n8n';

const FAST = { heartbeatIntervalMs: 100, silenceTimeoutMs: 800, connectTimeoutMs: 1500, reconnectMaxDelayMs: 50 };
const HOUR_MS = 3_600_000;

describe.each(DIALECTS.openmarkets)('OpenMarkets Trigger, dialect %s', (dialect) => {
	const harness = new N8nHarness({ nodes: { openMarketsTrigger: OpenMarketsTrigger }, credentialTypes: [OpenMarketsApi] });
	let sim: VenueSimulator;
	const triggers: ActiveTrigger[] = [];
	const contestCalls: string[] = [];

	beforeEach(async () => {
		sim = await startSimulator({ openmarkets: { contests: 0, dialect } });
		contestCalls.length = 0;
		sim.openmarkets.events.on('rest:request', ({ path }) => {
			if (path.split('?')[0].endsWith('/contests')) contestCalls.push(path);
		});
		useSimulatorCredentials(harness, sim, { types: ['openMarketsApi'] });
	});

	afterEach(async () => {
		for (const trigger of triggers.splice(0)) await trigger.close();
		await sim.close();
	});

	async function start(parameters: IDataObject) {
		const { options, ...rest } = parameters;
		const trigger = await harness.startTrigger(
			'openMarketsTrigger',
			{ channels: ['liquidity'], options: { ...FAST, ...(options as IDataObject) }, ...rest } as never,
			'openMarketsApi',
		);
		triggers.push(trigger);
		return trigger;
	}

	const at = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();
	const of = (trigger: ActiveTrigger, event: string) => trigger.items.map((item) => item.json).filter((item) => item.event === event);

	it('follows the contests of two leagues starting in the window, soonest first, asking one league at a time', async () => {
		const add = (league_id: string, offsetMs: number, status: 'scheduled' | 'live' | 'final' = 'scheduled') =>
			sim.openmarkets.addContest({ league_id, starts_at: at(offsetMs), status }).id;
		// Added out of start order, so neither the order added nor the ids give the start order.
		const nfl5h = add('lg_nfl', 5 * HOUR_MS);
		const nba1h = add('lg_nba', HOUR_MS);
		const nbaUnderWay = add('lg_nba', -2 * HOUR_MS, 'live');
		const nfl3h = add('lg_nfl', 3 * HOUR_MS);
		add('lg_nba', -48 * HOUR_MS, 'live'); // started two days ago
		add('lg_nfl', 48 * HOUR_MS); // two days ahead
		add('lg_nba', 2 * HOUR_MS, 'final'); // over
		add('lg_nhl', 2 * HOUR_MS); // another league

		const trigger = await start({ contests: 'rule', leagueIds: 'lg_nba, lg_nfl', withinHours: 24, snapshotOnSubscribe: false });

		expect(sim.openmarkets.subscriptions()).toEqual([expect.objectContaining({ liquidity: [nbaUnderWay, nba1h, nfl3h, nfl5h] })]);
		// One page per league (the variant reads a comma list as one league that does not exist).
		expect(contestCalls).toHaveLength(2);
		expect(of(trigger, 'follow_rule.empty')).toEqual([]);
		expect(trigger.recorder.emitErrors).toEqual([]);
	});

	it('says when the rule matches nothing, in an item and the log, stays connected, and follows contests once they appear', async () => {
		sim.openmarkets.addContest({ league_id: 'lg_epl', starts_at: at(-48 * HOUR_MS), status: 'live' });
		sim.openmarkets.addContest({ league_id: 'lg_epl', starts_at: at(48 * HOUR_MS) });
		const trigger = await start({ contests: 'rule', leagueIds: 'lg_epl', withinHours: 6, refreshMinutes: 0.005 });

		const report = await trigger.waitForItem((item) => item.event === 'follow_rule.empty', 'the empty-rule report');
		expect(report).toMatchObject({
			venue: 'openmarkets',
			data: { leagueIds: ['lg_epl'], withinHours: 6, listed: dialect === 'docs' ? 0 : 2 },
		});
		expect((report.data as IDataObject).message).toMatch(
			/^The follow rule matches no contest: OpenMarkets listed \d contest\(s\) of lg_epl/,
		);
		expect(allLogText()).toContain('OpenMarkets: The follow rule matches no contest');
		expect(sim.openmarkets.connectionCount()).toBe(1);

		const soon = sim.openmarkets.addContest({ league_id: 'lg_epl', starts_at: at(HOUR_MS) });
		const snapshot = await trigger.waitForItem((item) => item.event === 'liquidity.snapshot', 'the book of the new contest');
		expect(snapshot.data).toMatchObject({ contest_id: soon.id });
		expect(sim.openmarkets.subscriptions()).toEqual([expect.objectContaining({ liquidity: [soon.id] })]);
		// Reported once: the refreshes in between did not repeat it.
		expect(of(trigger, 'follow_rule.empty')).toHaveLength(1);
		expect(trigger.recorder.emitErrors).toEqual([]);
	});

	it('passes contest state through as OpenMarkets sends it', async () => {
		const contest = sim.openmarkets.addContest({ league_id: 'lg_nba', starts_at: at(HOUR_MS) });
		const trigger = await start({ contests: 'list', contestIds: contest.id, channels: ['contest_state'], snapshotOnSubscribe: false });
		const sent = sim.openmarkets.setContestStatus(contest.id, 'live', { home_score: 12, away_score: 9 });
		const item = await trigger.waitForItem((json) => json.event === 'contest_state.update', 'the state change');
		expect(item.data).toEqual({ contest_id: contest.id, state: sent.state, timestamp: sent.timestamp });
		expect(sent.state).toMatchObject(dialect === 'docs' ? { home_score: 12, away_score: 9 } : { score: { home: 12, away: 9 } });
	});

	it('counts priceMove and sizeChange of the first update after a full book from that book; null without one', async () => {
		const [withBook, withoutBook] = sim.openmarkets.addContests(2, { league_id: 'lg_nba' });
		const quote = (contestId: string) => sim.openmarkets.liquidity(contestId).positions[0].partner_liquidities[0];
		const booked = quote(withBook.id);
		const unbooked = quote(withoutBook.id);
		const trigger = await start({ contests: 'list', contestIds: withBook.id });
		await trigger.waitForItem((item) => item.event === 'liquidity.snapshot', 'the book');
		const price = Number((booked.price + 0.03).toFixed(2));
		sim.openmarkets.moveLiquidity(withBook.id, [{ liquidity_hash: booked.liquidity_hash, price, available: booked.available + 7 }]);
		const first = await trigger.waitForItem((item) => item.event === 'liquidity.update', 'the first update');
		expect(first.data).toMatchObject({ liquidity_hash: booked.liquidity_hash, price, priceMove: 0.03, sizeChange: 7 });

		const noBook = await start({ contests: 'list', contestIds: withoutBook.id, snapshotOnSubscribe: false });
		const movedOnce = Number((unbooked.price + 0.01).toFixed(2));
		const movedTwice = Number((unbooked.price + 0.03).toFixed(2));
		sim.openmarkets.moveLiquidity(withoutBook.id, [{ liquidity_hash: unbooked.liquidity_hash, price: movedOnce }]);
		sim.openmarkets.moveLiquidity(withoutBook.id, [{ liquidity_hash: unbooked.liquidity_hash, price: movedTwice }]);
		await noBook.recorder.until(() => of(noBook, 'liquidity.update').length === 2, 'two updates');
		expect(of(noBook, 'liquidity.update').map((item) => (item.data as IDataObject).priceMove)).toEqual([null, 0.02]);
	});
});
