/**
 * The OpenMarkets Trigger through n8n-core's real TriggerContext against the simulated
 * OpenMarkets over loopback: contests spread over connections within the venue's limits, a
 * follow rule moving subscriptions on the live sockets, full books after subscribe,
 * refresh_required and reconnects, filters, pings both ways, and a refused key.
 */
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { OpenMarketsApi } from '../../credentials/OpenMarketsApi.credentials';
import { OpenMarketsTrigger } from '../../nodes/OpenMarkets/OpenMarketsTrigger.node';
import { startSimulator, type OpenMarketsSimOptions, type VenueSimulator } from 'trading-venues-simulator';
import { allLogText, N8nHarness, simulatorCredentials, type ActiveTrigger } from '../harness/n8n';

const FAST = { heartbeatIntervalMs: 100, silenceTimeoutMs: 800, connectTimeoutMs: 1500, reconnectMaxDelayMs: 50 };

describe('OpenMarkets Trigger', () => {
	const harness = new N8nHarness({ nodes: { openMarketsTrigger: OpenMarketsTrigger }, credentialTypes: [OpenMarketsApi] });
	let sim: VenueSimulator;
	const triggers: ActiveTrigger[] = [];

	async function setUp(openmarkets: OpenMarketsSimOptions = {}) {
		sim = await startSimulator({ openmarkets: { contests: 6, ...openmarkets } });
		useCredentials({});
	}

	function useCredentials(values: ICredentialDataDecryptedObject) {
		harness.setCredentials('openMarketsApi', { ...simulatorCredentials(sim).openMarketsApi, ...values });
	}

	async function start(parameters: IDataObject) {
		const { options, ...rest } = parameters;
		const trigger = await harness.startTrigger(
			'openMarketsTrigger',
			{ channels: ['liquidity', 'contest_state'], options: { ...FAST, ...(options as IDataObject) }, ...rest } as never,
			'openMarketsApi',
		);
		triggers.push(trigger);
		return trigger;
	}

	const listOf = (ids: string[]) => ({ contests: 'list', contestIds: ids.join(',') });
	const json = (trigger: ActiveTrigger) => trigger.items.map((item) => item.json);
	const of = (trigger: ActiveTrigger, event: string) => json(trigger).filter((item) => item.event === event);
	const firstHash = (contestId: string) => {
		const liquidity = sim.openmarkets.liquidity(contestId).positions[0].partner_liquidities[0];
		return { hash: liquidity.liquidity_hash, partner: liquidity.partner_id, price: liquidity.price, available: liquidity.available };
	};

	afterEach(async () => {
		for (const trigger of triggers.splice(0)) await trigger.close();
		await sim.close();
	});

	it('subscribes both channels, emits each full book, then one item per changed entry and state changes', async () => {
		await setUp();
		const ids = sim.openmarkets
			.contests()
			.slice(0, 2)
			.map((contest) => contest.id);
		const trigger = await start(listOf(ids));
		expect(sim.openmarkets.subscriptions()).toEqual([expect.objectContaining({ liquidity: ids, contest_state: ids })]);
		await trigger.waitForItems(2);
		const snapshots = of(trigger, 'liquidity.snapshot');
		expect(snapshots.map((item) => (item.data as IDataObject).contest_id).sort()).toEqual([...ids].sort());
		expect(snapshots[0]).toMatchObject({ venue: 'openmarkets', snapshot: true, reason: 'subscribed', shard: 1 });
		expect((snapshots[0].data as IDataObject).positions).toEqual(
			sim.openmarkets.liquidity(String((snapshots[0].data as IDataObject).contest_id)).positions,
		);

		const sent = sim.openmarkets.moveLiquidity(ids[0]);
		sim.openmarkets.setContestStatus(ids[1], 'live', { home_score: 1, away_score: 0 });
		await trigger.waitForItem((item) => String(item.event).startsWith('contest_state'), 'the state change');
		const updates = of(trigger, 'liquidity.update');
		expect(updates.map((item) => (item.data as IDataObject).liquidity_hash)).toEqual(
			sent.changed_entries.map((entry) => entry.liquidity_hash),
		);
		expect(updates[0].data).toMatchObject({
			contest_id: ids[0],
			price: sent.changed_entries[0].price,
			available: sent.changed_entries[0].available,
		});
		expect(of(trigger, 'contest_state.update')[0].data).toMatchObject({ contest_id: ids[1], state: { status: 'live', home_score: 1 } });
		expect(JSON.stringify(json(trigger)) + allLogText()).not.toContain(sim.openmarkets.apiKey);
	});

	it('fetches and emits the full book when OpenMarkets says refresh_required', async () => {
		await setUp();
		const [contest] = sim.openmarkets.contests();
		const trigger = await start({ ...listOf([contest.id]), snapshotOnSubscribe: false });
		sim.openmarkets.requireRefresh(contest.id);
		const snapshot = await trigger.waitForItem((item) => item.event === 'liquidity.snapshot', 'the snapshot');
		expect(snapshot).toMatchObject({ snapshot: true, reason: 'refresh_required' });
		expect((snapshot.data as IDataObject).positions).toEqual(sim.openmarkets.liquidity(contest.id).positions);
		expect(of(trigger, 'liquidity.update')).toHaveLength(0);
	});

	it("after a drop resubscribes and emits every contest's full book, the first item reporting the gap", async () => {
		await setUp();
		const ids = sim.openmarkets
			.contests()
			.slice(0, 3)
			.map((contest) => contest.id);
		const trigger = await start({ ...listOf(ids), snapshotOnSubscribe: false });
		const resubscribed = sim.openmarkets.waitFor('ws:subscribe', ({ channel }) => channel === 'contest_state');
		sim.openmarkets.faults.dropConnections();
		await resubscribed;
		await trigger.recorder.until(() => of(trigger, 'liquidity.snapshot').length === 3, 'three snapshots');
		const snapshots = of(trigger, 'liquidity.snapshot');
		expect(snapshots.every((item) => item.reason === 'reconnect')).toBe(true);
		expect(snapshots.map((item) => (item.data as IDataObject).contest_id).sort()).toEqual([...ids].sort());
		expect(json(trigger)[0].gap).toMatchObject({ reconnects: 1 });
		expect(sim.openmarkets.connectionCount()).toBe(1);
	});

	it('spreads 450 contests over three connections of at most 200, and hears from each', async () => {
		await setUp();
		const added = sim.openmarkets.addContests(450, { league_id: 'lg_nba', startsInMs: 3600_000 });
		const trigger = await start({
			contests: 'rule',
			leagueIds: 'lg_nba',
			withinHours: 200,
			snapshotOnSubscribe: false,
			channels: ['liquidity'],
		});
		const subscriptions = sim.openmarkets.subscriptions();
		expect(subscriptions.map((socket) => socket.liquidity.length)).toEqual([200, 200, expect.any(Number)]);
		const followed = new Set(subscriptions.flatMap((socket) => socket.liquidity));
		for (const contest of added) expect(followed.has(contest.id)).toBe(true);
		expect(followed.size).toBe(subscriptions.reduce((total, socket) => total + socket.liquidity.length, 0));

		const samples = subscriptions.map((socket) => socket.liquidity.at(-1)!);
		for (const contestId of samples) sim.openmarkets.moveLiquidity(contestId);
		await trigger.recorder.until(
			() => new Set(of(trigger, 'liquidity.update').map((item) => (item.data as IDataObject).contest_id)).size === 3,
			'an update from each connection',
		);
		expect(new Set(of(trigger, 'liquidity.update').map((item) => item.shard))).toEqual(new Set([1, 2, 3]));
	});

	it('refuses to start when the contests exceed the limits, and says why', async () => {
		await setUp();
		const ids = sim.openmarkets.addContests(25).map((contest) => contest.id);
		await expect(start({ ...listOf(ids), options: { maxConnections: 2, maxContestsPerConnection: 10 } })).rejects.toThrow(
			'25 contests are more than OpenMarkets allows one API key: 2 connections × 10 contests = 20',
		);
		expect(sim.openmarkets.connectionCount()).toBe(0);
	});

	it('follows the rule live: new contests join open sockets (and a new one when full), finished ones leave', async () => {
		await setUp({ contests: 0 });
		const first = sim.openmarkets.addContests(4, { league_id: 'lg_nfl', startsInMs: 3600_000 });
		const connections: number[] = [];
		sim.openmarkets.events.on('ws:connection', ({ connectionId }) => connections.push(connectionId));
		const trigger = await start({
			contests: 'rule',
			leagueIds: 'lg_nfl',
			withinHours: 6,
			refreshMinutes: 0.005,
			channels: ['liquidity'],
			options: { maxContestsPerConnection: 5 },
		});
		await trigger.recorder.until(() => of(trigger, 'liquidity.snapshot').length === 4, 'the first snapshots');
		const later = sim.openmarkets.addContests(3, { league_id: 'lg_nfl', startsInMs: 2 * 3600_000 });
		sim.openmarkets.addContests(2, { league_id: 'lg_nfl', startsInMs: 20 * 3600_000 }); // outside the window
		sim.openmarkets.setContestStatus(first[0].id, 'final');

		await trigger.recorder.until(() => of(trigger, 'liquidity.snapshot').length === 7, 'snapshots of the new contests');
		const settled = () => sim.openmarkets.subscriptions().flatMap((socket) => socket.liquidity).length === 6;
		while (!settled()) await sim.openmarkets.waitFor('ws:subscribe');
		const held = sim.openmarkets.subscriptions().map((socket) => socket.liquidity);
		expect(connections).toHaveLength(2);
		expect(held[0]).toHaveLength(5);
		expect(held.flat().sort()).toEqual([...first.slice(1), ...later].map((contest) => contest.id).sort());
		expect(held.flat()).not.toContain(first[0].id);
	});

	it('when the rule grows past the limits, follows the soonest and says which contests were left out', async () => {
		await setUp({ contests: 0 });
		sim.openmarkets.addContests(3, { league_id: 'lg_nhl', startsInMs: 3600_000 });
		const trigger = await start({
			contests: 'rule',
			leagueIds: 'lg_nhl',
			refreshMinutes: 0.005,
			snapshotOnSubscribe: false,
			channels: ['liquidity'],
			options: { maxConnections: 1, maxContestsPerConnection: 3 },
		});
		const late = sim.openmarkets.addContests(2, { league_id: 'lg_nhl', startsInMs: 5 * 3600_000 });
		const report = await trigger.waitForItem((item) => item.event === 'subscription_limit', 'the limit report');
		expect(report.data).toMatchObject({ selected: 5, followed: 3, leftOut: late.map((contest) => contest.id) });
		expect(sim.openmarkets.connectionCount()).toBe(1);
		expect(sim.openmarkets.subscriptions()[0].liquidity).toHaveLength(3);
	});

	it('gives the contests of a connection the venue refused back to the next refresh, and keeps running', async () => {
		await setUp({ contests: 0, maxConnectionsPerKey: 1 });
		sim.openmarkets.addContests(3, { league_id: 'lg_nhl', startsInMs: 3600_000 });
		const trigger = await start({
			contests: 'rule',
			leagueIds: 'lg_nhl',
			refreshMinutes: 0.005,
			snapshotOnSubscribe: false,
			channels: ['liquidity'],
			options: { maxConnections: 2, maxContestsPerConnection: 3 },
		});
		const refusals: number[] = [];
		sim.openmarkets.events.on('ws:rejected', ({ status }) => refusals.push(status));
		sim.openmarkets.addContests(2, { league_id: 'lg_nhl', startsInMs: 2 * 3600_000 });
		// Each refresh tries a second connection again; the venue's limit refuses it each time.
		await sim.openmarkets.waitFor('ws:rejected', () => refusals.length >= 2);
		expect(refusals.every((status) => status === 429)).toBe(true);
		expect(trigger.recorder.emitErrors).toHaveLength(0);
		expect(allLogText()).toContain('its 2 contest(s) wait for the next refresh');
		expect(sim.openmarkets.subscriptions()).toEqual([expect.objectContaining({ liquidity: expect.any(Array) })]);
	});

	it('keeps only the latest change per liquidity_hash within the window', async () => {
		await setUp();
		const [contest] = sim.openmarkets.contests();
		const { hash } = firstHash(contest.id);
		const trigger = await start({
			...listOf([contest.id]),
			snapshotOnSubscribe: false,
			channels: ['liquidity'],
			options: { delivery: 'batch', batchWindowMs: 300, batchMaxItems: 0, keepLatest: true },
		});
		for (let step = 1; step <= 5; step++) sim.openmarkets.moveLiquidity(contest.id, [{ liquidity_hash: hash, available: 1000 + step }]);
		const [latest] = await trigger.waitForItems(1);
		expect(latest.json).toMatchObject({ event: 'liquidity.update', coalesced: 5, data: { liquidity_hash: hash, available: 1005 } });
		expect(trigger.recorder.emissions).toHaveLength(1);
	});

	it('passes only chosen partners and moves large enough, saying how much they moved', async () => {
		await setUp();
		const [contest] = sim.openmarkets.contests();
		const { hash, partner, price, available } = firstHash(contest.id);
		const trigger = await start({ ...listOf([contest.id]), partners: partner, minPriceMove: 0.02, channels: ['liquidity'] });
		await trigger.waitForItems(1);
		const other = sim.openmarkets
			.liquidity(contest.id)
			.positions.flatMap((position) => position.partner_liquidities)
			.find((liquidity) => liquidity.partner_id !== partner)!;
		sim.openmarkets.moveLiquidity(contest.id, [{ liquidity_hash: other.liquidity_hash, price: 0.01 }]);
		sim.openmarkets.moveLiquidity(contest.id, [{ liquidity_hash: hash, price: Number((price + 0.01).toFixed(2)) }]);
		sim.openmarkets.moveLiquidity(contest.id, [
			{ liquidity_hash: hash, price: Number((price + 0.025).toFixed(3)), available: available + 5 },
		]);
		const update = await trigger.waitForItem((item) => item.event === 'liquidity.update', 'the large move');
		expect(update.data).toMatchObject({ liquidity_hash: hash, partner_id: partner, priceMove: 0.025, sizeChange: 5 });
		expect(of(trigger, 'liquidity.update')).toHaveLength(1);
		const snapshot = of(trigger, 'liquidity.snapshot')[0].data as { positions: Array<{ partner_liquidities: IDataObject[] }> };
		expect(
			snapshot.positions.flatMap((position) => position.partner_liquidities).every((liquidity) => liquidity.partner_id === partner),
		).toBe(true);
	});

	it("answers the venue's protocol pings and sends its own ping", async () => {
		await setUp({ pingIntervalMs: 100 });
		const [contest] = sim.openmarkets.contests();
		const timeouts: unknown[] = [];
		sim.openmarkets.events.on('ws:ping-timeout', (event) => timeouts.push(event));
		await start(listOf([contest.id]));
		let pongs = 0;
		await sim.openmarkets.waitFor('ws:protocol-pong', () => ++pongs >= 4);
		await sim.openmarkets.waitFor('ws:ping', ({ answered }) => answered);
		expect(timeouts).toHaveLength(0);
		expect(sim.openmarkets.connectionCount()).toBe(1);
	});

	it.each([
		[{ withinHours: '={{ "1e1" }}' }, 'Starting Within (Hours): expected a number ≥ 0, got "1e1"'],
		[{ options: { maxConnections: '={{ "0x3" }}' } }, 'Options → Max Connections: expected a whole number ≥ 1, got "0x3"'],
	])('reads trigger numbers as plain decimals only: refuses %j before connecting', async (parameters, message) => {
		// Number() read "1e1" as 10 and "0x3" as 3.
		await setUp();
		const error = (await start({ contests: 'rule', leagueIds: 'lg_nfl', ...parameters }).catch((caught: Error) => caught)) as Error;
		expect(error.message).toBe(message);
		expect(sim.openmarkets.connectionCount()).toBe(0);
	});

	it('refuses a listed contest ID that would move the snapshot request to another path, before connecting', async () => {
		await setUp();
		const rest: string[] = [];
		sim.openmarkets.events.on('rest:request', ({ method, path }) => rest.push(`${method} ${path}`));
		const error = (await start(listOf([sim.openmarkets.contests()[0].id, '..'])).catch((caught: Error) => caught)) as Error;
		expect(error.message).toMatch(
			/^Contest IDs: expected an ID of 1 to 256 characters, .*, got "\.\.", which would move the request to another path$/,
		);
		expect(sim.openmarkets.connectionCount()).toBe(0);
		expect(rest).toEqual([]);
	});

	it("a contest ID from the venue's list that is no path segment gets no snapshot request, and an error item says why", async () => {
		// The follow rule takes contest IDs from GET /contests: venue data. "/contests/../liquidity" would read "/liquidity".
		await setUp({ contests: 0 });
		sim.openmarkets.addContest({ id: '..', league_id: 'lg_nfl', starts_at: new Date(Date.now() + 3600_000).toISOString() });
		const [good] = sim.openmarkets.addContests(1, { league_id: 'lg_nfl', startsInMs: 2 * 3600_000 });
		const rest: string[] = [];
		sim.openmarkets.events.on('rest:request', ({ method, path }) => rest.push(`${method} ${path.split('?')[0]}`));
		const trigger = await start({ contests: 'rule', leagueIds: 'lg_nfl', withinHours: 6, channels: ['liquidity'] });
		const failed = await trigger.waitForItem((item) => item.event === 'error', 'the failed snapshot');
		expect(failed.data).toMatchObject({ code: 'snapshot_failed', contest_id: '..', reason: 'subscribed' });
		expect((failed.data as IDataObject).message).toContain('Contest ID: expected an ID of 1 to 256 characters');
		await trigger.waitForItem((item) => item.event === 'liquidity.snapshot', 'the good snapshot');
		expect(rest.filter((entry) => entry !== 'GET /openmarkets/flow/v1/contests')).toEqual([
			`GET /openmarkets/flow/v1/contests/${good.id}/liquidity`,
		]);
	});

	it('refuses a wrong key at activation in plain words, without showing it', async () => {
		await setUp();
		useCredentials({ apiKey: 'om_data_live_wrong_key_123456' });
		const error = (await start(listOf([sim.openmarkets.contests()[0].id])).catch((caught: Error) => caught)) as Error;
		expect(error.message).toMatch(/^Authorization failed: OpenMarkets refused the credentials/);
		expect(`${error.message} ${error.stack} ${allLogText()}`).not.toContain('om_data_live_wrong_key_123456');
	});

	it('counts a malformed frame, reports it once, and goes on', async () => {
		await setUp();
		const [contest] = sim.openmarkets.contests();
		const trigger = await start({ ...listOf([contest.id]), snapshotOnSubscribe: false, channels: ['liquidity'] });
		sim.openmarkets.faults.sendMalformed('schema');
		sim.openmarkets.moveLiquidity(contest.id);
		const item = await trigger.waitForItem((json) => json.gap !== null, 'the item after the bad frame');
		expect(item.gap).toMatchObject({ droppedFrames: 1, reasons: [expect.stringContaining('liquidity.update')] });
		expect(trigger.recorder.failedExecutions).toHaveLength(1);
	});

	it('replaces a silent connection', async () => {
		await setUp();
		const [contest] = sim.openmarkets.contests();
		const trigger = await start({ ...listOf([contest.id]), snapshotOnSubscribe: false, channels: ['liquidity'] });
		const closed = sim.openmarkets.waitFor('ws:closed');
		sim.openmarkets.faults.silence();
		await closed;
		sim.openmarkets.faults.resume();
		const snapshot = await trigger.waitForItem((json) => json.event === 'liquidity.snapshot', 'the snapshot after reconnecting');
		expect(snapshot).toMatchObject({
			reason: 'reconnect',
			gap: { reasons: expect.arrayContaining([expect.stringContaining('no traffic')]) },
		});
	});

	describe('key refused after start', () => {
		const REFUSAL = { refusalRetryDelayMs: 200, refusalRetryMaxDelayMs: 400 };
		const rejections = () => {
			const rejected: Array<{ status: number; at: number }> = [];
			sim.openmarkets.events.on('ws:rejected', ({ status }) => rejected.push({ status, at: Date.now() }));
			return rejected;
		};
		/** Two contests on two connections (one per connection), without books after subscribing. */
		const startTwoShards = async () => {
			const ids = sim.openmarkets
				.contests()
				.slice(0, 2)
				.map((contest) => contest.id);
			const trigger = await start({
				...listOf(ids),
				snapshotOnSubscribe: false,
				channels: ['liquidity'],
				options: { ...REFUSAL, maxContestsPerConnection: 1 },
			});
			expect(sim.openmarkets.connectionCount()).toBe(2);
			return { trigger, ids };
		};
		const bothResubscribed = () => {
			let count = 0;
			return sim.openmarkets.waitFor('ws:subscribe', () => ++count === 2, 10_000);
		};

		it('keeps both connections trying while OpenMarkets refuses the key, records it once, and resumes each with the gap', async () => {
			await setUp();
			const { trigger, ids } = await startTwoShards();
			const rejected = rejections();
			const resubscribed = bothResubscribed();
			sim.openmarkets.faults.refuseAuth(1500);
			sim.openmarkets.faults.dropConnections();
			await trigger.recorder.until(() => trigger.recorder.failedExecutions.length > 0, 'the refusal recorded');
			expect(trigger.recorder.failedExecutions[0].message).toMatch(
				/^OpenMarkets refused the credentials: .* refused the credentials \(HTTP 401\)\. The trigger stays active and tries again in \d+ s$/,
			);
			await resubscribed;
			// Exactly one socket per shard, each with its own contest.
			expect(sim.openmarkets.connectionCount()).toBe(2);
			expect(
				sim.openmarkets
					.subscriptions()
					.map((subscription) => subscription.liquidity)
					.sort(),
			).toEqual(ids.map((id) => [id]).sort());
			const snapshots = await trigger.recorder
				.until(() => of(trigger, 'liquidity.snapshot').length === 2, 'both books')
				.then(() => of(trigger, 'liquidity.snapshot'));
			for (const snapshot of snapshots) {
				expect(snapshot).toMatchObject({ reason: 'reconnect' });
				expect(snapshot.gap).toMatchObject({
					reasons: [
						expect.stringMatching(/^connection lost/),
						expect.stringMatching(/^credentials refused: .*\(HTTP 401\)$/),
						expect.stringMatching(/^credentials accepted again after being refused for \d+ s/),
					],
				});
			}
			expect(rejected.length).toBeGreaterThanOrEqual(4);
			// Both connections were refused, several times each: still one failed execution.
			expect(trigger.recorder.failedExecutions).toHaveLength(1);
			expect(trigger.recorder.emitErrors).toHaveLength(0);
			sim.openmarkets.moveLiquidity(ids[0]);
			const update = await trigger.waitForItem((json) => json.event === 'liquidity.update', 'an update after the refusal');
			expect(update.gap).toBeNull();
		});

		it('keeps trying after OpenMarkets revokes the key on the open sockets, and resumes once it accepts the key again', async () => {
			await setUp();
			const { trigger } = await startTwoShards();
			const resubscribed = bothResubscribed();
			sim.openmarkets.faults.revokeKey();
			await trigger.recorder.until(() => trigger.recorder.failedExecutions.length > 0, 'the refusal recorded');
			expect(sim.openmarkets.connectionCount()).toBe(0);
			sim.openmarkets.faults.restoreKey();
			await resubscribed;
			expect(sim.openmarkets.connectionCount()).toBe(2);
			expect(trigger.recorder.failedExecutions).toHaveLength(1);
			expect(trigger.recorder.emitErrors).toHaveLength(0);
		});

		it('uses a key corrected in n8n on the next attempt, without re-activating', async () => {
			await setUp();
			const { trigger } = await startTwoShards();
			const resubscribed = bothResubscribed();
			useCredentials({ apiKey: 'om_data_live_wrong_key_after_1' });
			sim.openmarkets.faults.dropConnections();
			await trigger.recorder.until(() => trigger.recorder.failedExecutions.length > 0, 'the refusal recorded');
			useCredentials({});
			await resubscribed;
			expect(sim.openmarkets.connectionCount()).toBe(2);
			expect(trigger.recorder.emitErrors).toHaveLength(0);
			expect(allLogText()).not.toContain('om_data_live_wrong_key_after_1');
		});

		it('leaves no socket and no retry behind when deactivated while refused', async () => {
			await setUp();
			const { trigger } = await startTwoShards();
			sim.openmarkets.faults.revokeKey();
			await trigger.recorder.until(() => trigger.recorder.failedExecutions.length > 0, 'the refusal recorded');
			await trigger.close();
			// An upgrade the trigger abandoned on close may still be on its way to the server: let the
			// server see every socket gone first, or the key restored below would accept it.
			if (sim.openConnections() > 0) await sim.events.waitFor('disconnect', ({ open }) => open === 0, 10_000);
			const rejected = rejections();
			const connections = jest.fn();
			sim.openmarkets.events.on('ws:connection', connections);
			sim.openmarkets.faults.restoreKey();
			await new Promise((resolve) => setTimeout(resolve, 3 * REFUSAL.refusalRetryMaxDelayMs));
			expect(rejected).toEqual([]);
			expect(connections).not.toHaveBeenCalled();
			expect(sim.openmarkets.connectionCount()).toBe(0);
		});

		it('asks OpenMarkets once about a refused key, however often n8n retries the activation (5 times in 2.41)', async () => {
			await setUp();
			const rejected = rejections();
			sim.openmarkets.faults.refuseAuth(60_000);
			for (let attempt = 0; attempt < 5; attempt++) {
				await expect(start({ ...listOf([sim.openmarkets.contests()[0].id]), options: REFUSAL })).rejects.toThrow(
					/^Authorization failed: OpenMarkets refused the credentials/,
				);
			}
			await new Promise((resolve) => setTimeout(resolve, 3 * REFUSAL.refusalRetryMaxDelayMs));
			expect(rejected).toEqual([expect.objectContaining({ status: 401 })]);
		});
	});

	it('says that OpenMarkets refused a connection past its limit per key at activation, and why', async () => {
		await setUp();
		const ids = sim.openmarkets
			.contests()
			.slice(0, 3)
			.map((contest) => contest.id);
		await start({ ...listOf(ids), snapshotOnSubscribe: false, channels: ['liquidity'], options: { maxContestsPerConnection: 1 } });
		expect(sim.openmarkets.connectionCount()).toBe(3);
		const error = (await start({ ...listOf([ids[0]]), snapshotOnSubscribe: false }).catch((caught: Error) => caught)) as Error & {
			description?: string;
		};
		expect(error.message).toMatch(
			/^OpenMarkets refused the connection \(HTTP 429 Too Many Requests\): OpenMarkets allows 3 stream connections per API key .*shared by every trigger and Contest → Watch using this key/,
		);
		expect(error.message).not.toMatch(/Cannot reach/);
		expect(error.description).toMatch(/other connections that use the same credential/);
		expect(sim.openmarkets.connectionCount()).toBe(3);
	});

	it('delivers the first full book in a manual run', async () => {
		await setUp();
		const [contest] = sim.openmarkets.contests();
		const { items } = await harness.runManualTrigger(
			'openMarketsTrigger',
			{ ...listOf([contest.id]), channels: ['liquidity'], options: FAST } as never,
			'openMarketsApi',
		);
		expect(items.map((item) => item.json.event)).toEqual(['liquidity.snapshot']);
		expect(sim.openmarkets.connectionCount()).toBe(0);
	});
});
