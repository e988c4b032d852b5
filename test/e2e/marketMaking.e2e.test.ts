/**
 * The package inside a real n8n 2.x, installed as users install community packages: the example
 * market-making workflow is imported, activated and driven through the venue simulator, and the
 * assertions read what n8n really executed (its public API) and what reached the venue.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { nodeOutputJson, pollUntil, startN8nWithPackage, waitForExecution, type N8nWithPackage } from '../../tools/e2e';
import { EXAMPLE_CREDENTIAL_NAME, loadExample, subWorkflow } from '../../tools/e2e/examples';
import { measureConfirmLatency, type LatencySummary } from '../../tools/e2e/latency';
import type { N8nCredential, N8nExecution, WorkflowInput } from '../../tools/e2e/n8nApi';
import { simulatorCredentials } from '../../tools/harness/simulatorCredentials';
import { startSimulator, type VenueSimulator } from 'trading-venues-simulator';

const ACCEPTANCES = Number(process.env.E2E_ACCEPTANCES ?? 100);
const ACCEPTANCES_PER_SECOND = 20;

describe('Totalis in a real n8n', () => {
	let sim: VenueSimulator;
	let n8n: N8nWithPackage;
	let credential: N8nCredential;
	let example: WorkflowInput;
	let loopId: string;

	beforeAll(async () => {
		// The confirm calls of a few hundred acceptances must not meet the venue's 300/min limit.
		sim = await startSimulator({ totalis: { settleDelayMs: 300, executeDelayMs: 20, rateLimit: { withKey: 100_000 } } });
		n8n = await startN8nWithPackage();
		credential = await n8n.api.createCredential({
			name: EXAMPLE_CREDENTIAL_NAME,
			type: 'totalisApi',
			data: simulatorCredentials(sim).totalisApi,
		});
		example = loadExample('totalis-market-making.json', { totalisApi: credential });
	});

	afterAll(async () => {
		await n8n?.stop();
		await sim?.close();
	});

	const executions = () => n8n.api.listExecutions({ workflowId: loopId, includeData: true });
	const ran = (execution: N8nExecution, node: string) => nodeOutputJson(execution, node);

	/** One full trade through the loop: returns the quote id to confirm and its rfq. */
	async function tradeThroughTheLoop() {
		const submitted = sim.totalis.events.waitFor('quote:submitted', ({ mmId }) => mmId === sim.totalis.mmId, 30_000);
		const request = sim.totalis.createQuoteRequest();
		const quote = await submitted;
		expect(quote.requestId).toBe(request.id);
		const confirmed = sim.totalis.events.waitFor('quote:confirmed', undefined, 30_000);
		const acceptance = sim.totalis.acceptQuote(quote.quote.id, { settlement: 'win' });
		expect((await confirmed).quoteId).toBe(acceptance.quoteId);
		return { request, quote, acceptance };
	}

	it('activates the example loop: every trigger connected once, before activation returns', async () => {
		const workflow = await n8n.api.createWorkflow(example);
		loopId = workflow.id;
		await n8n.api.activateWorkflow(loopId);
		// Two WebSocket triggers (accepted, settled) and one quote-request stream.
		expect(sim.totalis.openSockets()).toBe(2);
		expect(sim.totalis.openStreams()).toBe(1);
	});

	it('prices a request, confirms the acceptance and summarises the settlement, as n8n executions', async () => {
		const { request, quote, acceptance } = await tradeThroughTheLoop();

		const priced = await waitForExecution(n8n.api, {
			workflowId: loopId,
			matches: (execution) => ran(execution, 'Submit Quote').some((json) => (json.quote as { id?: string })?.id === quote.quote.id),
		});
		expect(priced.status).toBe('success');
		expect(ran(priced, 'Quote Requests')[0]).toMatchObject({ venue: 'totalis', event: 'quote_request', data: { id: request.id } });
		expect(ran(priced, 'Price')[0].payoutOdds).toBe(quote.quote.payout_odds);

		const confirmedRun = await waitForExecution(n8n.api, {
			workflowId: loopId,
			matches: (execution) => ran(execution, 'Confirm').some((json) => json.quote_id === acceptance.quoteId),
		});
		expect(ran(confirmedRun, 'Quote Accepted')[0]).toMatchObject({
			event: 'quote:accepted',
			data: { quote_id: acceptance.quoteId, rfq_id: acceptance.rfqId },
		});
		expect((ran(confirmedRun, 'Quote Accepted')[0].mergedFrom as string[]).sort()).toEqual(['mm_quote:accepted', 'quote:accepted']);
		expect(ran(confirmedRun, 'Confirm')[0]).toMatchObject({ status: 'confirmed', execution_id: expect.any(String) });

		const summarised = await waitForExecution(n8n.api, {
			workflowId: loopId,
			matches: (execution) => ran(execution, 'Summary').some((json) => json.rfq_id === acceptance.rfqId),
		});
		expect(ran(summarised, 'Summary')[0]).toMatchObject({ outcome: 'win', summary: expect.stringContaining('won') });
	});

	it('survives a venue drop with one trigger instance each: no duplicate executions', async () => {
		const resubscribed = new Promise<void>((resolve) => {
			let subscriptions = 0;
			let streams = 0;
			const check = () => subscriptions >= 2 && streams >= 1 && resolve();
			sim.totalis.events.on('ws:subscribe', () => (subscriptions++, check()));
			sim.totalis.events.on('sse:connection', () => (streams++, check()));
		});
		sim.totalis.faults.dropConnections();
		await resubscribed;
		await pollUntil(async () => sim.totalis.openSockets() === 2 || undefined, {
			timeoutMs: 10_000,
			description: () => 'two sockets again',
		});
		expect(sim.totalis.openStreams()).toBe(1);

		const confirms: string[] = [];
		sim.totalis.events.on('rest:request', ({ method, path, status }) => {
			if (method === 'POST' && path.includes('/confirm')) confirms.push(`${path} ${status}`);
		});
		const { acceptance } = await tradeThroughTheLoop();
		await waitForExecution(n8n.api, {
			workflowId: loopId,
			matches: (execution) => ran(execution, 'Summary').some((json) => json.rfq_id === acceptance.rfqId),
		});
		const all = await executions();
		const acceptedRuns = all.filter((execution) =>
			ran(execution, 'Quote Accepted').some((json) => (json.data as { quote_id?: string }).quote_id === acceptance.quoteId),
		);
		const settledRuns = all.filter((execution) =>
			ran(execution, 'Position Settled').some((json) => (json.data as { rfq_id?: string }).rfq_id === acceptance.rfqId),
		);
		expect(acceptedRuns).toHaveLength(1);
		expect(settledRuns).toHaveLength(1);
		expect(confirms).toEqual([expect.stringMatching(/ 200$/)]);
		expect(sim.totalis.openSockets()).toBe(2);
	});

	it('closes its sockets when the workflow is deactivated', async () => {
		const closedSockets = new Promise<void>((resolve) => {
			let closed = 0;
			sim.totalis.events.on('ws:close', () => ++closed === 2 && resolve());
		});
		const closedStream = sim.totalis.events.waitFor('sse:close', undefined, 10_000);
		await n8n.api.deactivateWorkflow(loopId);
		await Promise.all([closedSockets, closedStream]);
		expect(sim.totalis.openSockets()).toBe(0);
		expect(sim.totalis.openStreams()).toBe(0);
	});

	it('shows a quote race (409 version_mismatch) as a race in a successful execution, and quotes the new version', async () => {
		// The whole example as its own workflow, so that this runs alone too (jest -t "quote race").
		const { id } = await n8n.api.createWorkflow({ ...example, name: 'quote race' });
		const stored = await n8n.api.getWorkflow(id);
		// n8n kept the sticky notes and the example's settings.
		expect(stored.nodes.filter((node) => node.type === 'n8n-nodes-base.stickyNote')).toHaveLength(3);
		expect(stored.settings).toMatchObject({ saveDataErrorExecution: 'all', saveExecutionProgress: false, executionTimeout: 60 });
		await n8n.api.activateWorkflow(id);
		try {
			const request = sim.totalis.createQuoteRequest();
			// As the quote on this version reaches the venue, the request moves on to the next: the race.
			sim.totalis.faults.raceNextQuote(request.id);
			const requoted = sim.totalis.events.waitFor('quote:submitted', ({ requestId }) => requestId === request.id, 30_000);
			const updated = { version: request.version + 1 };

			const raced = await waitForExecution(n8n.api, {
				workflowId: id,
				matches: (execution) => ran(execution, 'Race Check').length > 0 && execution.status !== 'running',
			});
			expect(raced.status).toBe('success');
			expect(ran(raced, 'Submit Quote')).toEqual([]);
			expect(nodeOutputJson(raced, 'Submit Quote', { output: 1 })).toEqual([
				expect.objectContaining({ details: expect.objectContaining({ reason: 'version_mismatch', httpCode: '409' }) }),
			]);
			expect(ran(raced, 'Race Check')).toEqual([
				{
					raced: 'raced: the RFQ changed',
					rfq_id: request.id,
					priced_version: request.version,
					venue_said: expect.stringContaining(`moved on to version ${updated.version}`),
				},
			]);

			// The new version came as its own execution and was quoted.
			const quote = await requoted;
			expect(quote.quote.request_version).toBe(updated.version);
			const quoted = await waitForExecution(n8n.api, {
				workflowId: id,
				matches: (execution) => ran(execution, 'Submit Quote').some((json) => (json.quote as { id?: string })?.id === quote.quote.id),
			});
			expect(quoted.status).toBe('success');
		} finally {
			await n8n.api.deactivateWorkflow(id);
		}
	});

	it('keeps sending the market-maker heartbeat long after activation', async () => {
		// n8n 2.x holds its expression isolate only while a trigger starts: calls made later must not need it.
		const workflow = subWorkflow(example, 'heartbeat only', ['Quote Requests']);
		const requests = workflow.nodes.find((node) => node.name === 'Quote Requests')!;
		// Each beat is abandoned after three quarters of the interval: 1 s leaves a loaded machine room.
		requests.parameters = { ...requests.parameters, mmHeartbeatMs: 1000 };
		const { id } = await n8n.api.createWorkflow(workflow);
		const beats: string[] = [];
		sim.totalis.events.on('rest:request', ({ path, status }) => path.endsWith('/v1/mm/heartbeat') && beats.push(String(status)));
		await n8n.api.activateWorkflow(id);
		await pollUntil(() => (beats.length >= 4 ? beats : undefined), { timeoutMs: 30_000, description: 'four heartbeats' });
		// Every beat reached the venue signed: none refused for its credentials.
		expect(beats.filter((status) => status === '401' || status === '403')).toEqual([]);
		await n8n.api.deactivateWorkflow(id);
	});

	it('runs the example against a venue that also sends position events on the market-maker channel (dialect mm-channel): each settlement once', async () => {
		// The suite above runs the default dialect (docs), where position events come only on rfq:<id>.
		const variant = await startSimulator({ totalis: { dialect: 'mm-channel', settleDelayMs: 300, executeDelayMs: 20 } });
		try {
			const variantCredential = await n8n.api.createCredential({
				name: `${EXAMPLE_CREDENTIAL_NAME} (mm-channel)`,
				type: 'totalisApi',
				data: simulatorCredentials(variant).totalisApi,
			});
			const workflow = loadExample('totalis-market-making.json', { totalisApi: variantCredential });
			const { id } = await n8n.api.createWorkflow({ ...workflow, name: `${workflow.name} (mm-channel)` });
			await n8n.api.activateWorkflow(id);
			// Every copy the venue sends of a settlement, and to how many sockets.
			const settlements: number[] = [];
			variant.totalis.events.on('ws:event', ({ type, recipients }) => type === 'position:settled' && settlements.push(recipients));

			const submitted = variant.totalis.events.waitFor('quote:submitted', ({ mmId }) => mmId === variant.totalis.mmId, 30_000);
			variant.totalis.createQuoteRequest();
			const quote = await submitted;
			const confirmed = variant.totalis.events.waitFor('quote:confirmed', undefined, 30_000);
			const acceptance = variant.totalis.acceptQuote(quote.quote.id, { settlement: 'loss' });
			expect((await confirmed).quoteId).toBe(acceptance.quoteId);
			const summarised = await waitForExecution(n8n.api, {
				workflowId: id,
				matches: (execution) => ran(execution, 'Summary').some((json) => json.rfq_id === acceptance.rfqId),
			});
			expect(ran(summarised, 'Summary')[0]).toMatchObject({ outcome: 'loss' });
			// The Position Settled trigger got the settlement on both of its channels (rfq: and mm:quotes:).
			expect(settlements.length).toBe(2);
			await n8n.api.deactivateWorkflow(id);
			// Once nothing runs any more, one execution (not two) ran Position Settled for this trade.
			await pollUntil(
				async () => {
					const listed = await n8n.api.listExecutions({ workflowId: id });
					return listed.every((execution) => !['new', 'running', 'waiting'].includes(execution.status)) || undefined;
				},
				{ timeoutMs: 60_000, intervalMs: 500, description: 'the executions of the mm-channel workflow to finish' },
			);
			const settledRuns = (await n8n.api.listExecutions({ workflowId: id, includeData: true })).filter((execution) =>
				ran(execution, 'Position Settled').some((json) => (json.data as { rfq_id?: string }).rfq_id === acceptance.rfqId),
			);
			expect(settledRuns).toHaveLength(1);
		} finally {
			await variant.close();
		}
	});

	/**
	 * Correctness under a steady stream of acceptances, whatever the machine's load: every
	 * acceptance reaches the venue as exactly one confirm call and runs in exactly one execution.
	 * Whether the confirm beats the venue's deadline depends on n8n's load; the figures are printed
	 * for information (the latency benchmark measures them), never asserted.
	 */
	describe('a stream of acceptances through n8n: one confirm call per quote, one execution per event or batch', () => {
		const results: Record<string, LatencySummary & { executions: number }> = {};

		async function run(label: string, workflow: WorkflowInput) {
			const created = await n8n.api.createWorkflow(workflow);
			await n8n.api.activateWorkflow(created.id);
			const confirmCalls = new Map<string, number>();
			const off = sim.totalis.events.on('rest:request', ({ method, path }) => {
				const quoteId = method === 'POST' ? /\/mm\/quotes\/([^/]+)\/confirm/.exec(path)?.[1] : undefined;
				if (quoteId) confirmCalls.set(quoteId, (confirmCalls.get(quoteId) ?? 0) + 1);
			});
			try {
				const summary = await measureConfirmLatency(sim, ACCEPTANCES, ACCEPTANCES_PER_SECOND);
				const executions = await settledExecutions(created.id);
				results[label] = { ...summary, executions: executions.length };
				return { summary, executions, confirmCalls };
			} finally {
				off();
				await n8n.api.deactivateWorkflow(created.id);
			}
		}

		/**
		 * The confirm call reaches the venue before n8n has saved its execution: read once every
		 * execution has finished and two reads agree. A loaded machine drains slowly: be patient.
		 */
		async function settledExecutions(workflowId: string): Promise<N8nExecution[]> {
			let previous = -1;
			await pollUntil(
				async () => {
					const listed = await n8n.api.listExecutions({ workflowId });
					const busy = listed.some((execution) => ['new', 'running', 'waiting'].includes(execution.status));
					const stable = !busy && listed.length === previous;
					previous = listed.length;
					return stable || undefined;
				},
				{
					timeoutMs: 5 * 60_000,
					intervalMs: 1000,
					description: () => `the executions of ${workflowId} to settle (last count ${previous})`,
				},
			);
			return await n8n.api.listExecutions({ workflowId, includeData: true });
		}

		/** Every acceptance was confirmed or expired at the venue, each after exactly one confirm call. */
		function expectOneConfirmPerQuote(summary: LatencySummary, confirmCalls: Map<string, number>) {
			expect(summary.confirmed + summary.expired).toBe(ACCEPTANCES);
			expect(confirmCalls.size).toBe(ACCEPTANCES);
			expect([...confirmCalls.values()].every((calls) => calls === 1)).toBe(true);
		}

		/** Each accepted quote appears in exactly one execution's trigger output: nothing lost, nothing twice. */
		function expectEachQuoteOnce(executions: N8nExecution[]) {
			const quoteIds = executions.flatMap((execution) =>
				ran(execution, 'Quote Accepted').map((json) => String((json.data as { quote_id?: string }).quote_id)),
			);
			expect(quoteIds).toHaveLength(ACCEPTANCES);
			expect(new Set(quoteIds).size).toBe(ACCEPTANCES);
		}

		afterAll(() => {
			if (Object.keys(results).length === 0) return;
			const lines = Object.entries(results).map(
				([label, r]) =>
					`${label.padEnd(34)} ${String(r.confirmed).padStart(5)}/${r.acceptances} confirmed in time  median ${r.medianMs.toFixed(1)} ms  p99 ${r.p99Ms.toFixed(1)} ms  max ${r.maxMs.toFixed(1)} ms  ${r.executions} executions`,
			);
			process.stdout.write(
				`\nconfirm latency through n8n, for information (${ACCEPTANCES} acceptances at ${ACCEPTANCES_PER_SECOND}/s each):\n${lines.join('\n')}\n`,
			);
			const directory = join(__dirname, '..', '..', 'tools', 'e2e', 'results');
			mkdirSync(directory, { recursive: true });
			writeFileSync(
				join(directory, 'latest.json'),
				`${JSON.stringify({ acceptancesPerSecond: ACCEPTANCES_PER_SECOND, results }, null, '\t')}\n`,
			);
		});

		const confirmOnly = (name: string, options: Record<string, unknown>): WorkflowInput => {
			const workflow = subWorkflow(example, name, ['Quote Accepted', 'Confirm']);
			return {
				...workflow,
				nodes: workflow.nodes.map((node) =>
					node.name === 'Quote Accepted' ? { ...node, parameters: { ...node.parameters, options } } : node,
				),
			};
		};

		it('one execution per acceptance while n8n keeps up: each quote confirmed once; acceptances that waited for a slot leave together, saying so', async () => {
			const { summary, executions, confirmCalls } = await run('one execution per event', confirmOnly('Confirm (per event)', {}));
			expectOneConfirmPerQuote(summary, confirmCalls);
			expectEachQuoteOnce(executions);
			// With Max Executions in Flight (10 by default) reached on a busy machine, the acceptances
			// that arrived meanwhile start one execution together; every item of it says so.
			for (const execution of executions) {
				const items = ran(execution, 'Quote Accepted');
				if (items.length === 1) continue;
				expect(items.map((json) => (json.backpressure as { batchSize?: number } | undefined)?.batchSize)).toEqual(
					items.map(() => items.length),
				);
			}
		});

		it('batched by the trigger (200 ms / 20 items): each quote confirmed once, batches of at most 20', async () => {
			const { summary, executions, confirmCalls } = await run(
				'batched (200 ms window, 20 items)',
				confirmOnly('Confirm (batched)', { delivery: 'batch', batchWindowMs: 200, batchMaxItems: 20 }),
			);
			expectOneConfirmPerQuote(summary, confirmCalls);
			expectEachQuoteOnce(executions);
			expect(executions.every((execution) => ran(execution, 'Quote Accepted').length <= 20)).toBe(true);
		});
	});
});
