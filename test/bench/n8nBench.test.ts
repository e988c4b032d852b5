/**
 * The pieces of `npm run bench:n8n` that decide what its figures mean, not the figures: the
 * flood the venue sends reaches the bench's own trigger configuration (n8n-core's real
 * TriggerContext, real socket, the simulator) as one item per event, none merged or dropped;
 * and the counter at the end of the flood workflow counts executions and items.
 */
import { startExecutionCounter, type ExecutionCounter } from '../../tools/bench/n8n/counter';
import { publishAtRate } from '../../tools/bench/n8n/publisher';
import { floodWorkflow } from '../../tools/bench/n8n/workflows';
import { FAST, useTotalisEnvironment } from '../totalis/fixtures';

describe('bench:n8n flood', () => {
	const env = useTotalisEnvironment();

	it('comes out of the flood workflow’s trigger as one item per event sent, each quote once', async () => {
		const credential = { id: 'c', name: 'Totalis' };
		const delivery = { mode: 'batch' as const, maxInFlight: 10, batchWindowMs: 50, batchMaxItems: 1000 };
		const workflow = floodWorkflow('flood', credential, env.sim.totalis.mmId, 'http://127.0.0.1:1/count', 'light', delivery);
		const parameters = workflow.nodes.find((node) => node.name === 'Flood')!.parameters;
		const { recorder } = await env.start({ ...parameters, options: { ...FAST, ...(parameters.options as object) } });

		const publisher = publishAtRate(env.sim, 2000, 0.1, 'test');
		await publisher.finished;
		expect(publisher.sent()).toBe(200);
		await recorder.until(() => recorder.items.length >= 200, '200 items');
		const quoteIds = recorder.items.map((item) => (item.json.data as { quote_id: string }).quote_id);
		expect(new Set(quoteIds).size).toBe(200);
		expect(recorder.items.every((item) => item.json.event === 'quote:expired')).toBe(true);
	});
});

describe('bench:n8n counter', () => {
	let counter: ExecutionCounter;
	beforeEach(async () => (counter = await startExecutionCounter()));
	afterEach(() => counter.close());

	it('counts one execution per call and the items each reports; refuses a call without a count', async () => {
		expect((await fetch(`${counter.url}?items=3`)).status).toBe(200);
		expect((await fetch(`${counter.url}?items=1000`)).status).toBe(200);
		expect((await fetch(`${counter.url}?items=many`)).status).toBe(400);
		expect(counter.read()).toEqual({ executions: 2, items: 1003 });
		counter.reset();
		expect(counter.read()).toEqual({ executions: 0, items: 0 });
	});
});
