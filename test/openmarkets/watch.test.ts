/**
 * OpenMarkets → Contest → Watch in real n8n workflow executions against the simulated OpenMarkets
 * over loopback: bounded by Max Updates or the duration, full books first, items as the simulator
 * sent them in the trigger's envelope, a drop healed with its gap shown, refusals before any
 * connection, a refused key, a cancelled execution, and never a socket left open.
 */
import type { IDataObject } from 'n8n-workflow';

import { OpenMarketsApi } from '../../credentials/OpenMarketsApi.credentials';
import { OpenMarkets } from '../../nodes/OpenMarkets/OpenMarkets.node';
import { startSimulator, type VenueSimulator } from 'trading-venues-simulator';
import { allLogText, N8nHarness } from '../harness/n8n';
import { nodeRunner } from '../harness/nodeRuns';

const WRONG_KEY = 'om_data_live_wrong_key_123456';
const harness = new N8nHarness({ nodes: { openMarkets: OpenMarkets }, credentialTypes: [OpenMarketsApi] });
let sim: VenueSimulator;
let connections: number;
let restCalls: string[];

beforeEach(async () => {
	sim = await startSimulator({ openmarkets: { contests: 6 } });
	useCredentials({});
	connections = 0;
	restCalls = [];
	sim.openmarkets.events.on('ws:connection', () => connections++);
	sim.openmarkets.events.on('rest:request', ({ method, path, status }) => restCalls.push(`${method} ${path} ${status}`));
});

afterEach(async () => {
	await sim.close();
});

function useCredentials(values: IDataObject) {
	harness.setCredentials('openMarketsApi', {
		apiKey: sim.openmarkets.apiKey,
		baseUrl: sim.openmarkets.restUrl,
		streamUrl: sim.openmarkets.streamUrl,
		...values,
	});
}

const run = nodeRunner(harness, 'openMarkets', 'openMarketsApi', () => [sim.openmarkets.apiKey, WRONG_KEY]);

function watch(contestIds: string[], fields: IDataObject = {}, cancel?: AbortSignal) {
	return run(
		{ resource: 'contest', operation: 'watch', contestIds: contestIds.join(', '), maxDurationSeconds: 30, ...fields },
		[{}],
		{},
		cancel,
	);
}

/** Resolves once the last channel (contest_state comes after liquidity) is subscribed on a connection. */
const subscribed = (connectionId?: number) =>
	sim.openmarkets.waitFor(
		'ws:subscribe',
		(event) => event.channel === 'contest_state' && (connectionId === undefined || event.connectionId === connectionId),
	);

const ids = (count: number) =>
	sim.openmarkets
		.contests()
		.slice(0, count)
		.map((contest) => contest.id);
const entries = (contestId: string) => sim.openmarkets.liquidity(contestId).positions.flatMap((position) => position.partner_liquidities);
const json = (result: { items: Array<{ json: IDataObject }> }) => result.items.map((item) => item.json);

