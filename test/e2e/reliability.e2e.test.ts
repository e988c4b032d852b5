/**
 * Credentials refused during a reconnect, inside a real n8n 2.41: for each kind of credential
 * (Totalis API key, Helio login, agg.market token with refresh, OpenMarkets API key in the URL)
 * the simulated venue refuses authentication for ~15 s while the trigger reconnects, then accepts
 * again. n8n must keep one trigger: one socket per trigger (per shard) afterwards, one execution
 * per event, the gap on the next item, the refusal as a failed execution, and deactivating closes
 * every socket and stops every heartbeat. n8n's emitError would instead re-activate the trigger
 * and leave two live copies. Assertions wait on events and poll with generous deadlines.
 */
import {
	nodeOutputJson,
	pollUntil,
	startN8nWithPackage,
	waitForExecution,
	type N8nExecution,
	type N8nWithPackage,
	type WorkflowNode,
} from '../../tools/e2e';
import { simulatorCredentials } from '../../tools/harness/simulatorCredentials';
import { startSimulator, type VenueSimulator } from 'trading-venues-simulator';

const REFUSAL_MS = 15_000;
/** Faster than the defaults (15 s doubling to 5 min) so the test does not wait minutes; the path is the same. */
const OPTIONS = { refusalRetryDelayMs: 3000, refusalRetryMaxDelayMs: 6000, reconnectMaxDelayMs: 1000 };
const PACKAGE = 'n8n-nodes-trading-venues';
/** Long enough for anything the machine is slow at: the venue refusing, then the slow retries. */
const RECOVERY_MS = 120_000;

type Json = Record<string, unknown>;
type Gap = { reasons?: string[] } | null | undefined;

