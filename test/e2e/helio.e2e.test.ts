/**
 * Helio inside a real n8n 2.x: the example workflow (quote signal → order; fills → report) is
 * imported with a credential pointing at the simulated Helio, activated, and driven by moving
 * the market. The assertions read n8n's executions and what reached the venue. The simulator
 * speaks the non-default dialect `snake` (snake_case events, flat order replies with
 * `order_id`): the example must run against that reading too.
 */
import { nodeOutputJson, startN8nWithPackage, waitForExecution, type N8nWithPackage } from '../../tools/e2e';
import { HELIO_CREDENTIAL_NAME, loadExample } from '../../tools/e2e/examples';
import { simulatorCredentials } from '../../tools/harness/simulatorCredentials';
import { startSimulator, type VenueSimulator } from 'trading-venues-simulator';

describe('Helio in a real n8n', () => {
	let sim: VenueSimulator;
	let n8n: N8nWithPackage;
	let workflowId: string;

	beforeAll(async () => {
		sim = await startSimulator({ helio: { dialect: 'snake' } });
		n8n = await startN8nWithPackage();
	});

	afterAll(async () => {
		await n8n?.stop();
		await sim?.close();
	});

	it('buys when the signal fires and reports the fill, each as an n8n execution', async () => {
		const credential = await n8n.api.createCredential({
			name: HELIO_CREDENTIAL_NAME,
			type: 'helioApi',
			data: simulatorCredentials(sim).helioApi,
		});
		const workflow = await n8n.api.createWorkflow(loadExample('helio-quote-signal.json', { helioApi: credential }));
		workflowId = workflow.id;
		await n8n.api.activateWorkflow(workflowId);
		// Two triggers, each its own login and socket.
		expect(sim.helio.openSockets()).toBe(2);

		const created = sim.helio.events.waitFor('order:created', undefined, 30_000);
		sim.helio.setQuote('EURUSD', 1.1, 1.10005); // a 0.5-pip spread: the signal buys
		const { order } = await created;
		expect(order).toMatchObject({ account_id: 'acc-1001', symbol_id: 'EURUSD', side: 'TRADE_SIDE_BUY', volume: 0.1 });

		const bought = await waitForExecution(n8n.api, {
			workflowId,
			matches: (execution) => nodeOutputJson(execution, 'Buy').some((json) => json.id === order.id),
		});
		expect(nodeOutputJson(bought, 'EURUSD Quotes')[0]).toMatchObject({ venue: 'helio', event: 'quoteEvent', data: { symbol: 'EURUSD' } });
		expect(nodeOutputJson(bought, 'Signal')[0]).toMatchObject({ side: 'buy', volume: 0.1 });

		const reported = await waitForExecution(n8n.api, {
			workflowId,
			matches: (execution) => nodeOutputJson(execution, 'Fill Report').some((json) => json.order === order.id && json.status === 'FILLED'),
		});
		expect(nodeOutputJson(reported, 'Order Fills')[0]).toMatchObject({ event: 'executionEvent', data: { order_id: order.id } });
		// The flat order reply was understood: the Buy item is the order, not a passed-on answer with a warning.
		const buy = nodeOutputJson(bought, 'Buy').find((json) => json.id === order.id);
		expect(buy).toMatchObject({ order_id: order.id, status: 'ORDER_STATUS_FILLED' });
		expect(buy).not.toHaveProperty('warning');
	});

	it('closes both sockets when the workflow is deactivated', async () => {
		const closed = new Promise<void>((resolve) => {
			let count = 0;
			sim.helio.events.on('ws:close', () => ++count === 2 && resolve());
		});
		await n8n.api.deactivateWorkflow(workflowId);
		await closed;
		expect(sim.helio.openSockets()).toBe(0);
	});
});