describe('Contest → Watch', () => {
	it('returns at Max Updates, long before the duration, leaving out what came after', async () => {
		const [first, second] = ids(2);
		const ready = subscribed();
		// A duration far beyond the test's timeout: only Max Updates can end the watch in time.
		const watching = watch([first, second], { maxUpdates: 3, maxDurationSeconds: 300, options: { includeSnapshot: false } });
		await ready;
		const changes = entries(first)
			.slice(0, 2)
			.map((entry) => ({ liquidity_hash: entry.liquidity_hash, available: entry.available + 7 }));
		const sent = sim.openmarkets.moveLiquidity(first, changes);
		const state = sim.openmarkets.setContestStatus(second, 'live', { home_score: 1, away_score: 0 });
		sim.openmarkets.moveLiquidity(first, [{ liquidity_hash: changes[0].liquidity_hash, price: 0.42 }]);

		const result = await watching;
		expect(result.error).toBeUndefined();
		expect(json(result).map((item) => item.event)).toEqual(['liquidity.update', 'liquidity.update', 'contest_state.update']);
		expect(
			json(result)
				.map((item) => (item.data as IDataObject).liquidity_hash)
				.slice(0, 2),
		).toEqual(sent.changed_entries.map((entry) => entry.liquidity_hash));
		const { type: _type, ...stateData } = state;
		expect(json(result)[2]).toMatchObject({ data: stateData, connection: { id: 1, sequence: 3 }, gap: null });
		expect(result.items.every((item) => (item.pairedItem as { item: number }).item === 0)).toBe(true);
		expect(sim.openmarkets.connectionCount()).toBe(0);
	});

	it("returns at the duration what arrived, as the simulator sent it, in the trigger's envelope", async () => {
		const [contest] = ids(1);
		const ready = sim.openmarkets.waitFor('ws:subscribe', (event) => event.channel === 'liquidity');
		const started = Date.now();
		const watching = watch([contest], { maxDurationSeconds: 1, channels: ['liquidity'], options: { includeSnapshot: false } });
		await ready;
		const sent = sim.openmarkets.moveLiquidity(contest);

		const result = await watching;
		expect(result.error).toBeUndefined();
		expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
		expect(json(result)).toEqual(
			sent.changed_entries.map((entry, index) => ({
				venue: 'openmarkets',
				source: 'stream',
				event: 'liquidity.update',
				data: { contest_id: contest, ...entry, timestamp: sent.timestamp, priceMove: null, sizeChange: null },
				receivedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
				connection: { id: 1, sequence: index + 1 },
				gap: null,
				shard: 1,
			})),
		);
		expect(sim.openmarkets.subscriptions()).toEqual([]);
		expect(sim.openmarkets.connectionCount()).toBe(0);
	});

	it("starts with each contest's full book, even when a change overtakes it, and waits for the books before returning", async () => {
		const [first, second] = ids(2);
		const ready = subscribed();
		const watching = watch([first, second], { maxUpdates: 1 });
		await ready;
		const [entry] = entries(first);
		sim.openmarkets.moveLiquidity(first, [{ liquidity_hash: entry.liquidity_hash, available: entry.available + 3 }]);

		const result = await watching;
		expect(result.error).toBeUndefined();
		const items = json(result);
		expect(items).toHaveLength(3);
		expect(
			items
				.slice(0, 2)
				.map((item) => (item.data as IDataObject).contest_id)
				.sort(),
		).toEqual([first, second].sort());
		for (const book of items.slice(0, 2)) {
			expect(book).toMatchObject({ event: 'liquidity.snapshot', snapshot: true, reason: 'subscribed', shard: 1, gap: null });
		}
		const secondBook = items.find((item) => (item.data as IDataObject).contest_id === second)!;
		expect((secondBook.data as IDataObject).positions).toEqual(sim.openmarkets.liquidity(second).positions);
		expect(items[2]).toMatchObject({
			event: 'liquidity.update',
			data: { liquidity_hash: entry.liquidity_hash, available: entry.available + 3 },
		});
		expect(restCalls.filter((call) => call.endsWith('/liquidity 200'))).toHaveLength(2);
		expect(sim.openmarkets.connectionCount()).toBe(0);
	});

	it('says so in one item when nothing arrived', async () => {
		const [contest] = ids(1);
		const result = await watch([contest], { maxDurationSeconds: 0.2, options: { includeSnapshot: false } });
		expect(result.error).toBeUndefined();
		expect(json(result)).toEqual([
			expect.objectContaining({
				venue: 'openmarkets',
				event: 'watch.empty',
				data: expect.objectContaining({
					contestIds: [contest],
					channels: ['liquidity', 'contest_state'],
					maxDurationSeconds: 0.2,
					endedBy: 'duration',
				}),
				gap: null,
			}),
		]);
		expect(connections).toBe(1);
		expect(sim.openmarkets.connectionCount()).toBe(0);
	});

	it('after a drop mid-watch reconnects, shows the gap on the next item and sends the full books again', async () => {
		const [first, second] = ids(2);
		const ready = subscribed();
		const watching = watch([first, second], { maxUpdates: 1, options: { includeSnapshot: false } });
		const { connectionId } = await ready;
		const resubscribed = sim.openmarkets.waitFor(
			'ws:subscribe',
			(event) => event.channel === 'contest_state' && event.connectionId !== connectionId,
		);
		sim.openmarkets.faults.dropConnections();
		await resubscribed;
		const sent = sim.openmarkets.moveLiquidity(first, [{ liquidity_hash: entries(first)[0].liquidity_hash, price: 0.37 }]);

		const result = await watching;
		expect(result.error).toBeUndefined();
		const items = json(result);
		expect(items.every((item) => (item.connection as IDataObject).id === 2)).toBe(true);
		expect(items[0].gap).toMatchObject({ reconnects: 1, reasons: [expect.stringMatching(/^connection lost/)] });
		expect(items.slice(1).every((item) => item.gap === null)).toBe(true);
		const books = items.filter((item) => item.event === 'liquidity.snapshot');
		expect(books.map((item) => (item.data as IDataObject).contest_id).sort()).toEqual([first, second].sort());
		expect(books.every((item) => item.reason === 'reconnect')).toBe(true);
		expect(items.filter((item) => item.event === 'liquidity.update').map((item) => item.data)).toEqual([
			expect.objectContaining({ liquidity_hash: sent.changed_entries[0].liquidity_hash, price: 0.37 }),
		]);
		expect(sim.openmarkets.connectionCount()).toBe(0);
	});

	it("passes only the chosen partners' liquidity", async () => {
		const [contest] = ids(1);
		const ready = subscribed();
		const watching = watch([contest], { maxUpdates: 1, options: { partners: 'kalshi' } });
		await ready;
		const other = entries(contest).find((entry) => entry.partner_id !== 'kalshi')!;
		const kalshi = entries(contest).find((entry) => entry.partner_id === 'kalshi')!;
		sim.openmarkets.moveLiquidity(contest, [{ liquidity_hash: other.liquidity_hash, available: 1 }]);
		sim.openmarkets.moveLiquidity(contest, [{ liquidity_hash: kalshi.liquidity_hash, available: 2 }]);

		const items = json(await watching);
		expect(items.map((item) => item.event)).toEqual(['liquidity.snapshot', 'liquidity.update']);
		expect(items[1].data).toMatchObject({ liquidity_hash: kalshi.liquidity_hash, partner_id: 'kalshi', available: 2 });
		const positions = (items[0].data as { positions: Array<{ partner_liquidities: IDataObject[] }> }).positions;
		expect(positions.flatMap((position) => position.partner_liquidities).every((entry) => entry.partner_id === 'kalshi')).toBe(true);
	});

	it('refuses more than 200 contests, naming the field and the limit, before any connection', async () => {
		const many = Array.from({ length: 201 }, (_, index) => `ct_${index}`);
		const result = await watch(many);
		expect(result.error?.name).toBe('NodeOperationError');
		expect(result.error?.message).toBe(
			'Contest IDs: 201 contests are more than one watch may follow: at most 200 (one OpenMarkets connection)',
		);
		expect(connections).toBe(0);
		expect(restCalls).toEqual([]);
	});

	it.each([
		[{ contestIds: ' ' }, /^Contest IDs: expected one or more contest IDs separated by commas/],
		[{ contestIds: 'ct_a,,ct_b' }, /^Contest IDs: expected IDs separated by commas, such as ct_abc123, ct_def456/],
		[{ channels: [] }, /^Channels: expected some of liquidity, contest_state, got \[\]$/],
		[{ maxDurationSeconds: 301 }, /^Max Duration \(Seconds\): expected a number of seconds above 0, at most 300, got 301$/],
		[{ maxDurationSeconds: 0 }, /^Max Duration \(Seconds\): expected/],
		[{ maxUpdates: 1.5 }, /^Max Updates: expected a whole number ≥ 0/],
		// Plain decimals only, and a finite 1e308 is no count.
		[{ maxDurationSeconds: '={{ "1e2" }}' }, /^Max Duration \(Seconds\): expected a number of seconds above 0, at most 300, got "1e2"$/],
		[{ maxUpdates: '={{ "0x10" }}' }, /^Max Updates: expected a whole number ≥ 0 \(0 = no limit\), got "0x10"$/],
		[{ maxUpdates: 1e308 }, /^Max Updates: expected a whole number ≥ 0 \(0 = no limit\), got 1e\+308$/],
		// Each contest's full book is read at /contests/{id}/liquidity.
		[{ contestIds: 'ct_a, ..' }, /^Contest IDs: expected an ID of 1 to 256 characters, .*, got "\.\."/],
	])('refuses %j before any connection', async (fields, message) => {
		const result = await run({ resource: 'contest', operation: 'watch', contestIds: ids(1)[0], maxDurationSeconds: 5, ...fields });
		expect(result.error?.name).toBe('NodeOperationError');
		expect(result.error?.message).toMatch(message);
		expect(connections).toBe(0);
		expect(restCalls).toEqual([]);
	});

	it('ends with an error naming the contests OpenMarkets does not know', async () => {
		const [contest] = ids(1);
		const result = await watch([contest, 'ct_nope'], { channels: ['liquidity'] });
		expect(result.error?.name).toBe('NodeOperationError');
		expect(result.error?.message).toBe('Contest IDs: OpenMarkets does not know ct_nope (unknown_contest)');
		expect(sim.openmarkets.connectionCount()).toBe(0);
	});

	it('refuses a wrong key in plain words, without showing it', async () => {
		useCredentials({ apiKey: WRONG_KEY });
		const result = await watch(ids(1));
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.message).toBe('OpenMarkets refused the API key (HTTP 401), so it could not watch the contests');
		expect(result.error?.description).toMatch(/API Key of the OpenMarkets API credential/);
		expect(result.error?.httpCode).toBe('401');
		expect(allLogText()).not.toContain(WRONG_KEY);
		expect(sim.openmarkets.connectionCount()).toBe(0);
	});

	it('ends with the refused key when the key is revoked mid-watch', async () => {
		const ready = subscribed();
		const watching = watch(ids(1), { options: { includeSnapshot: false } });
		await ready;
		sim.openmarkets.faults.revokeKey();
		const result = await watching;
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.message).toMatch(/^OpenMarkets refused the API key/);
		expect(sim.openmarkets.connectionCount()).toBe(0);
	});

	it('closes the socket at once when the execution is cancelled', async () => {
		const ready = subscribed();
		const cancel = new AbortController();
		// A duration far beyond the test's timeout: only the cancellation can end the watch in time.
		const watching = watch(ids(1), { maxDurationSeconds: 300, options: { includeSnapshot: false } }, cancel.signal);
		await ready;
		const closed = sim.openmarkets.waitFor('ws:closed');
		cancel.abort();
		await watching;
		await closed;
		expect(sim.openmarkets.connectionCount()).toBe(0);
	});
});
