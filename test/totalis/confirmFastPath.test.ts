/**
 * Confirm Accepted Quotes (the fast path): the trigger confirms an accepted quote itself, through
 * n8n-core's real TriggerContext, over real sockets and REST against the simulator, before the
 * acceptance item reaches delivery.
 */
import http from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

import type { IDataObject } from 'n8n-workflow';
import type { AcceptOptions } from 'trading-venues-simulator';

import { liveStreamWorkers } from '../../nodes/shared/engine/workerRunner';
import { conditions } from '../harness/conditions';

import { FAST, SAMPLE_EVENTS, useTotalisEnvironment } from './fixtures';

const CONFIRM_PATH = /\/mm\/quotes\/([^/]+)\/confirm$/;

describe('Totalis Trigger: Confirm Accepted Quotes', () => {
	const env = useTotalisEnvironment();

	/**
	 * Every confirm call the venue answered. The simulator reports a call once its answer is sent,
	 * which may be after the trigger read it: `reported(n)` waits for the first n reports.
	 */
	function watchConfirms() {
		const calls: Array<{ quoteId: string; status: number; receivedAt: number }> = [];
		const changes = conditions();
		env.sim.totalis.events.on('rest:request', ({ method, path, status, receivedAt }) => {
			const quoteId = method === 'POST' ? CONFIRM_PATH.exec(path)?.[1] : undefined;
			if (quoteId) calls.push({ quoteId, status, receivedAt });
			changes.recheck();
		});
		const reported = (count: number) => changes.until(() => calls.length >= count);
		return Object.assign(calls, { reported });
	}

	/** Our market maker's quote on a new request, accepted by the taker. */
	function acceptedQuote(options: AcceptOptions = {}, betAmount = 50) {
		const request = env.sim.totalis.createQuoteRequest({ betAmount });
		// mm_cost = bet × odds − bet = 2 × betAmount.
		const quote = env.sim.totalis.addOurQuote(request.id, { payoutOdds: 3 });
		return env.sim.totalis.acceptQuote(quote.id, { settlement: 'win', ...options });
	}

	async function start(parameters: Record<string, unknown> = {}, recorderOptions = {}) {
		const trigger = await env.harness.startTrigger(
			'totalisTrigger',
			{ followTrades: false, confirmAcceptedQuotes: true, options: { ...FAST }, ...parameters } as never,
			'totalisApi',
			recorderOptions,
		);
		env.triggers.push(trigger);
		return trigger;
	}

	const acceptanceOf = (quoteId: string) => (json: IDataObject) =>
		json.event === 'quote:accepted' && (json.data as { quote_id?: string }).quote_id === quoteId;

	describe('confirming', () => {
		it.each(['accepted-first', 'mm-first'] as const)(
			'confirms once on the first acceptance event (%s), then emits the merged acceptance with the outcome, before quote:confirmed',
			async (order) => {
				const trigger = await start();
				const confirms = watchConfirms();
				const confirmed = env.sim.totalis.waitFor('quote:confirmed');
				const acceptance = acceptedQuote({ order });
				const venueSide = await confirmed;
				expect(venueSide.quoteId).toBe(acceptance.quoteId);
				const item = await trigger.waitForItem(acceptanceOf(acceptance.quoteId), 'the confirmed acceptance');
				expect(item.confirmation).toEqual({
					status: 'confirmed',
					execution_id: venueSide.executionId,
					attempts: 1,
					latencyMs: expect.any(Number),
				});
				expect((item.mergedFrom as string[]).sort()).toEqual(['mm_quote:accepted', 'quote:accepted']);
				// The venue's quote:confirmed came back while the confirm was answered: it follows the acceptance.
				await trigger.waitForItem((json) => json.event === 'quote:confirmed', 'quote:confirmed');
				expect(trigger.items.map((entry) => entry.json.event)).toEqual(['quote:accepted', 'quote:confirmed']);
				await confirms.reported(1);
				expect(confirms.map(({ quoteId, status }) => `${quoteId} ${status}`)).toEqual([`${acceptance.quoteId} 200`]);
			},
		);

		it('confirms while every execution slot is taken: the acceptance waits for n8n, the confirm does not', async () => {
			const trigger = await start({ options: { ...FAST, maxInFlight: 1 } }, { holdExecutions: true });
			// One execution running takes the only slot.
			env.sim.totalis.publish(env.mmChannel, 'quote:expired', SAMPLE_EVENTS['quote:expired']);
			await trigger.waitForItems(1);
			const confirmed = env.sim.totalis.waitFor('quote:confirmed');
			const acceptance = acceptedQuote();
			expect((await confirmed).quoteId).toBe(acceptance.quoteId);
			expect(trigger.items).toHaveLength(1);
			trigger.recorder.finishExecutions();
			const item = await trigger.waitForItem(acceptanceOf(acceptance.quoteId), 'the acceptance');
			expect(item.confirmation).toMatchObject({ status: 'confirmed' });
		});

		it('keeps each acceptance event with the outcome when the two are not merged, and confirms once', async () => {
			const trigger = await start({ mergeAccepted: false });
			const confirms = watchConfirms();
			const acceptance = acceptedQuote({ order: 'mm-first' });
			await trigger.waitForItems(2);
			const [first, second] = trigger.items.map((entry) => entry.json);
			expect([first.event, second.event]).toEqual(['mm_quote:accepted', 'quote:accepted']);
			expect(first.confirmation).toMatchObject({ status: 'confirmed' });
			expect(second.confirmation).toEqual(first.confirmation);
			await confirms.reported(1);
			expect(confirms.map(({ quoteId }) => quoteId)).toEqual([acceptance.quoteId]);
		});

		it('does not confirm when the option is off (the default)', async () => {
			const trigger = await start({ confirmAcceptedQuotes: false });
			const confirms = watchConfirms();
			const acceptance = acceptedQuote();
			const item = await trigger.waitForItem(acceptanceOf(acceptance.quoteId), 'the acceptance');
			expect(item.confirmation).toBeUndefined();
			env.sim.totalis.publish(env.mmChannel, 'quote:expired', { quote_id: 'marker', rfq_id: 'r' });
			await trigger.waitForItem((json) => json.event === 'quote:expired', 'the marker');
			expect(confirms).toHaveLength(0);
		});
	});

	describe('guards', () => {
		it('Max Cost per Quote: a quote costing more is not confirmed, and the item says which guard declined it', async () => {
			const trigger = await start({ confirmGuards: { maxCostPerQuote: 150 } });
			const confirms = watchConfirms();
			const cheap = acceptedQuote({}, 50); // mm_cost 100
			const dear = acceptedQuote({}, 100); // mm_cost 200
			const declined = await trigger.waitForItem(acceptanceOf(dear.quoteId), 'the dear acceptance');
			expect(declined.confirmation).toEqual({
				status: 'declined',
				declinedBy: 'maxCostPerQuote',
				reason: 'mm_cost 200 is above Max Cost per Quote (150)',
				latencyMs: expect.any(Number),
			});
			const confirmed = await trigger.waitForItem(acceptanceOf(cheap.quoteId), 'the cheap acceptance');
			expect(confirmed.confirmation).toMatchObject({ status: 'confirmed' });
			await confirms.reported(1);
			expect(confirms.map(({ quoteId }) => quoteId)).toEqual([cheap.quoteId]);
		});

		it('Max Cost per Quote: a lone quote:accepted waits for mm_quote:accepted, and is declined when it never comes', async () => {
			const trigger = await start({ confirmGuards: { maxCostPerQuote: 1000 } });
			const confirms = watchConfirms();
			const acceptance = acceptedQuote({ order: 'accepted-only' });
			const item = await trigger.waitForItem(acceptanceOf(acceptance.quoteId), 'the acceptance');
			expect(item.confirmation).toMatchObject({
				status: 'declined',
				declinedBy: 'maxCostPerQuote',
				reason: 'mm_quote:accepted, which carries quote.mm_cost, did not arrive in time',
			});
			expect(confirms).toHaveLength(0);
		});

		it('Max Cost per Rolling Hour: confirms until the next quote would pass the total', async () => {
			const trigger = await start({ confirmGuards: { maxCostPerHour: 250 } });
			const confirms = watchConfirms();
			const first = acceptedQuote({}, 50); // 100
			await trigger.waitForItem(acceptanceOf(first.quoteId), 'the first acceptance');
			const second = acceptedQuote({}, 50); // 200 in all
			await trigger.waitForItem(acceptanceOf(second.quoteId), 'the second acceptance');
			const third = acceptedQuote({}, 50); // 300 would pass 250
			const declined = await trigger.waitForItem(acceptanceOf(third.quoteId), 'the third acceptance');
			expect(declined.confirmation).toMatchObject({
				status: 'declined',
				declinedBy: 'maxCostPerHour',
				reason: 'mm_cost 100 on top of 200 confirmed in the last hour is above Max Cost per Rolling Hour (250)',
			});
			await confirms.reported(2);
			expect(confirms.map(({ quoteId }) => quoteId)).toEqual([first.quoteId, second.quoteId]);
		});

		it('Max Confirmations per Minute: the next acceptance in the same minute is declined', async () => {
			const trigger = await start({ confirmGuards: { maxConfirmsPerMinute: 1 } });
			const confirms = watchConfirms();
			const first = acceptedQuote();
			const second = acceptedQuote();
			const declined = await trigger.waitForItem(acceptanceOf(second.quoteId), 'the second acceptance');
			expect(declined.confirmation).toMatchObject({ status: 'declined', declinedBy: 'maxConfirmsPerMinute' });
			await trigger.waitForItem(acceptanceOf(first.quoteId), 'the first acceptance');
			await confirms.reported(1);
			expect(confirms.map(({ quoteId }) => quoteId)).toEqual([first.quoteId]);
		});

		it('Allowed Exposure Venues: a quote with a leg on another venue is not confirmed', async () => {
			const trigger = await start({ confirmGuards: { allowedExposureVenues: 'Kalshi' } });
			const confirms = watchConfirms();
			const legs = [
				{ event_ticker: 'E1', market_ticker: 'E1-YES', side: 'yes' as const, venue: 'kalshi' as const },
				{ event_ticker: 'E2', market_ticker: 'E2-NO', side: 'no' as const, venue: 'polymarket' as const },
			];
			const request = env.sim.totalis.createQuoteRequest({ legs });
			const mixed = env.sim.totalis.acceptQuote(env.sim.totalis.addOurQuote(request.id, { payoutOdds: 3 }).id);
			const item = await trigger.waitForItem(acceptanceOf(mixed.quoteId), 'the acceptance');
			expect(item.confirmation).toMatchObject({
				status: 'declined',
				declinedBy: 'allowedExposureVenues',
				reason: 'exposure on polymarket, not among Allowed Exposure Venues (kalshi)',
			});
			const kalshiOnly = env.sim.totalis.createQuoteRequest({ legs: [legs[0]] });
			const allowed = env.sim.totalis.acceptQuote(env.sim.totalis.addOurQuote(kalshiOnly.id, { payoutOdds: 2 }).id);
			expect((await trigger.waitForItem(acceptanceOf(allowed.quoteId), 'the kalshi acceptance')).confirmation).toMatchObject({
				status: 'confirmed',
			});
			await confirms.reported(1);
			expect(confirms.map(({ quoteId }) => quoteId)).toEqual([allowed.quoteId]);
		});

		it('refuses a bad guard before connecting, naming the field', async () => {
			const connections = jest.fn();
			env.sim.totalis.events.on('ws:connection', connections);
			await expect(start({ confirmGuards: { maxConfirmsPerMinute: 0 } })).rejects.toThrow(
				/Confirm Guards → Max Confirmations per Minute: expected a whole number ≥ 1, got 0/,
			);
			await expect(start({ confirmGuards: { maxCostPerQuote: -5 } })).rejects.toThrow(
				/Confirm Guards → Max Cost per Quote: expected a number ≥ 0, got -5/,
			);
			await expect(start({ confirmGuards: { allowedExposureVenues: ' , ' } })).rejects.toThrow(
				/Confirm Guards → Allowed Exposure Venues is empty/,
			);
			expect(connections).not.toHaveBeenCalled();
		});
	});

	describe('when Totalis refuses or is slow', () => {
		it('retries a 503 on the short backoff, then confirms', async () => {
			const trigger = await start();
			const confirms = watchConfirms();
			env.sim.totalis.faults.failRest({ method: 'POST', pathPrefix: '/mm/quotes/', status: 503, times: 2 });
			const acceptance = acceptedQuote();
			const item = await trigger.waitForItem(acceptanceOf(acceptance.quoteId), 'the acceptance');
			expect(item.confirmation).toMatchObject({ status: 'confirmed', attempts: 3 });
			await confirms.reported(3);
			expect(confirms.map(({ status }) => status)).toEqual([503, 503, 200]);
		});

		it('gives up on a lasting 503 before the deadline, sends nothing after it, and says so', async () => {
			const trigger = await start();
			const confirms = watchConfirms();
			env.sim.totalis.faults.failRest({ method: 'POST', pathPrefix: '/mm/quotes/', status: 503, times: 1000 });
			const acceptance = acceptedQuote({ deadlineMs: 1500 });
			const item = await trigger.waitForItem(acceptanceOf(acceptance.quoteId), 'the acceptance');
			expect(item.confirmation).toMatchObject({
				status: 'failed',
				httpStatus: 503,
				code: 'SERVICE_UNAVAILABLE',
				error: expect.stringMatching(new RegExp(`^Totalis could not confirm quote "${acceptance.quoteId}"`)),
				description: expect.stringContaining(`the deadline ${acceptance.confirmationDeadline} leaves no time for another`),
			});
			await confirms.reported(3);
			expect(confirms.length).toBeGreaterThan(2);
			const deadline = Date.parse(acceptance.confirmationDeadline);
			expect(confirms.every(({ receivedAt }) => receivedAt < deadline)).toBe(true);
		});

		it('reports a 409 as failed with what Totalis said, and leaks no secret', async () => {
			const trigger = await start();
			env.sim.totalis.faults.failRest({ method: 'POST', pathPrefix: '/mm/quotes/', status: 409, times: 1 });
			const acceptance = acceptedQuote();
			const item = await trigger.waitForItem(acceptanceOf(acceptance.quoteId), 'the acceptance');
			expect(item.confirmation).toMatchObject({
				status: 'failed',
				httpStatus: 409,
				code: 'CONFLICT',
				attempts: 1,
				description: expect.stringMatching(/not in the accepted state, or your balance does not cover it/),
			});
			expect(JSON.stringify(trigger.items)).not.toContain(env.sim.totalis.apiKey);
		});

		it('reports a confirm Totalis accepted in an unexpected shape as confirmed, with a warning, not as failed', async () => {
			const trigger = await start();
			env.sim.totalis.faults.failRest({ method: 'POST', pathPrefix: '/mm/quotes/', status: 200, bodyBytes: 64 });
			const acceptance = acceptedQuote();
			const item = await trigger.waitForItem(acceptanceOf(acceptance.quoteId), 'the acceptance');
			expect(item.confirmation).toMatchObject({
				status: 'confirmed',
				warning: expect.stringMatching(/^Totalis accepted "confirm quote .*" \(HTTP 200\) but answered in a shape/),
				answer: { padding: expect.any(String) },
			});
		});

		it('confirms once when the connection is replaced between the acceptance and the confirm', async () => {
			const trigger = await start({ mergeWaitMs: 5000 });
			const confirms = watchConfirms();
			// A first 503 shows the confirm under way; its retry is answered only after the socket was replaced.
			env.sim.totalis.faults.failRest({ method: 'POST', pathPrefix: '/mm/quotes/', status: 503 });
			env.sim.totalis.faults.failRest({ method: 'POST', pathPrefix: '/mm/quotes/', delayMs: 800 });
			const underWay = env.sim.totalis.waitFor('rest:request', ({ path, status }) => CONFIRM_PATH.test(path) && status === 503);
			const answered = env.sim.totalis.waitFor('rest:request', ({ path, status }) => CONFIRM_PATH.test(path) && status === 200);
			const acceptance = acceptedQuote({ order: 'accepted-only' });
			await underWay;
			const resubscribed = env.sim.totalis.waitFor('ws:subscribe');
			env.sim.totalis.faults.dropConnections();
			await resubscribed;
			// The partner arrives on the new connection, while the confirm is still in flight.
			env.sim.totalis.publish(env.mmChannel, 'mm_quote:accepted', {
				...SAMPLE_EVENTS['mm_quote:accepted'],
				quote_id: acceptance.quoteId,
				rfq_id: acceptance.rfqId,
			});
			await answered;
			const item = await trigger.waitForItem(acceptanceOf(acceptance.quoteId), 'the acceptance');
			expect(item.confirmation).toMatchObject({ status: 'confirmed' });
			expect(item.mergedFrom).toEqual(['quote:accepted', 'mm_quote:accepted']);
			// Once more after it was confirmed (a venue replaying on a new connection): no second call.
			env.sim.totalis.publish(env.mmChannel, 'quote:accepted', { quote_id: acceptance.quoteId, rfq_id: acceptance.rfqId, replay: 1 });
			env.sim.totalis.publish(env.mmChannel, 'quote:expired', { quote_id: 'marker', rfq_id: 'r' });
			await trigger.waitForItem((json) => json.event === 'quote:expired', 'the marker');
			expect(confirms.map(({ quoteId, status }) => `${quoteId} ${status}`)).toEqual([
				`${acceptance.quoteId} 503`,
				`${acceptance.quoteId} 200`,
			]);
			expect(trigger.items.filter((entry) => acceptanceOf(acceptance.quoteId)(entry.json))).toHaveLength(1);
		});
	});

	describe("the confirm's connection", () => {
		/** TCP connections the venue accepts from now on. */
		function countConnections() {
			const counted = { opened: 0, open: 0 };
			const { until, recheck } = conditions();
			const seen = ({ open }: { open: number }) => {
				counted.open = open;
				recheck();
			};
			env.sim.events.on('connection', (state) => {
				counted.opened += 1;
				seen(state);
			});
			env.sim.events.on('disconnect', seen);
			return Object.assign(counted, {
				reached: (count: number) => until(() => counted.opened >= count),
				allClosed: () => until(() => counted.open === 0),
			});
		}

		/** Accepts one quote and waits for its acceptance item, confirmed at the first attempt. */
		async function confirmOne(trigger: Awaited<ReturnType<typeof start>>) {
			const acceptance = acceptedQuote();
			const item = await trigger.waitForItem(acceptanceOf(acceptance.quoteId), 'the acceptance');
			expect(item.confirmation).toMatchObject({ status: 'confirmed', attempts: 1 });
			return acceptance;
		}

		it('sends consecutive confirms over one kept connection, signed with the key', async () => {
			const connections = countConnections();
			const trigger = await start();
			const confirms = watchConfirms();
			const quoteIds: string[] = [];
			for (let i = 0; i < 5; i++) quoteIds.push((await confirmOne(trigger)).quoteId);
			await confirms.reported(5);
			// 200s: each call carried the key (a call without it is answered 401).
			expect(confirms.map(({ quoteId, status }) => `${quoteId} ${status}`)).toEqual(quoteIds.map((id) => `${id} 200`));
			// The trigger's WebSocket and the kept connection.
			expect(connections.opened).toBe(2);
		});

		it('opens the kept connection when the stream starts, so the first confirm does not connect', async () => {
			const connections = countConnections();
			const trigger = await start();
			// The WebSocket, then the kept connection, opened before any acceptance.
			await connections.reached(2);
			await confirmOne(trigger);
			expect(connections.opened).toBe(2);
			await trigger.close();
			// Closing the trigger closes it too: the venue holds no connection any more.
			await connections.allClosed();
			expect(env.sim.openConnections()).toBe(0);
		});

		it('opens a new connection once the venue dropped the kept one', async () => {
			const trigger = await start();
			await confirmOne(trigger);
			const back = env.sim.totalis.waitFor('ws:subscribe', undefined, 10_000);
			await env.sim.outage(100);
			await back;
			const connections = countConnections();
			await confirmOne(trigger);
			expect(connections.opened).toBe(1);
		});

		describe('with a proxy in the environment', () => {
			const saved = { HTTP_PROXY: process.env.HTTP_PROXY, NO_PROXY: process.env.NO_PROXY };
			let proxy: http.Server;
			const proxied: string[] = [];
			const tunnels = new Set<Duplex>();

			beforeEach(async () => {
				proxied.length = 0;
				// A forwarding proxy: a request names its absolute URL; pass it on and the answer back.
				proxy = http.createServer((req, res) => {
					proxied.push(`${req.method} ${req.url}`);
					const onward = http.request(String(req.url), { method: req.method, headers: req.headers }, (answer) => {
						res.writeHead(answer.statusCode ?? 502, answer.headers);
						answer.pipe(res);
					});
					onward.on('error', () => res.destroy());
					req.pipe(onward);
				});
				// The trigger's WebSocket goes through the same proxy, as a CONNECT tunnel.
				proxy.on('connect', (req, client, head) => {
					proxied.push(`CONNECT ${req.url}`);
					const [host, port] = String(req.url).split(':');
					const onward = connect(Number(port), host, () => {
						client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
						onward.write(head);
						onward.pipe(client);
						client.pipe(onward);
					});
					tunnels.add(client).add(onward);
					onward.on('error', () => client.destroy());
					client.on('error', () => onward.destroy());
				});
				await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
				process.env.HTTP_PROXY = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
				delete process.env.NO_PROXY;
			});

			afterEach(async () => {
				for (const [name, value] of Object.entries(saved)) {
					if (value === undefined) delete process.env[name];
					else process.env[name] = value;
				}
				// A tunnel is not one of the server's HTTP connections: end it too.
				for (const socket of tunnels) socket.destroy();
				tunnels.clear();
				proxy.closeAllConnections();
				await new Promise((resolve) => proxy.close(resolve));
			});

			it("confirms through n8n's helper, which sends the call through the proxy", async () => {
				const trigger = await start();
				const acceptance = await confirmOne(trigger);
				const venue = new URL(env.sim.totalis.restUrl).host;
				expect(proxied).toEqual([`CONNECT ${venue}`, `POST ${env.sim.totalis.restUrl}/mm/quotes/${acceptance.quoteId}/confirm`]);
				// The in-process path: no worker thread, the stream on n8n's event loop as before.
				expect(liveStreamWorkers().size).toBe(0);
			});
		});
	});

	describe('manual runs', () => {
		function runManual(parameters: Record<string, unknown>) {
			return env.harness.runManualTrigger(
				'totalisTrigger',
				{ followTrades: false, confirmAcceptedQuotes: true, options: { ...FAST }, ...parameters } as never,
				'totalisApi',
				{
					onStarted: async () => {
						await env.sim.totalis.events.waitFor('ws:subscribe');
						acceptedQuote();
					},
				},
			);
		}

		it('does not confirm in a manual run: the item says a manual run declined it', async () => {
			const confirms = watchConfirms();
			const { items } = await runManual({});
			expect(items[0].json).toMatchObject({
				event: 'quote:accepted',
				confirmation: { status: 'declined', declinedBy: 'manualRun' },
			});
			expect(confirms).toHaveLength(0);
		});

		it('confirms in a manual run when Confirm in Manual Runs is on', async () => {
			const confirms = watchConfirms();
			const { items } = await runManual({ confirmGuards: { confirmInManualRuns: true } });
			expect(items[0].json).toMatchObject({ event: 'quote:accepted', confirmation: { status: 'confirmed' } });
			await confirms.reported(1);
			expect(confirms.map(({ status }) => status)).toEqual([200]);
		});
	});
});
