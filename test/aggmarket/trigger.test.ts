/**
 * The agg.market Trigger through n8n-core's real TriggerContext, in production and manual mode,
 * against the simulated agg.market over loopback: in-place authentication, user events and
 * their filters, token renewal on the open socket and after a 4001 close, and order books that
 * are only ever emitted when they match the venue's book.
 */
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { AggMarketApi } from '../../credentials/AggMarketApi.credentials';
import { AggMarketTrigger } from '../../nodes/AggMarket/AggMarketTrigger.node';
import { DIALECTS, startSimulator, type AggSimOptions, type VenueSimulator } from 'trading-venues-simulator';
import { allLogText, logLines, N8nHarness, simulatorCredentials, type ActiveTrigger } from '../harness/n8n';

const FAST = { silenceTimeoutMs: 800, connectTimeoutMs: 1500, reconnectMaxDelayMs: 50 };
const OUTCOME = 'vmo_fed_cut_july_yes';

describe('agg.market Trigger', () => {
	const harness = new N8nHarness({ nodes: { aggMarketTrigger: AggMarketTrigger }, credentialTypes: [AggMarketApi] });
	let sim: VenueSimulator;
	const triggers: ActiveTrigger[] = [];

	async function setUp(agg: AggSimOptions = {}) {
		sim = await startSimulator({ agg: { heartbeatIntervalMs: 200, orderStepMs: 2, ...agg } });
		useCredentials({});
	}

	function useCredentials(values: ICredentialDataDecryptedObject) {
		harness.setCredentials('aggMarketApi', { ...simulatorCredentials(sim).aggMarketApi, ...values });
	}

	async function start(parameters: IDataObject = {}) {
		const trigger = await harness.startTrigger('aggMarketTrigger', { options: { ...FAST }, ...parameters } as never, 'aggMarketApi');
		triggers.push(trigger);
		return trigger;
	}

	const startBooks = (parameters: IDataObject = {}) =>
		start({ source: 'orderBooks', outcomeIds: OUTCOME, bookEmission: 'everyChange', ...parameters });

	const json = (trigger: ActiveTrigger) => trigger.items.map((item) => item.json);
	const events = (trigger: ActiveTrigger, name: string) => json(trigger).filter((item) => item.event === name);
	const secrets = () => [sim.agg.accessToken, sim.agg.refreshToken];
	/** The server sees a refused handshake's socket close a moment after the client gave up. */
	async function noSocketLeft() {
		while (sim.agg.openSockets() > 0) await sim.agg.waitFor('ws:close');
	}

	afterEach(async () => {
		for (const trigger of triggers.splice(0)) await trigger.close();
		await sim.close();
	});

	describe('user events', () => {
		it("authenticates in place (no token in the URL) and turns an order's life into items", async () => {
			await setUp();
			const connections: Array<{ userId: string | null }> = [];
			sim.agg.events.on('ws:connection', (connection) => connections.push(connection));
			const trigger = await start();
			expect(connections).toEqual([expect.objectContaining({ userId: null })]);
			const order = sim.agg.placeOrder({
				venue: 'kalshi',
				side: 'buy',
				price: 0.55,
				size: 10,
				outcomeId: OUTCOME,
				outcome: 'fill',
				retry: false,
			});
			const balance = await trigger.waitForItem((item) => item.event === 'balance_update', 'the balance update');

			const submitted = events(trigger, 'order_submitted');
			expect(submitted).toEqual([
				expect.objectContaining({
					venue: 'agg.market',
					source: 'websocket',
					data: expect.objectContaining({ orderId: order.orderId, venue: 'kalshi' }),
				}),
			]);
			const kinds = events(trigger, 'order_event').map((item) => (item.data as IDataObject).event);
			expect(kinds[0]).toBe('dag_started');
			expect(kinds).toContain('filled');
			expect(kinds.at(-1)).toBe('dag_completed');
			const data = balance.data as IDataObject;
			expect(data.tradingBalance).toBe(Number(((data.tradingBalanceCents as number) / 100).toFixed(2)));
			expect(data).not.toHaveProperty('type');
			expect(JSON.stringify(json(trigger)) + allLogText()).not.toContain(sim.agg.accessToken);
		});

		it('passes only the chosen order-event kinds and venues', async () => {
			await setUp();
			const trigger = await start({ events: ['order_event'], orderEvents: ['filled', 'failed'], venues: 'polymarket' });
			sim.agg.placeOrder({ venue: 'kalshi', side: 'buy', price: 0.5, size: 5, outcomeId: OUTCOME, outcome: 'fill', retry: false });
			sim.agg.placeOrder({ venue: 'polymarket', side: 'buy', price: 0.5, size: 5, outcomeId: OUTCOME, outcome: 'fail', retry: false });
			const last = sim.agg.placeOrder({
				venue: 'polymarket',
				side: 'sell',
				price: 0.5,
				size: 5,
				outcomeId: OUTCOME,
				outcome: 'fill',
				retry: false,
			});
			await trigger.waitForItem(
				(item) => (item.data as IDataObject).orderId === last.orderId && (item.data as IDataObject).event === 'filled',
				'the last order filled',
			);
			const seen = json(trigger).map((item) => `${item.event}/${(item.data as IDataObject).venue}/${(item.data as IDataObject).event}`);
			expect(seen).toEqual(['order_event/polymarket/failed', 'order_event/polymarket/filled']);
		});

		it('renews the token on the open socket before it expires, and n8n stores the rotated refresh token', async () => {
			await setUp({ tokenTtlSeconds: 1.5 });
			const connections: number[] = [];
			const authenticated: number[] = [];
			sim.agg.events.on('ws:connection', ({ connectionId }) => connections.push(connectionId));
			sim.agg.events.on('ws:authenticated', ({ connectionId }) => authenticated.push(connectionId));
			const trigger = await start();
			// One renewal at start (the expiry was unknown), then in place before each expiry.
			await sim.agg.waitFor('ws:authenticated', () => authenticated.length >= 3, 6000);
			expect(connections).toHaveLength(1);
			expect(new Set(authenticated)).toEqual(new Set(connections));
			const stored = harness.storedCredentials('aggMarketApi')!;
			expect(stored.refreshToken).not.toBe(sim.agg.refreshToken);
			expect(stored.sessionExpiresAt).toBeGreaterThan(Date.now());

			const order = sim.agg.placeOrder({
				venue: 'kalshi',
				side: 'buy',
				price: 0.5,
				size: 5,
				outcomeId: OUTCOME,
				outcome: 'fill',
				retry: false,
			});
			const item = await trigger.waitForItem((json) => (json.data as IDataObject).orderId === order.orderId, 'an event after renewals');
			expect(item.gap).toBeNull();
			const text = JSON.stringify(json(trigger)) + allLogText();
			for (const secret of [...secrets(), stored.refreshToken as string, stored.sessionToken as string]) expect(text).not.toContain(secret);
		});

		it('renews with the refresh token stored now, when another node rotated it meanwhile', async () => {
			await setUp({ tokenTtlSeconds: 1.5 });
			const authenticated: number[] = [];
			sim.agg.events.on('ws:authenticated', ({ connectionId }) => authenticated.push(connectionId));
			const trigger = await start();
			// What the action node's preAuthentication does: spend the stored refresh token, store the new pair.
			const stored = harness.storedCredentials('aggMarketApi')!;
			const response = await fetch(`${sim.agg.restUrl}${sim.agg.refreshPath}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', 'x-app-id': sim.agg.appId },
				body: JSON.stringify({ refreshToken: stored.refreshToken }),
			});
			const pair = (await response.json()) as { accessToken: string; refreshToken: string; expiresAt: number };
			harness.setCredentials('aggMarketApi', {
				...stored,
				sessionToken: pair.accessToken,
				refreshToken: pair.refreshToken,
				sessionExpiresAt: pair.expiresAt,
			});
			const before = authenticated.length;
			await sim.agg.waitFor('ws:authenticated', () => authenticated.length >= before + 1, 6000);
			expect(new Set(authenticated).size).toBe(1);
			expect(trigger.recorder.emitErrors).toHaveLength(0);
		});

		it('after a 4001 close renews the token, reconnects, and reports the gap on the next item', async () => {
			await setUp();
			const trigger = await start();
			const closed = sim.agg.waitFor('ws:close');
			const reauthenticated = sim.agg.waitFor('ws:authenticated');
			expect(sim.agg.faults.expireTokens().sockets).toBe(1);
			expect((await closed).code).toBe(4001);
			await reauthenticated;
			const order = sim.agg.placeOrder({
				venue: 'kalshi',
				side: 'buy',
				price: 0.5,
				size: 5,
				outcomeId: OUTCOME,
				outcome: 'fill',
				retry: false,
			});
			const item = await trigger.waitForItem(
				(json) => (json.data as IDataObject).orderId === order.orderId,
				'an event after the reconnect',
			);
			expect(item.gap).toMatchObject({ reconnects: 1, reasons: [expect.stringContaining('4001')] });
			expect(trigger.recorder.emitErrors).toHaveLength(0);
		});

		it('refuses a spent refresh token at activation in plain words, without showing it', async () => {
			await setUp();
			useCredentials({ accessToken: '', refreshToken: 'agg_rt_not_a_real_refresh_token_0000' });
			const connections: unknown[] = [];
			sim.agg.events.on('ws:connection', (connection) => connections.push(connection));
			const error = (await start().catch((caught: Error) => caught)) as Error;
			expect(error.message).toMatch(/^Authorization failed: agg\.market refused the credentials \(agg\.market refused the token refresh/);
			expect(connections).toHaveLength(0);
			expect(`${error.message} ${allLogText()}`).not.toContain('agg_rt_not_a_real_refresh_token_0000');
		});

		describe('authentication refused after start', () => {
			const REFUSAL = { refusalRetryDelayMs: 200, refusalRetryMaxDelayMs: 400 };
			const startRefusable = () => start({ options: { ...FAST, ...REFUSAL } });
			/** Refresh calls agg.market answered, in order: the trigger renews before every attempt after a refusal. */
			const refreshes = () => {
				const calls: Array<{ status: number; at: number }> = [];
				sim.agg.events.on('rest:request', ({ path, status }) => {
					if (path.endsWith(sim.agg.refreshPath)) calls.push({ status, at: Date.now() });
				});
				return calls;
			};
			const orderEvent = async (trigger: ActiveTrigger) => {
				const order = sim.agg.placeOrder({ venue: 'kalshi', side: 'buy', price: 0.5, size: 5, outcomeId: OUTCOME, outcome: 'fill' });
				return await trigger.waitForItem((json) => (json.data as IDataObject).orderId === order.orderId, 'an event of the order');
			};

			it('stays active while agg.market refuses authenticate and the refresh, retries slowly, records it once, and resumes with the gap', async () => {
				await setUp();
				const trigger = await startRefusable();
				const calls = refreshes();
				sim.agg.faults.refuseAuth(1500);
				const refusedSocket = sim.agg.waitFor('ws:auth-refused');
				sim.agg.faults.dropConnections();
				await refusedSocket;
				await trigger.recorder.until(() => trigger.recorder.failedExecutions.length > 0, 'the refusal recorded');
				expect(trigger.recorder.failedExecutions[0].message).toMatch(
					/^agg\.market refused the credentials: agg\.market refused the token refresh: Authentication refused \(UNAUTHORIZED\)\. The trigger stays active and tries again in \d+ s$/,
				);
				await sim.agg.waitFor('ws:authenticated', undefined, 10_000);
				const item = await orderEvent(trigger);
				const refused = calls.filter((call) => call.status === 401);
				expect(refused.length).toBeGreaterThanOrEqual(3);
				// The first renewal runs in a handshake that agg.market's 4001 close cuts short (a lost
				// connection, retried at once); from the next one on, the refusal backoff spaces them.
				for (let index = 2; index < refused.length; index++) expect(refused[index].at - refused[index - 1].at).toBeGreaterThanOrEqual(150);
				// Between the drop and the refusal, the renewal cut short by the 4001 close may be a reason of its own.
				expect(item.gap).toMatchObject({
					reasons: expect.arrayContaining([
						expect.stringMatching(/^connection lost/),
						'credentials refused: agg.market refused the token refresh: Authentication refused (UNAUTHORIZED)',
						expect.stringMatching(/^credentials accepted again after being refused for \d+ s/),
					]),
				});
				expect(trigger.recorder.failedExecutions).toHaveLength(1);
				expect(trigger.recorder.emitErrors).toHaveLength(0);
				expect(sim.agg.openSockets()).toBe(1);
				expect((await orderEvent(trigger)).gap).toBeNull();
			});

			it('offers an access token it cannot renew again on each slow retry, and resumes once agg.market accepts it', async () => {
				await setUp();
				useCredentials({ refreshToken: '' });
				const trigger = await startRefusable();
				const refusals = jest.fn();
				sim.agg.events.on('ws:auth-refused', refusals);
				sim.agg.faults.refuseAuth(1000);
				sim.agg.faults.dropConnections();
				await trigger.recorder.until(() => trigger.recorder.failedExecutions.length > 0, 'the refusal recorded');
				expect(trigger.recorder.failedExecutions[0].message).toMatch(
					/^agg\.market refused the credentials: agg\.market refused the access token: Authentication refused/,
				);
				await sim.agg.waitFor('ws:authenticated', undefined, 10_000);
				expect(refusals.mock.calls.length).toBeGreaterThanOrEqual(2);
				expect((await orderEvent(trigger)).gap).toMatchObject({
					reasons: expect.arrayContaining([expect.stringMatching(/^credentials accepted again/)]),
				});
				expect(sim.agg.openSockets()).toBe(1);
				expect(trigger.recorder.emitErrors).toHaveLength(0);
			});

			it('renews with a refresh token corrected in n8n on the next attempt, without re-activating', async () => {
				await setUp();
				const trigger = await startRefusable();
				const stored = harness.storedCredentials('aggMarketApi')!;
				harness.setCredentials('aggMarketApi', { ...stored, sessionToken: '', refreshToken: 'agg_rt_revoked_by_the_user_0000' });
				sim.agg.faults.expireTokens();
				await trigger.recorder.until(() => trigger.recorder.failedExecutions.length > 0, 'the refusal recorded');
				expect(trigger.recorder.failedExecutions[0].message).toMatch(/Invalid refresh token/);
				const fresh = sim.agg.issueTokens();
				harness.setCredentials('aggMarketApi', {
					...stored,
					sessionToken: '',
					accessToken: fresh.accessToken,
					refreshToken: fresh.refreshToken,
				});
				await sim.agg.waitFor('ws:authenticated', undefined, 10_000);
				expect((await orderEvent(trigger)).gap).toMatchObject({
					reasons: expect.arrayContaining([expect.stringMatching(/Invalid refresh token/)]),
				});
				expect(sim.agg.openSockets()).toBe(1);
				expect(trigger.recorder.emitErrors).toHaveLength(0);
				expect(allLogText()).not.toContain('agg_rt_revoked_by_the_user_0000');
			});

			it('leaves no socket and no retry behind when deactivated while refused', async () => {
				await setUp();
				const trigger = await startRefusable();
				sim.agg.faults.refuseAuth(60_000);
				sim.agg.faults.dropConnections();
				await trigger.recorder.until(() => trigger.recorder.failedExecutions.length > 0, 'the refusal recorded');
				await trigger.close();
				const calls = refreshes();
				const connections = jest.fn();
				sim.agg.events.on('ws:connection', connections);
				sim.agg.faults.reset();
				await new Promise((resolve) => setTimeout(resolve, 3 * REFUSAL.refusalRetryMaxDelayMs));
				expect(calls).toEqual([]);
				expect(connections).not.toHaveBeenCalled();
				await noSocketLeft();
			});

			it('refreshes once for a refused refresh token, however often n8n retries the activation, and opens no socket', async () => {
				await setUp();
				const calls = refreshes();
				const connections = jest.fn();
				sim.agg.events.on('ws:connection', connections);
				sim.agg.faults.refuseAuth(60_000);
				for (let attempt = 0; attempt < 5; attempt++) {
					await expect(startRefusable()).rejects.toThrow(/^Authorization failed: agg\.market refused the credentials/);
				}
				await new Promise((resolve) => setTimeout(resolve, 3 * REFUSAL.refusalRetryMaxDelayMs));
				expect(calls).toHaveLength(1);
				expect(connections).not.toHaveBeenCalled();
			});
		});

		it('delivers the first event in a manual run', async () => {
			await setUp();
			const run = harness.runManualTrigger('aggMarketTrigger', { events: ['order_submitted'], options: FAST } as never, 'aggMarketApi', {
				onStarted: async () => {
					await sim.agg.waitFor('ws:authenticated');
					sim.agg.placeOrder({ venue: 'kalshi', side: 'buy', price: 0.5, size: 5, outcomeId: OUTCOME, outcome: 'fill' });
				},
			});
			const { items } = await run;
			expect(items.map((item) => item.json.event)).toEqual(['order_submitted']);
			expect(sim.agg.openSockets()).toBe(0);
		});
	});

	describe('order books', () => {
		/** The venue's book after every delta, by seq, to compare each emitted book with. */
		function recordVenueBooks() {
			const bySeq = new Map<number, string>();
			const levels = (book: { bids: Array<{ price: number; totalSize: number }>; asks: Array<{ price: number; totalSize: number }> }) =>
				JSON.stringify([book.bids.map((l) => [l.price, l.totalSize]), book.asks.map((l) => [l.price, l.totalSize])]);
			const remember = () => {
				const book = sim.agg.book(OUTCOME);
				bySeq.set(book.seq, levels(book));
			};
			remember();
			sim.agg.events.on('book:delta', ({ outcomeId }) => outcomeId === OUTCOME && remember());
			return { bySeq, levels };
		}

		/** Every resnapshot the venue is asked for, from now on. */
		function recordResnapshots() {
			const asked: string[][] = [];
			sim.agg.events.on('ws:resnapshot', ({ outcomeIds }) => asked.push(outcomeIds));
			return asked;
		}

		describe.each(DIALECTS.agg)('checksums in the %s dialect', (dialect) => {
			it("emits the book after the snapshot and each of 26 deltas, equal to the venue's book, without a resnapshot", async () => {
				await setUp({ dialect });
				const venue = recordVenueBooks();
				const asked = recordResnapshots();
				const trigger = await startBooks();
				await trigger.waitForItems(1);
				for (let index = 0; index < 26; index++) {
					sim.agg.moveBook(OUTCOME, { bidChanges: [{ price: 0.2 + index / 100, totalSize: 10 + index }] });
				}
				const items = await trigger.waitForItems(27);
				for (const item of items) {
					const book = item.json.data as never as { seq: number; bids: never; asks: never; resynced?: unknown };
					expect(venue.levels(book)).toBe(venue.bySeq.get(book.seq));
					expect(book.resynced).toBeUndefined();
				}
				expect(items.map((item) => (item.json.data as IDataObject).seq)).toEqual([...venue.bySeq.keys()].sort((a, b) => a - b));
				expect(asked).toEqual([]);
				expect(events(trigger, 'book_warning')).toEqual([]);
			});

			it.each([
				['a sequence gap', 'gap', () => sim.agg.faults.skipSeq(OUTCOME)],
				['a wrong checksum', 'checksum', () => sim.agg.faults.corruptChecksum(OUTCOME)],
			])('after %s asks for a resnapshot and never emits a wrong book', async (_name, cause, inject) => {
				await setUp({ dialect });
				const venue = recordVenueBooks();
				const trigger = await startBooks();
				await trigger.waitForItems(1);
				const resnapshot = sim.agg.waitFor('ws:resnapshot');
				inject();
				sim.agg.moveBook(OUTCOME, { askChanges: [{ price: 0.9, totalSize: 7 }] });
				expect((await resnapshot).outcomeIds).toEqual([OUTCOME]);
				const resynced = await trigger.waitForItem((item) => Boolean((item.data as IDataObject).resynced), 'the resynced book');
				expect(resynced.data).toMatchObject({ resynced: { cause } });
				sim.agg.moveBook(OUTCOME, { askChanges: [{ price: 0.91, totalSize: 3 }] });
				await trigger.waitForItem((item) => (item.data as IDataObject).seq === sim.agg.book(OUTCOME).seq, 'the next delta');
				for (const item of trigger.items) {
					const book = item.json.data as never as { seq: number; bids: never; asks: never };
					expect(venue.levels(book)).toBe(venue.bySeq.get(book.seq));
				}
				expect(trigger.items).toHaveLength(3);
			});

			it('verifies snapshots too: a corrupted one is not emitted, and the next good one says resynced', async () => {
				await setUp({ dialect });
				const venue = recordVenueBooks();
				const asked = recordResnapshots();
				const trigger = await startBooks();
				await trigger.waitForItems(1);
				sim.agg.faults.skipSeq(OUTCOME);
				sim.agg.faults.corruptSnapshotChecksum(OUTCOME);
				sim.agg.moveBook(OUTCOME, { askChanges: [{ price: 0.9, totalSize: 7 }] });
				const resynced = await trigger.waitForItem((item) => Boolean((item.data as IDataObject).resynced), 'the resynced book');
				// The gap asked once; the corrupted snapshot it brought asked again.
				expect(asked).toEqual([[OUTCOME], [OUTCOME]]);
				expect(resynced.data).toMatchObject({ resynced: { cause: 'checksum', detail: expect.stringContaining('snapshot') } });
				expect(trigger.items).toHaveLength(2);
				for (const item of trigger.items) {
					const book = item.json.data as never as { seq: number; bids: never; asks: never };
					expect(venue.levels(book)).toBe(venue.bySeq.get(book.seq));
				}
			});

			it('when no known form reproduces the checksums, says so once and keeps emitting books without resnapshots', async () => {
				await setUp({ dialect });
				sim.agg.faults.scrambleChecksums();
				const asked = recordResnapshots();
				const logsBefore = logLines.length;
				const trigger = await startBooks();
				const [warning, first] = await trigger.waitForItems(2);
				expect(warning.json).toMatchObject({
					event: 'book_warning',
					data: {
						warning: 'checksumUnverifiable',
						outcomeId: OUTCOME,
						formsTried: expect.arrayContaining(['b:normalized', 'bid:normalized']),
					},
				});
				expect(first.json).toMatchObject({ event: 'orderbook', data: { outcomeId: OUTCOME } });
				for (let index = 0; index < 10; index++) sim.agg.moveBook(OUTCOME, { bidChanges: [{ price: 0.2, totalSize: 1 + index }] });
				const latestSeq = sim.agg.book(OUTCOME).seq;
				await trigger.waitForItem((item) => (item.data as IDataObject).seq === latestSeq, 'the latest book');
				expect(events(trigger, 'orderbook')).toHaveLength(11);
				expect(events(trigger, 'book_warning')).toHaveLength(1);
				expect(asked).toEqual([]);
				expect(logLines.slice(logsBefore).filter((line) => line.message.includes('no longer verified'))).toHaveLength(1);
			});

			it('caps resnapshots at 3 per book and reports the storm once, emitting no failed book', async () => {
				await setUp({ dialect });
				const asked = recordResnapshots();
				const logsBefore = logLines.length;
				const trigger = await startBooks();
				await trigger.waitForItems(1);
				// Calibrated on the first snapshot: from now on every checksum is wrong, snapshots included.
				sim.agg.faults.scrambleChecksums();
				sim.agg.moveBook(OUTCOME, { bidChanges: [{ price: 0.2, totalSize: 5 }] });
				const storm = await trigger.waitForItem((item) => item.event === 'book_warning', 'the storm warning');
				expect(storm.data).toMatchObject({
					warning: 'resnapshotStorm',
					outcomeId: OUTCOME,
					cause: 'checksum',
					resnapshots: 3,
					windowMs: 60_000,
				});
				expect(asked).toEqual([[OUTCOME], [OUTCOME], [OUTCOME]]);
				expect(events(trigger, 'orderbook')).toHaveLength(1);
				expect(logLines.slice(logsBefore).filter((line) => line.message.includes('resnapshots within'))).toHaveLength(1);
			});
		});

		it('emits the top of book only when it changes', async () => {
			await setUp();
			const trigger = await startBooks({ bookEmission: 'topOfBook' });
			const first = (await trigger.waitForItem((item) => item.event === 'top_of_book', 'the first top')).data as IDataObject;
			const bestBid = (first.bestBid as IDataObject).price as number;
			// A level below the best bid: the top does not change.
			sim.agg.moveBook(OUTCOME, { bidChanges: [{ price: Number((bestBid - 0.05).toFixed(2)), totalSize: 99 }] });
			sim.agg.moveBook(OUTCOME, { bidChanges: [{ price: Number((bestBid + 0.01).toFixed(2)), totalSize: 5 }] });
			const second = await trigger.waitForItem((item) => item !== trigger.items[0].json, 'the changed top');
			expect(trigger.items).toHaveLength(2);
			expect(second.data).toMatchObject({ bestBid: { price: Number((bestBid + 0.01).toFixed(2)), totalSize: 5 } });
			expect(second.data).not.toHaveProperty('bids');
		});

		it("throttles full books to one per interval per outcome, the last one being the venue's latest", async () => {
			await setUp();
			const trigger = await startBooks({ bookEmission: 'throttled', bookIntervalMs: 300 });
			await trigger.waitForItems(1);
			for (let index = 0; index < 20; index++) sim.agg.moveBook(OUTCOME, { bidChanges: [{ price: 0.2, totalSize: 1 + index }] });
			const latestSeq = sim.agg.book(OUTCOME).seq;
			await trigger.waitForItem((item) => (item.data as IDataObject).seq === latestSeq, 'the latest book');
			expect(trigger.items.length).toBeLessThanOrEqual(3);
		});

		it('ends a book with market_resolved', async () => {
			await setUp();
			const trigger = await startBooks();
			await trigger.waitForItems(1);
			sim.agg.resolveMarket(OUTCOME);
			const ended = await trigger.waitForItem((item) => item.event === 'market_resolved', 'the resolution');
			expect(ended.data).toEqual({ outcomeId: OUTCOME });
		});

		it('resubscribes after a drop and marks the fresh snapshot as a resync', async () => {
			await setUp();
			const trigger = await startBooks();
			await trigger.waitForItems(1);
			const subscribed = sim.agg.waitFor('ws:subscribe');
			sim.agg.faults.dropConnections();
			await subscribed;
			const item = await trigger.waitForItem((json) => Boolean((json.data as IDataObject).resynced), 'the resynced snapshot');
			expect(item.gap).toMatchObject({ reconnects: 1 });
			expect(item.data).toMatchObject({ resynced: { cause: 'reconnect' } });
		});

		it('replaces a silent socket', async () => {
			await setUp();
			const trigger = await startBooks();
			await trigger.waitForItems(1);
			sim.agg.faults.silence();
			const reconnected = sim.agg.waitFor('ws:subscribe');
			setTimeout(() => sim.agg.faults.silence(false), 900);
			await reconnected;
			const item = await trigger.waitForItem((json) => json.gap !== null, 'the item after the silence');
			expect(item.gap).toMatchObject({ reasons: expect.arrayContaining([expect.stringContaining('no traffic')]) });
		});

		it('counts a malformed frame and goes on', async () => {
			await setUp();
			const trigger = await startBooks();
			await trigger.waitForItems(1);
			sim.agg.faults.sendMalformed('schema');
			sim.agg.moveBook(OUTCOME, { bidChanges: [{ price: 0.2, totalSize: 4 }] });
			const item = await trigger.waitForItem((json) => json.gap !== null, 'the item after the bad frame');
			expect(item.gap).toMatchObject({ droppedFrames: 1, reasons: [expect.stringContaining('seq: expected a non-negative integer')] });
			expect(trigger.recorder.failedExecutions).toHaveLength(1);
		});

		it('spreads more than 100 outcomes over connections of 100, and refuses what Max Connections cannot hold', async () => {
			await setUp();
			const outcomes = sim.agg.outcomes.slice(0, 120).map((outcome) => outcome.outcomeId);
			expect(outcomes).toHaveLength(120);
			await expect(startBooks({ outcomeIds: outcomes.join(','), options: { ...FAST, maxConnections: 1 } })).rejects.toThrow(
				"Outcome IDs: 120 outcomes need 2 connections of at most 100 (agg.market's limit per connection), and Max Connections is 1",
			);
			const subscribed: number[] = [];
			sim.agg.events.on('ws:subscribe', ({ outcomeIds }) => subscribed.push(outcomeIds.length));
			const trigger = await startBooks({ outcomeIds: outcomes.join(','), bookEmission: 'topOfBook' });
			expect(subscribed.sort((a, b) => b - a)).toEqual([100, 20]);
			expect(sim.agg.openSockets()).toBe(2);
			await trigger.waitForItems(120);
			const best = sim.agg.book(outcomes[119]).bids[0];
			sim.agg.moveBook(outcomes[119], { bidChanges: [{ price: best.price, totalSize: best.totalSize + 1 }] });
			const items = await trigger.waitForItems(121);
			expect(items[120].json).toMatchObject({ shard: 2, data: { outcomeId: outcomes[119] } });
			expect(json(trigger).filter((item) => item.shard === 1)).toHaveLength(100);
		});

		it('refuses an unknown outcome at activation', async () => {
			await setUp();
			await expect(startBooks({ outcomeIds: 'vmo_nope' })).rejects.toThrow(
				/agg\.market refused the order-book subscription: Unknown outcomeId: vmo_nope/,
			);
			await noSocketLeft();
		});
	});
});
