/**
 * Confirm Accepted Quotes in a real n8n 2.41: the trigger confirms each acceptance itself, so a
 * workflow whose executions are slow (a Wait node holds each one for seconds, and the trigger's
 * execution slots fill up) still confirms every quote before its deadline. The example variant
 * `totalis-market-making-fast-confirm.json` is what runs.
 */
import { nodeOutputJson, pollUntil, startN8nWithPackage, type N8nWithPackage } from '../../tools/e2e';
import { EXAMPLE_CREDENTIAL_NAME, loadExample, subWorkflow } from '../../tools/e2e/examples';
import { measureConfirmLatency } from '../../tools/e2e/latency';
import type { WorkflowInput } from '../../tools/e2e/n8nApi';
import { simulatorCredentials } from '../../tools/harness/simulatorCredentials';
import { startSimulator, type VenueSimulator } from 'trading-venues-simulator';

const ACCEPTANCES = Number(process.env.E2E_FAST_CONFIRM_ACCEPTANCES ?? 60);
const ACCEPTANCES_PER_SECOND = 20;
/** How long each execution is held: well past the 5 s confirmation window once a few queue up. */
const WAIT_SECONDS = 3;

describe('Confirm Accepted Quotes in a real n8n', () => {
	let sim: VenueSimulator;
	let n8n: N8nWithPackage;
	let workflow: WorkflowInput;

	beforeAll(async () => {
		// A few hundred confirm calls a minute must not meet the venue's 300/min limit.
		sim = await startSimulator({ totalis: { settleDelayMs: 300, executeDelayMs: 20, rateLimit: { withKey: 100_000 } } });
		n8n = await startN8nWithPackage();
		const credential = await n8n.api.createCredential({
			name: EXAMPLE_CREDENTIAL_NAME,
			type: 'totalisApi',
			data: simulatorCredentials(sim).totalisApi,
		});
		workflow = slowed(
			subWorkflow(loadExample('totalis-market-making-fast-confirm.json', { totalisApi: credential }), 'fast confirm, slow workflow', [
				'Quote Accepted',
				'Confirmation Log',
			]),
		);
	});

	afterAll(async () => {
		await n8n?.stop();
		await sim?.close();
	});

	/** The example's Quote Accepted → Confirmation Log with a Wait node between, holding each execution. */
	function slowed(base: WorkflowInput): WorkflowInput {
		const wait = {
			name: 'Slow Workflow',
			type: 'n8n-nodes-base.wait',
			typeVersion: 1.1,
			position: [120, 240] as [number, number],
			parameters: { resume: 'timeInterval', amount: WAIT_SECONDS, unit: 'seconds' },
		};
		const link = (node: string) => ({ main: [[{ node, type: 'main', index: 0 }]] });
		return {
			...base,
			nodes: [...base.nodes, wait],
			connections: { 'Quote Accepted': link('Slow Workflow'), 'Slow Workflow': link('Confirmation Log') },
		};
	}

	it('confirms every quote before its deadline, once, while the workflow runs seconds behind', async () => {
		const { id } = await n8n.api.createWorkflow(workflow);
		await n8n.api.activateWorkflow(id);
		expect(sim.totalis.openSockets()).toBe(1);
		const confirmCalls = new Map<string, number>();
		const off = sim.totalis.events.on('rest:request', ({ method, path }) => {
			const quoteId = method === 'POST' ? /\/mm\/quotes\/([^/]+)\/confirm/.exec(path)?.[1] : undefined;
			if (quoteId) confirmCalls.set(quoteId, (confirmCalls.get(quoteId) ?? 0) + 1);
		});
		try {
			const summary = await measureConfirmLatency(sim, ACCEPTANCES, ACCEPTANCES_PER_SECOND);
			process.stdout.write(
				`\nfast path, executions held ${WAIT_SECONDS} s each: ${summary.confirmed}/${summary.acceptances} confirmed in time, median ${summary.medianMs.toFixed(1)} ms, p99 ${summary.p99Ms.toFixed(1)} ms, max ${summary.maxMs.toFixed(1)} ms\n`,
			);
			// The venue refuses a confirm after the deadline: every quote confirmed means every one in time.
			expect(summary.confirmed).toBe(ACCEPTANCES);
			expect(summary.expired).toBe(0);
			// The simulator reports a call once its answer is sent, which may be after it counted the quote confirmed.
			await pollUntil(() => (confirmCalls.size >= ACCEPTANCES ? true : undefined), {
				timeoutMs: 10_000,
				description: () => `a confirm call for each quote (${confirmCalls.size} so far)`,
			});
			expect(confirmCalls.size).toBe(ACCEPTANCES);
			expect([...confirmCalls.values()].every((calls) => calls === 1)).toBe(true);

			// The slow executions catch up afterwards: each acceptance reaches the workflow once, saying it was confirmed.
			const logged = await pollUntil(
				async () => {
					const executions = await n8n.api.listExecutions({ workflowId: id, includeData: true });
					const lines = executions.flatMap((execution) => nodeOutputJson(execution, 'Confirmation Log'));
					return lines.length >= ACCEPTANCES ? lines : undefined;
				},
				{ timeoutMs: 5 * 60_000, intervalMs: 1000, description: 'every acceptance to pass the slow workflow' },
			);
			expect(new Set(logged.map((line) => line.quote_id)).size).toBe(ACCEPTANCES);
			expect(logged.every((line) => line.status === 'confirmed')).toBe(true);
		} finally {
			off();
		}
		const closed = sim.totalis.events.waitFor('ws:close', undefined, 10_000);
		await n8n.api.deactivateWorkflow(id);
		await closed;
		expect(sim.totalis.openSockets()).toBe(0);
	});
});
