/**
 * agg.market inside a real n8n 2.x: the example workflow (order results → balances → report;
 * top of book → wide-spread filter) with a credential pointing at the simulated agg.market whose
 * tokens live 6 s. The trigger renews its token through n8n's credential store, so the action
 * node that runs after it must find a working token and refresh token there: a refresh kept in
 * the trigger's memory would leave the credential with a spent, single-use refresh token.
 *
 * The simulator speaks its non-default dialect, `long`: checksums over `bid:`/`ask:` levels and
 * balances in `balanceRaw` with chains `{chain, balanceRaw}`, so the example is shown to work
 * where agg.market fills its undocumented details the other way.
 */
import { nodeOutputJson, startN8nWithPackage, waitForExecution, type N8nWithPackage } from '../../tools/e2e';
import { AGG_CREDENTIAL_NAME, loadExample } from '../../tools/e2e/examples';
import { simulatorCredentials } from '../../tools/harness/simulatorCredentials';
import { startSimulator, type VenueSimulator } from 'trading-venues-simulator';

const OUTCOME = 'vmo_fed_cut_july_yes';

describe('agg.market in a real n8n', () => {
	let sim: VenueSimulator;
	let n8n: N8nWithPackage;
	let workflowId: string;
	const resnapshots: string[][] = [];

	beforeAll(async () => {
		sim = await startSimulator({ agg: { tokenTtlSeconds: 6, orderStepMs: 5, dialect: 'long' } });
		sim.agg.events.on('ws:resnapshot', ({ outcomeIds }) => resnapshots.push(outcomeIds));
		n8n = await startN8nWithPackage();
	});

	afterAll(async () => {
		await n8n?.stop();
		await sim?.close();
	});

	it('reports a fill with the balances after the trigger renewed the token in place', async () => {
		const credential = await n8n.api.createCredential({
			name: AGG_CREDENTIAL_NAME,
			type: 'aggMarketApi',
			data: simulatorCredentials(sim).aggMarketApi,
		});
		const workflow = await n8n.api.createWorkflow(loadExample('agg-market-fills-and-spread.json', { aggMarketApi: credential }));
		workflowId = workflow.id;
		const authenticated: number[] = [];
		sim.agg.events.on('ws:authenticated', ({ connectionId }) => authenticated.push(connectionId));
		await n8n.api.activateWorkflow(workflowId);
		// The user-event socket renews in place ~0.6 s before each 6 s token expires.
		await sim.agg.waitFor('ws:authenticated', () => authenticated.length >= 2, 20_000);
		expect(new Set(authenticated).size).toBe(1);

		const order = sim.agg.placeOrder({
			venue: 'polymarket',
			side: 'buy',
			price: 0.55,
			size: 10,
			outcomeId: OUTCOME,
			outcome: 'fill',
			retry: false,
		});
		const reported = await waitForExecution(n8n.api, {
			workflowId,
			matches: (execution) => nodeOutputJson(execution, 'Fill Report').some((json) => json.orderId === order.orderId),
		});
		const report = nodeOutputJson(reported, 'Fill Report')[0];
		expect(report).toMatchObject({ venue: 'polymarket', result: 'filled', gap: null });
		expect(typeof report.cashUsdc).toBe('number');
	});

	it('passes a wide spread of the watched book on', async () => {
		const book = sim.agg.book(OUTCOME);
		const bestBid = book.bids[0].price;
		const ask = Number((bestBid + 0.08).toFixed(2));
		sim.agg.moveBook(OUTCOME, {
			askChanges: [
				...book.asks.filter((level) => level.price < ask).map((level) => ({ price: level.price, totalSize: 0 })),
				{ price: ask, totalSize: 20 },
			],
		});
		const watched = await waitForExecution(n8n.api, {
			workflowId,
			matches: (execution) => nodeOutputJson(execution, 'Wide Spread').some((json) => json.bestAsk === ask),
		});
		expect(nodeOutputJson(watched, 'Wide Spread')[0]).toMatchObject({
			outcomeId: OUTCOME,
			bestBid,
			spread: Number((ask - bestBid).toFixed(10)),
			resynced: null,
		});
		// The trigger calibrated on the `bid:` checksums: not one book was asked for again.
		expect(resnapshots).toEqual([]);
	});

	it('closes both sockets when the workflow is deactivated', async () => {
		const closed = new Promise<void>((resolve) => {
			let count = 0;
			sim.agg.events.on('ws:close', () => ++count === 2 && resolve());
		});
		await n8n.api.deactivateWorkflow(workflowId);
		await closed;
		expect(sim.agg.openSockets()).toBe(0);
	});
});
