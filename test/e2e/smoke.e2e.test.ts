/**
 * A real n8n 2.41.1 with this package installed as a community node: an active Totalis Trigger
 * workflow connects to the venue simulator, and one venue event becomes one successful n8n
 * execution whose item is the event. Deactivating closes the socket; a refused key fails the
 * activation with the trigger's error; a manual run (the editor's
 * button) returns the first event and closes its socket; stopping n8n leaves no process behind. The first run installs n8n (several minutes); later runs reuse it.
 */
import { simulatorCredentials } from '../../tools/harness/simulatorCredentials';
import { startSimulator, type VenueSimulator } from 'trading-venues-simulator';
import {
	N8nActivationError,
	nodeOutputJson,
	pollUntil,
	startN8nWithPackage,
	TOTALIS_CREDENTIAL_TYPE,
	TOTALIS_TRIGGER_TYPE,
	waitForExecution,
	type N8nWithPackage,
} from '../../tools/e2e';

const TRIGGER_NODE = 'Totalis Trigger';

/** A workflow of one Totalis Trigger (quote:expired events) with its own credential. */
async function quoteExpiredWorkflow(n8n: N8nWithPackage, sim: VenueSimulator, name: string, apiKey = sim.totalis.apiKey) {
	const credential = await n8n.api.createCredential({
		name: `Totalis (${name})`,
		type: TOTALIS_CREDENTIAL_TYPE,
		data: { ...simulatorCredentials(sim).totalisApi, apiKey },
	});
	return await n8n.api.createWorkflow({
		name: `e2e smoke: ${name}`,
		nodes: [
			{
				name: TRIGGER_NODE,
				type: TOTALIS_TRIGGER_TYPE,
				typeVersion: 1,
				position: [0, 0],
				parameters: { source: 'websocket', events: ['quote:expired'], options: {} },
				credentials: { totalisApi: { id: credential.id, name: credential.name } },
			},
		],
	});
}

describe('the Totalis Trigger in a real n8n', () => {
	let sim: VenueSimulator;
	let n8n: N8nWithPackage | undefined;

	beforeAll(async () => {
		sim = await startSimulator();
		n8n = await startN8nWithPackage();
	}, 20 * 60_000);

	afterAll(async () => {
		await n8n?.stop();
		await sim?.close();
	}, 60_000);

	it('loads the package as community nodes', async () => {
		const types = await n8n!.api.nodeTypeNames();
		expect(types).toEqual(expect.arrayContaining([TOTALIS_TRIGGER_TYPE, 'n8n-nodes-trading-venues.totalis']));
	});

	it('turns a venue event into an execution while active, and closes the socket when deactivated', async () => {
		const { api } = n8n!;
		const workflow = await quoteExpiredWorkflow(n8n!, sim, 'quote expired');

		const authenticated = sim.totalis.waitFor('ws:auth', (event) => event.ok, 30_000);
		const subscribed = sim.totalis.waitFor('ws:subscribe', (event) => event.channel === `mm:quotes:${sim.totalis.userId}`, 30_000);
		// Waits until n8n reports the trigger started: its socket is authenticated and subscribed by then.
		const activated = await api.activateWorkflow(workflow.id);
		expect(activated.active).toBe(true);
		expect(sim.totalis.openSockets()).toBe(1);
		await authenticated;
		await subscribed;

		expect(sim.totalis.publish(`mm:quotes:${sim.totalis.userId}`, 'quote:expired', { quote_id: 'q1', rfq_id: 'r1' })).toBe(1);
		const execution = await waitForExecution(api, {
			workflowId: workflow.id,
			matches: (candidate) =>
				candidate.status === 'success' &&
				nodeOutputJson(candidate, TRIGGER_NODE).some(
					(item) => item.event === 'quote:expired' && (item.data as { quote_id?: string } | undefined)?.quote_id === 'q1',
				),
			timeoutMs: 30_000,
		});
		expect(execution.mode).toBe('trigger');
		expect(nodeOutputJson(execution, TRIGGER_NODE)).toEqual([
			expect.objectContaining({
				venue: 'totalis',
				source: 'websocket',
				event: 'quote:expired',
				data: { quote_id: 'q1', rfq_id: 'r1' },
				gap: null,
			}),
		]);

		const closed = sim.totalis.waitFor('ws:close', undefined, 30_000);
		await api.deactivateWorkflow(workflow.id);
		await closed;
		await pollUntil(() => sim.totalis.openSockets() === 0, { timeoutMs: 10_000, description: 'the trigger socket to close' });
		expect((await api.getWorkflow(workflow.id)).active).toBe(false);
	}, 120_000);

	it("reports a refused API key as a failed activation, with the trigger's error", async () => {
		const { api } = n8n!;
		const workflow = await quoteExpiredWorkflow(n8n!, sim, 'wrong key', 'api_live_not_a_key');
		// n8n 2.41 retries the activation for about 15 s before it reports the failure.
		const failure = await api.activateWorkflow(workflow.id).then(
			() => undefined,
			(error: unknown) => error,
		);
		expect(failure).toBeInstanceOf(N8nActivationError);
		expect((failure as N8nActivationError).message).toMatch(/Authorization failed/);
		expect(sim.totalis.openSockets()).toBe(0);
		await api.deactivateWorkflow(workflow.id);
	}, 120_000);

	it("runs the trigger manually, as the editor's button does: first event, then the socket closes", async () => {
		const { api } = n8n!;
		const workflow = await quoteExpiredWorkflow(n8n!, sim, 'manual run');

		const subscribed = sim.totalis.waitFor('ws:subscribe', undefined, 30_000);
		const started = await api.runManual(workflow.id, TRIGGER_NODE);
		expect(started.executionId).toEqual(expect.any(String));
		await subscribed;

		const closed = sim.totalis.waitFor('ws:close', undefined, 30_000);
		sim.totalis.publish(`mm:quotes:${sim.totalis.userId}`, 'quote:expired', { quote_id: 'q2', rfq_id: 'r2' });
		const execution = await waitForExecution(api, {
			workflowId: workflow.id,
			matches: (candidate) => candidate.id === started.executionId && candidate.status === 'success',
			timeoutMs: 30_000,
		});
		expect(execution.mode).toBe('manual');
		expect(nodeOutputJson(execution, TRIGGER_NODE)).toEqual([
			expect.objectContaining({ event: 'quote:expired', data: { quote_id: 'q2', rfq_id: 'r2' } }),
		]);
		await closed;
		await pollUntil(() => sim.totalis.openSockets() === 0, { timeoutMs: 10_000, description: "the manual run's socket to close" });
	}, 120_000);

	it('reached no host but loopback, and leaves no process behind when stopped', async () => {
		const running = n8n!.n8n;
		expect(running.outboundAttempts()).toEqual([]);
		expect(running.processes().length).toBeGreaterThan(0);
		await n8n!.stop();
		expect(running.processes()).toEqual([]);
		n8n = undefined;
	}, 60_000);
});