describe('credentials refused during a reconnect, in a real n8n', () => {
	let sim: VenueSimulator;
	let n8n: N8nWithPackage;

	beforeAll(async () => {
		sim = await startSimulator({ openmarkets: { contests: 0 }, totalis: { sseKeepaliveMs: 1000 } });
		n8n = await startN8nWithPackage();
	});

	afterAll(async () => {
		await n8n?.stop();
		await sim?.close();
	});

	/** A workflow of these trigger nodes on one new credential, activated (its triggers started). */
	async function activate(name: string, type: string, data: Json, nodes: Array<Omit<WorkflowNode, 'position' | 'typeVersion'>>) {
		return (await activateWithCredential(name, type, data, nodes)).workflowId;
	}

	async function activateWithCredential(
		name: string,
		type: string,
		data: Json,
		nodes: Array<Omit<WorkflowNode, 'position' | 'typeVersion'>>,
	) {
		const credential = await n8n.api.createCredential({ name: `${name} (reliability)`, type, data });
		const workflow = await n8n.api.createWorkflow({
			name: `reliability: ${name}`,
			nodes: nodes.map((node, index) => ({
				...node,
				typeVersion: 1,
				position: [0, index * 200] as [number, number],
				credentials: { [type]: { id: credential.id, name: credential.name } },
			})),
		});
		await n8n.api.activateWorkflow(workflow.id);
		return { workflowId: workflow.id, credentialId: credential.id };
	}

	const items = (execution: N8nExecution, node: string) => nodeOutputJson(execution, node);

	/** The failed execution that records the refusal, while the trigger stays active. */
	async function refusalRecorded(workflowId: string, venue: string): Promise<N8nExecution> {
		return await waitForExecution(n8n.api, {
			workflowId,
			matches: (execution) =>
				execution.status === 'error' && new RegExp(`${venue} refused the credentials`).test(JSON.stringify(execution.data ?? {})),
			timeoutMs: RECOVERY_MS,
			pollMs: 1000,
		});
	}

	/** The gap of the first item after the venue accepted again names the refusal and how long it lasted. */
	function expectRefusalGap(gap: Gap) {
		expect(gap?.reasons).toEqual(
			expect.arrayContaining([
				expect.stringMatching(/^credentials refused: /),
				expect.stringMatching(/^credentials accepted again after being refused for \d+ s/),
			]),
		);
	}

	/** Executions of the workflow whose `node` emitted an item matching `predicate`. */
	async function executionsWith(workflowId: string, node: string, predicate: (json: Json) => boolean) {
		const executions = await n8n.api.listExecutions({ workflowId, includeData: true });
		return executions.filter((execution) => items(execution, node).some(predicate));
	}

	/** One execution for the event: a second copy of the trigger would run it twice. */
	async function expectOneExecution(workflowId: string, node: string, predicate: (json: Json) => boolean): Promise<Json> {
		const execution = await waitForExecution(n8n.api, {
			workflowId,
			matches: (candidate) => items(candidate, node).some(predicate),
			timeoutMs: 60_000,
		});
		// A duplicate from a second live trigger would come within moments; it never may.
		await new Promise((resolve) => setTimeout(resolve, 3000));
		expect(await executionsWith(workflowId, node, predicate)).toHaveLength(1);
		return items(execution, node).find(predicate)!;
	}

	it('Totalis (API key): both sources refused, then one socket, one stream and one execution per event; deactivating stops every heartbeat', async () => {
		const { totalis } = sim;
		const workflowId = await activate('Totalis', 'totalisApi', simulatorCredentials(sim).totalisApi, [
			{
				name: 'Quote Events',
				type: `${PACKAGE}.totalisTrigger`,
				parameters: { source: 'websocket', events: ['quote:expired'], options: OPTIONS },
			},
			{
				name: 'Quote Requests',
				type: `${PACKAGE}.totalisTrigger`,
				parameters: { source: 'quoteRequests', requestEvents: ['quote_request'], mmHeartbeatMs: 1000, options: OPTIONS },
			},
		]);
		expect([totalis.openSockets(), totalis.openStreams()]).toEqual([1, 1]);

		let resubscribed = false;
		totalis.events.on('ws:subscribe', () => (resubscribed = true));
		totalis.faults.refuseAuth(REFUSAL_MS);
		totalis.faults.dropConnections();
		await refusalRecorded(workflowId, 'Totalis');
		await pollUntil(() => resubscribed && totalis.openSockets() === 1 && totalis.openStreams() === 1, {
			timeoutMs: RECOVERY_MS,
			intervalMs: 500,
			description: 'the socket (subscribed again) and the stream to be back',
		});

		totalis.publish(`mm:quotes:${totalis.userId}`, 'quote:expired', { quote_id: 'after-refusal', rfq_id: 'r' });
		const item = await expectOneExecution(workflowId, 'Quote Events', (json) => (json.data as Json)?.quote_id === 'after-refusal');
		expectRefusalGap(item.gap as Gap);
		const request = totalis.createQuoteRequest();
		const offered = await expectOneExecution(workflowId, 'Quote Requests', (json) => (json.data as Json)?.id === request.id);
		expect(offered).toMatchObject({ event: 'quote_request', snapshot: false });
		expect([totalis.openSockets(), totalis.openStreams()]).toEqual([1, 1]);

		await n8n.api.deactivateWorkflow(workflowId);
		await pollUntil(() => totalis.openSockets() === 0 && totalis.openStreams() === 0, {
			timeoutMs: 30_000,
			description: 'every socket and stream to close',
		});
		const afterwards = { heartbeats: 0, pings: 0, connections: 0 };
		totalis.events.on('heartbeat', () => afterwards.heartbeats++);
		totalis.events.on('ws:message', () => afterwards.pings++);
		totalis.events.on('ws:connection', () => afterwards.connections++);
		totalis.events.on('sse:connection', () => afterwards.connections++);
		// Several market-maker heartbeat intervals (1 s) and refusal retry delays pass in silence.
		await new Promise((resolve) => setTimeout(resolve, 8000));
		expect(afterwards).toEqual({ heartbeats: 0, pings: 0, connections: 0 });
	}, 300_000);

	it('Totalis: the key stored in n8n is read again before each attempt: a wrong one is refused, the corrected one used, without re-activating', async () => {
		const { totalis } = sim;
		const data = simulatorCredentials(sim).totalisApi;
		const { workflowId, credentialId } = await activateWithCredential('Totalis key change', 'totalisApi', data, [
			{
				name: 'Quote Events',
				type: `${PACKAGE}.totalisTrigger`,
				parameters: { source: 'websocket', events: ['quote:expired'], options: OPTIONS },
			},
		]);
		expect(totalis.openSockets()).toBe(1);
		// Someone stores a wrong key; the next reconnect reads it, and Totalis refuses it.
		await n8n.api.updateCredential(credentialId, { ...data, apiKey: 'api_live_mistyped_key_0000' });
		const refused = totalis.events.waitFor('ws:auth', ({ ok }) => !ok, RECOVERY_MS);
		totalis.faults.dropConnections();
		await refused;
		await refusalRecorded(workflowId, 'Totalis');

		let resubscribed = false;
		totalis.events.on('ws:subscribe', () => (resubscribed = true));
		await n8n.api.updateCredential(credentialId, data);
		await pollUntil(() => resubscribed && totalis.openSockets() === 1, {
			timeoutMs: RECOVERY_MS,
			intervalMs: 500,
			description: 'one socket, authenticated with the corrected key',
		});
		totalis.publish(`mm:quotes:${totalis.userId}`, 'quote:expired', { quote_id: 'corrected-key', rfq_id: 'r' });
		const item = await expectOneExecution(workflowId, 'Quote Events', (json) => (json.data as Json)?.quote_id === 'corrected-key');
		expectRefusalGap(item.gap as Gap);

		await n8n.api.deactivateWorkflow(workflowId);
		await pollUntil(() => totalis.openSockets() === 0, { timeoutMs: 30_000, description: 'the socket to close' });
	}, 300_000);

	it('Helio (login): the login refused on reconnect, then one socket and one execution per quote; deactivating closes it', async () => {
		const { helio } = sim;
		const workflowId = await activate('Helio', 'helioApi', simulatorCredentials(sim).helioApi, [
			{
				name: 'Quotes',
				type: `${PACKAGE}.helioTrigger`,
				parameters: { symbols: 'EURUSD', events: ['quoteEvent'], metrics: 'none', options: OPTIONS },
			},
		]);
		expect(helio.openSockets()).toBe(1);

		let resubscribed = false;
		helio.events.on('ws:subscribe', () => (resubscribed = true));
		helio.faults.refuseAuth(REFUSAL_MS);
		helio.faults.dropConnections();
		await refusalRecorded(workflowId, 'Helio');
		await pollUntil(() => resubscribed && helio.openSockets() === 1, {
			timeoutMs: RECOVERY_MS,
			intervalMs: 500,
			description: 'one Helio socket, subscribed again',
		});

		helio.setQuote('EURUSD', 1.0731, 1.0732);
		const item = await expectOneExecution(workflowId, 'Quotes', (json) => (json.data as Json)?.bid === 1.0731);
		expectRefusalGap(item.gap as Gap);
		expect(helio.openSockets()).toBe(1);

		await n8n.api.deactivateWorkflow(workflowId);
		await pollUntil(() => helio.openSockets() === 0, { timeoutMs: 30_000, description: 'the Helio socket to close' });
		const logins = jest.fn();
		helio.events.on('login', logins);
		await new Promise((resolve) => setTimeout(resolve, 8000));
		expect(logins).not.toHaveBeenCalled();
	}, 300_000);

	it('agg.market (token with refresh): authenticate and refresh refused, then one socket and one execution per event', async () => {
		const { agg } = sim;
		const workflowId = await activate('agg.market', 'aggMarketApi', simulatorCredentials(sim).aggMarketApi, [
			{ name: 'Orders', type: `${PACKAGE}.aggMarketTrigger`, parameters: { events: ['order_submitted'], options: OPTIONS } },
		]);
		expect(agg.openSockets()).toBe(1);

		let authenticated = false;
		agg.events.on('ws:authenticated', () => (authenticated = true));
		agg.faults.refuseAuth(REFUSAL_MS);
		agg.faults.dropConnections();
		await refusalRecorded(workflowId, 'agg.market');
		await pollUntil(() => authenticated && agg.openSockets() === 1, {
			timeoutMs: RECOVERY_MS,
			intervalMs: 500,
			description: 'one agg.market socket, authenticated again',
		});

		const order = agg.placeOrder({ venue: 'kalshi', side: 'buy', price: 0.5, size: 5, outcomeId: 'vmo_fed_cut_july_yes', outcome: 'fill' });
		const item = await expectOneExecution(workflowId, 'Orders', (json) => (json.data as Json)?.orderId === order.orderId);
		expectRefusalGap(item.gap as Gap);
		expect(agg.openSockets()).toBe(1);

		await n8n.api.deactivateWorkflow(workflowId);
		await pollUntil(() => agg.openSockets() === 0, { timeoutMs: 30_000, description: 'the agg.market socket to close' });
	}, 300_000);

	it('OpenMarkets (API key in the URL): both connections refused at the upgrade, then one socket per shard and one execution per event', async () => {
		const { openmarkets } = sim;
		const contests = openmarkets.addContests(2, { league_id: 'lg_nba', startsInMs: 3600_000 }).map((contest) => contest.id);
		const workflowId = await activate('OpenMarkets', 'openMarketsApi', simulatorCredentials(sim).openMarketsApi, [
			{
				name: 'Liquidity',
				type: `${PACKAGE}.openMarketsTrigger`,
				parameters: {
					contests: 'list',
					contestIds: contests.join(','),
					channels: ['liquidity'],
					snapshotOnSubscribe: false,
					options: { ...OPTIONS, maxContestsPerConnection: 1 },
				},
			},
		]);
		expect(openmarkets.connectionCount()).toBe(2);

		openmarkets.faults.refuseAuth(REFUSAL_MS);
		openmarkets.faults.dropConnections();
		await refusalRecorded(workflowId, 'OpenMarkets');
		// After a reconnect each connection emits its contest's full book, the first item carrying the gap.
		for (const contestId of contests) {
			const book = await expectOneExecution(
				workflowId,
				'Liquidity',
				(json) => json.event === 'liquidity.snapshot' && (json.data as Json)?.contest_id === contestId,
			);
			expect(book).toMatchObject({ reason: 'reconnect' });
			expectRefusalGap(book.gap as Gap);
		}
		expect(openmarkets.connectionCount()).toBe(2);
		expect(
			openmarkets
				.subscriptions()
				.map((subscription) => subscription.liquidity)
				.sort(),
		).toEqual(contests.map((id) => [id]).sort());

		const moved = openmarkets.moveLiquidity(contests[0]);
		const hash = moved.changed_entries[0].liquidity_hash;
		const update = await expectOneExecution(
			workflowId,
			'Liquidity',
			(json) => json.event === 'liquidity.update' && (json.data as Json)?.liquidity_hash === hash,
		);
		expect(update.gap).toBeNull();

		await n8n.api.deactivateWorkflow(workflowId);
		await pollUntil(() => openmarkets.connectionCount() === 0, { timeoutMs: 30_000, description: 'both connections to close' });
	}, 300_000);
});
