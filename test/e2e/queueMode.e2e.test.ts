/**
 * The package in n8n's queue mode: a main that runs the triggers, two workers that run the
 * executions, Redis and Postgres of this run's own (tools/e2e/queueMode.ts). The four example
 * workflows run against the simulator; the assertions read which process holds each socket
 * (/proc), which worker ran each execution (the workers' "Worker started execution <id>" lines),
 * what n8n recorded, and what reached the venues.
 */
import { nodeOutputJson, pollUntil, waitForExecution } from '../../tools/e2e';
import {
	AGG_CREDENTIAL_NAME,
	EXAMPLE_CREDENTIAL_NAME,
	HELIO_CREDENTIAL_NAME,
	loadExample,
	OPENMARKETS_CREDENTIAL_NAME,
	subWorkflow,
} from '../../tools/e2e/examples';
import type { N8nCredential, N8nExecution, WorkflowInput } from '../../tools/e2e/n8nApi';
import { startQueueMode, type N8nQueueMode } from '../../tools/e2e/queueMode';
import { totalConnectionsToPort } from '../../tools/e2e/sockets';
import { simulatorCredentials } from '../../tools/harness/simulatorCredentials';
import { startSimulator, type VenueSimulator } from 'trading-venues-simulator';

const OUTCOME = 'vmo_fed_cut_july_yes';

describe('n8n queue mode: a main and two workers', () => {
	let sim: VenueSimulator;
	let simPort: number;
	let queue: N8nQueueMode;
	const workflows: Record<'totalis' | 'helio' | 'agg' | 'openmarkets', string> = { totalis: '', helio: '', agg: '', openmarkets: '' };
	let contestId: string;
	let totalisCredential: N8nCredential;
	/** When each Totalis market-maker heartbeat arrived. */
	const beats: number[] = [];

	beforeAll(async () => {
		sim = await startSimulator({
			totalis: { settleDelayMs: 300, executeDelayMs: 20, rateLimit: { withKey: 100_000 } },
			helio: {},
			agg: { orderStepMs: 5 },
			openmarkets: { contests: 0 },
		});
		simPort = Number(new URL(sim.baseUrl).port);
		sim.totalis.events.on('heartbeat', () => beats.push(Date.now()));
		[{ id: contestId }] = sim.openmarkets.addContests(1, { league_id: 'lg_nba', startsInMs: 3600_000 });
		queue = await startQueueMode({ workers: 2 });
		const { api } = queue;
		const totalis = (totalisCredential = await api.createCredential({
			name: EXAMPLE_CREDENTIAL_NAME,
			type: 'totalisApi',
			data: simulatorCredentials(sim).totalisApi,
		}));
		const helio = await api.createCredential({
			name: HELIO_CREDENTIAL_NAME,
			type: 'helioApi',
			data: simulatorCredentials(sim).helioApi,
		});
		const agg = await api.createCredential({
			name: AGG_CREDENTIAL_NAME,
			type: 'aggMarketApi',
			data: simulatorCredentials(sim).aggMarketApi,
		});
		const openmarkets = await api.createCredential({
			name: OPENMARKETS_CREDENTIAL_NAME,
			type: 'openMarketsApi',
			data: simulatorCredentials(sim).openMarketsApi,
		});
		workflows.totalis = (await api.createWorkflow(loadExample('totalis-market-making.json', { totalisApi: totalis }))).id;
		workflows.helio = (await api.createWorkflow(loadExample('helio-quote-signal.json', { helioApi: helio }))).id;
		workflows.agg = (await api.createWorkflow(loadExample('agg-market-fills-and-spread.json', { aggMarketApi: agg }))).id;
		workflows.openmarkets = (await api.createWorkflow(loadExample('openmarkets-line-moves.json', { openMarketsApi: openmarkets }))).id;
	});

	afterAll(async () => {
		await queue?.stop();
		await sim?.close();
	});

	/** Trigger sockets and streams the venues hold now: Totalis 2 + 1 stream, Helio 2, agg.market 2, OpenMarkets 2. */
	const venueConnections = () =>
		sim.totalis.openSockets() +
		sim.totalis.openStreams() +
		sim.helio.openSockets() +
		sim.agg.openSockets() +
		sim.openmarkets.connectionCount();
	const TRIGGER_CONNECTIONS = 9;
	const mainPids = () => queue.main.processes();
	const workerPids = () => queue.workers.flatMap((worker) => worker.processes());
	const ranOnWorker = (execution: N8nExecution) => new RegExp(`Worker started execution ${execution.id} `).test(queue.workerOutput());

	it('runs every trigger in the main: its sockets belong to the main, none to a worker', async () => {
		for (const id of Object.values(workflows)) await queue.api.activateWorkflow(id);
		await pollUntil(() => venueConnections() === TRIGGER_CONNECTIONS || undefined, {
			timeoutMs: 60_000,
			description: () => `${TRIGGER_CONNECTIONS} trigger connections (now ${venueConnections()})`,
		});
		expect(totalConnectionsToPort(simPort, mainPids())).toBeGreaterThanOrEqual(TRIGGER_CONNECTIONS);
		expect(totalConnectionsToPort(simPort, workerPids())).toBe(0);
	});

	it('runs every action node on a worker, successfully', async () => {
		// Totalis: Submit Quote and Confirm.
		const submitted = sim.totalis.events.waitFor('quote:submitted', ({ mmId }) => mmId === sim.totalis.mmId, 60_000);
		sim.totalis.createQuoteRequest();
		const quote = await submitted;
		const confirmed = sim.totalis.events.waitFor('quote:confirmed', undefined, 60_000);
		const acceptance = sim.totalis.acceptQuote(quote.quote.id, { settlement: 'win' });
		expect((await confirmed).quoteId).toBe(acceptance.quoteId);
		// Helio: Orders Last 30 s and Buy.
		const created = sim.helio.events.waitFor('order:created', undefined, 60_000);
		sim.helio.setQuote('EURUSD', 1.1, 1.10005);
		const { order: helioOrder } = await created;
		// agg.market: Balance → Get.
		const aggOrder = sim.agg.placeOrder({
			venue: 'polymarket',
			side: 'buy',
			price: 0.55,
			size: 10,
			outcomeId: OUTCOME,
			outcome: 'fill',
			retry: false,
		});
		// OpenMarkets: Contest → Get.
		sim.openmarkets.setContestStatus(contestId, 'live', { home_score: 3, away_score: 2, period: 'Q1' });

		const runs = await Promise.all([
			waitForExecution(queue.api, {
				workflowId: workflows.totalis,
				matches: finishedAnd((execution) => nodeOutputJson(execution, 'Confirm').some((json) => json.quote_id === acceptance.quoteId)),
				timeoutMs: 60_000,
			}),
			waitForExecution(queue.api, {
				workflowId: workflows.totalis,
				matches: finishedAnd((execution) =>
					nodeOutputJson(execution, 'Submit Quote').some((json) => (json.quote as { id?: string })?.id === quote.quote.id),
				),
				timeoutMs: 60_000,
			}),
			waitForExecution(queue.api, {
				workflowId: workflows.helio,
				matches: finishedAnd((execution) => nodeOutputJson(execution, 'Buy').some((json) => json.id === helioOrder.id)),
				timeoutMs: 60_000,
			}),
			waitForExecution(queue.api, {
				workflowId: workflows.agg,
				matches: finishedAnd((execution) => nodeOutputJson(execution, 'Fill Report').some((json) => json.orderId === aggOrder.orderId)),
				timeoutMs: 60_000,
			}),
			waitForExecution(queue.api, {
				workflowId: workflows.openmarkets,
				matches: finishedAnd((execution) => nodeOutputJson(execution, 'Score Line').some((json) => json.contest === contestId)),
				timeoutMs: 60_000,
			}),
		]);
		for (const execution of runs) {
			expect({ id: execution.id, status: execution.status, onWorker: ranOnWorker(execution) }).toEqual({
				id: execution.id,
				status: 'success',
				onWorker: true,
			});
		}
		expect(nodeOutputJson(runs[3], 'Fill Report')[0]).toMatchObject({ result: 'filled', cashUsdc: expect.any(Number) });
	});

	it('throttles the Helio example from the order history, not static data: one buy while the spread stays tight', async () => {
		const orders: string[] = [];
		sim.helio.events.on('order:created', ({ order }) => orders.push(order.id));
		const finishedBefore = (await queue.api.listExecutions({ workflowId: workflows.helio })).length;
		// Quotes keep coming with the tight spread; the trigger delivers the latest one each second.
		const ticker = setInterval(() => sim.helio.setQuote('EURUSD', 1.1, 1.10005 + Math.random() * 1e-6), 200);
		try {
			await pollUntil(
				async () =>
					(await queue.api.listExecutions({ workflowId: workflows.helio, status: 'success' })).length >= finishedBefore + 6 || undefined,
				{ timeoutMs: 90_000, intervalMs: 500, description: 'six more executions of the Helio example' },
			);
		} finally {
			clearInterval(ticker);
		}
		// The buy of the previous test is less than 30 s old: every execution since saw it in the history.
		expect(orders).toEqual([]);
	});

	it('survives agg.market expiring the tokens while Balance calls wait in the queue: every one succeeds', async () => {
		const refreshes: string[] = [];
		sim.agg.events.on(
			'rest:request',
			({ method, path, status }) => method === 'POST' && path.endsWith(sim.agg.refreshPath) && refreshes.push(String(status)),
		);
		// Ten Balance calls (both workers' concurrency) are held at the venue; the other two orders wait in the queue.
		sim.agg.faults.failRest({ method: 'GET', pathPrefix: '/execution/balances', delayMs: 4000, times: 10 });
		const orders = Array.from({ length: 12 }, () =>
			sim.agg.placeOrder({ venue: 'polymarket', side: 'buy', price: 0.55, size: 1, outcomeId: OUTCOME, outcome: 'fill', retry: false }),
		);
		await pollUntil(() => sim.agg.faults.pendingRestFaults() === 0 || undefined, {
			timeoutMs: 60_000,
			description: () => `ten Balance calls held at the venue (${10 - sim.agg.faults.pendingRestFaults()} so far)`,
		});
		// The held calls are answered after this, with the tokens they carry now expired.
		expect(sim.agg.faults.expireTokens().tokens).toBeGreaterThan(0);

		const wanted = new Set(orders.map((order) => order.orderId));
		let seen: N8nExecution[] = [];
		const reported = await pollUntil(
			async () => {
				seen = (await queue.api.listExecutions({ workflowId: workflows.agg, includeData: true })).filter((execution) =>
					orderIdsOf(execution).some((id) => wanted.has(id)),
				);
				return new Set(seen.flatMap(orderIdsOf).filter((id) => wanted.has(id))).size === wanted.size ? seen : undefined;
			},
			{
				timeoutMs: 120_000,
				intervalMs: 1000,
				description: () => `an execution for each of the 12 orders (seen: ${statuses(seen)})`,
			},
		);
		expect(reported.map((execution) => execution.status)).toEqual(reported.map(() => 'success'));
		// Several processes held the one refresh token; the venue accepted one refresh at a time.
		expect(refreshes).toContain('200');
		process.stderr.write(`[queue] token refreshes after the venue expired the tokens: ${refreshes.join(', ')}\n`);
	});

	it('after a main restart, reconnects each trigger exactly once and runs an event once', async () => {
		const connections: string[] = [];
		const count = (venue: string) => () => connections.push(venue);
		sim.totalis.events.on('ws:connection', count('totalis'));
		sim.totalis.events.on('sse:connection', count('totalis-stream'));
		sim.helio.events.on('ws:connection', count('helio'));
		sim.agg.events.on('ws:connection', count('agg'));
		sim.openmarkets.events.on('ws:connection', count('openmarkets'));
		const restartedAt = Date.now();
		await queue.restartMain();
		await pollUntil(() => venueConnections() === TRIGGER_CONNECTIONS || undefined, {
			timeoutMs: 60_000,
			description: () => `${TRIGGER_CONNECTIONS} trigger connections again (now ${venueConnections()})`,
		});
		expect(connections.sort()).toEqual([
			'agg',
			'agg',
			'helio',
			'helio',
			'openmarkets',
			'openmarkets',
			'totalis',
			'totalis',
			'totalis-stream',
		]);
		expect(totalConnectionsToPort(simPort, mainPids())).toBeGreaterThanOrEqual(TRIGGER_CONNECTIONS);

		const order = sim.agg.placeOrder({
			venue: 'polymarket',
			side: 'buy',
			price: 0.55,
			size: 2,
			outcomeId: OUTCOME,
			outcome: 'fill',
			retry: false,
		});
		await waitForExecution(queue.api, {
			workflowId: workflows.agg,
			matches: (execution) => nodeOutputJson(execution, 'Fill Report').some((json) => json.orderId === order.orderId),
			timeoutMs: 60_000,
		});
		const reports = (await queue.api.listExecutions({ workflowId: workflows.agg, includeData: true })).filter((execution) =>
			nodeOutputJson(execution, 'Fill Report').some((json) => json.orderId === order.orderId),
		);
		expect(reports).toHaveLength(1);
		// What the restart costs a market maker (Totalis stops quoting after 30 s without a heartbeat).
		await pollUntil(() => beats.some((at) => at > restartedAt) || undefined, {
			timeoutMs: 60_000,
			description: 'a heartbeat after the restart',
		});
		const before = Math.max(...beats.filter((at) => at <= restartedAt));
		const after = Math.min(...beats.filter((at) => at > restartedAt));
		process.stderr.write(`[queue] market-maker heartbeat paused ${after - before} ms across the main restart\n`);
	});

	it('records what a killed worker loses: its in-flight executions fail and are not retried', async () => {
		// Balance calls answer after 8 s, so the executions are in flight when a worker dies.
		sim.agg.faults.failRest({ method: 'GET', pathPrefix: '/execution/balances', delayMs: 8000, times: 6 });
		const orders = Array.from({ length: 6 }, () =>
			sim.agg.placeOrder({ venue: 'polymarket', side: 'buy', price: 0.55, size: 1, outcomeId: OUTCOME, outcome: 'fill', retry: false }),
		);
		await pollUntil(() => sim.agg.faults.pendingRestFaults() === 0 || undefined, {
			timeoutMs: 60_000,
			description: 'six Balance calls held at the venue',
		});
		// Six jobs on two workers of concurrency 5: each worker runs at least one. Their log lines may trail the calls.
		const inFlight = await pollUntil(
			() => {
				const [first, second] = queue.workers.map((worker) => startedNotFinished(worker.outputTail()));
				return first.length > 0 && first.length + second.length >= orders.length ? first : undefined;
			},
			{ timeoutMs: 30_000, description: "the workers' logs to show the six executions started" },
		);
		await queue.killWorker(0);

		// The executions the killed worker held, as n8n records them once it gives up on them.
		let lastSeen: N8nExecution[] = [];
		const lost = await pollUntil(
			async () => {
				lastSeen = await Promise.all(inFlight.map((id) => queue.api.getExecution(id)));
				return lastSeen.every((execution) => !['new', 'running'].includes(execution.status)) ? lastSeen : undefined;
			},
			{ timeoutMs: 180_000, intervalMs: 2000, description: () => `the killed worker's executions to end (now: ${statuses(lastSeen)})` },
		);
		const wanted = new Set(orders.map((order) => order.orderId));
		const others = (await queue.api.listExecutions({ workflowId: workflows.agg, includeData: true })).filter(
			(execution) => !inFlight.includes(execution.id) && orderIdsOf(execution).some((id) => wanted.has(id)),
		);
		process.stderr.write(`[queue] worker killed with executions in flight: ${statuses(lost)}; the others: ${statuses(others)}\n`);
		// Those the killed worker held are not retried: none succeeds. The rest ran on the surviving worker.
		expect(lost.map((execution) => execution.status)).not.toContain('success');
		expect(others.map((execution) => execution.status)).toEqual(others.map(() => 'success'));

		await queue.startWorker(0);
	});

	it('confirms every acceptance once from the main with Confirm Accepted Quotes, while a worker is killed mid-run', async () => {
		// Only the fast path confirms here: the workflow-path example would confirm the same quotes a second time.
		if ((await queue.api.getWorkflow(workflows.totalis)).active) await queue.api.deactivateWorkflow(workflows.totalis);
		await pollUntil(() => sim.totalis.openSockets() + sim.totalis.openStreams() === 0 || undefined, {
			timeoutMs: 60_000,
			description: () => `the Totalis example's sockets to close (${sim.totalis.openSockets()} + ${sim.totalis.openStreams()} open)`,
		});
		const { id: fastPath } = await queue.api.createWorkflow(fastConfirmHeldOnWorkers({ totalisApi: totalisCredential }));
		await queue.api.activateWorkflow(fastPath);
		await pollUntil(() => sim.totalis.openSockets() === 1 || undefined, {
			timeoutMs: 60_000,
			description: () => `the fast-path trigger's socket (${sim.totalis.openSockets()} open)`,
		});

		const confirmCalls = new Map<string, number>();
		const offCalls = sim.totalis.events.on('rest:request', ({ method, path }) => {
			const quoteId = method === 'POST' ? /\/mm\/quotes\/([^/]+)\/confirm/.exec(path)?.[1] : undefined;
			if (quoteId) confirmCalls.set(quoteId, (confirmCalls.get(quoteId) ?? 0) + 1);
		});
		const accepted: string[] = [];
		const confirmed = new Set<string>();
		const offConfirmed = sim.totalis.events.on('quote:confirmed', ({ quoteId }) => confirmed.add(quoteId));
		const victim = 1;
		try {
			// Half the acceptances before the kill: their executions are held on the workers by the Wait node.
			for (let i = 0; i < FAST_PATH_ACCEPTANCES / 2; i++) accepted.push(acceptOurQuote(sim));
			// Every one of them started (ten slots on two workers), so the victim holds all it will ever run of them.
			const inFlight = await pollUntil(
				async () => {
					const ours = async (worker: number) => {
						const ids = startedNotFinished(queue.workers[worker].outputTail());
						const runs = await Promise.all(ids.map((id) => queue.api.getExecution(id)));
						return runs.filter((run) => run.workflowId === fastPath).map((run) => run.id);
					};
					const [onVictim, onOther] = await Promise.all([ours(victim), ours(1 - victim)]);
					return onVictim.length > 0 && onVictim.length + onOther.length >= accepted.length ? onVictim : undefined;
				},
				{ timeoutMs: 60_000, intervalMs: 250, description: 'the workers to hold every execution of the first half' },
			);
			await queue.killWorker(victim);
			// The other half while the worker is dead: the main still confirms them, the surviving worker runs their executions.
			for (let i = 0; i < FAST_PATH_ACCEPTANCES / 2; i++) accepted.push(acceptOurQuote(sim));

			// The venue refuses a confirm after its deadline: every quote confirmed means every one in time.
			await pollUntil(() => accepted.every((quoteId) => confirmed.has(quoteId) && confirmCalls.has(quoteId)) || undefined, {
				timeoutMs: 60_000,
				description: () => `a confirm for each of the ${accepted.length} acceptances (${confirmed.size} confirmed)`,
			});
			expect(accepted.map((quoteId) => confirmCalls.get(quoteId))).toEqual(accepted.map(() => 1));

			// What the killed worker's executions lost: as on the workflow path, n8n fails them and does not retry them.
			let lastSeen: N8nExecution[] = [];
			const lost = await pollUntil(
				async () => {
					lastSeen = await Promise.all(inFlight.map((id) => queue.api.getExecution(id)));
					return lastSeen.every((execution) => !['new', 'running', 'waiting'].includes(execution.status)) ? lastSeen : undefined;
				},
				{ timeoutMs: 180_000, intervalMs: 2000, description: () => `the killed worker's executions to end (now: ${statuses(lastSeen)})` },
			);
			expect(lost.map((execution) => execution.status)).not.toContain('success');
			// The other executions ran on the surviving worker; each acceptance they carried reached the workflow once, confirmed.
			const settled = await pollUntil(
				async () => {
					const runs = (await queue.api.listExecutions({ workflowId: fastPath, includeData: true })).filter(
						(run) => !inFlight.includes(run.id),
					);
					if (runs.some((run) => ['new', 'running', 'waiting'].includes(run.status))) return undefined;
					const lines = runs.flatMap((run) => nodeOutputJson(run, 'Confirmation Log'));
					const lostQuotes = accepted.length - new Set(lines.map((line) => line.quote_id)).size;
					// Each lost execution carried one acceptance: they started before the trigger's cap on executions in flight filled.
					return lostQuotes <= inFlight.length ? { runs, lines, lostQuotes } : undefined;
				},
				{ timeoutMs: 120_000, intervalMs: 1000, description: 'the surviving executions to pass the workflow' },
			);
			expect(settled.runs.map((run) => run.status)).toEqual(settled.runs.map(() => 'success'));
			expect(settled.lines.every((line) => line.status === 'confirmed')).toBe(true);
			expect(new Set(settled.lines.map((line) => line.quote_id)).size).toBe(settled.lines.length);
			process.stderr.write(
				`[queue] fast path, worker killed mid-run: ${accepted.length}/${accepted.length} acceptances confirmed once by the main; ` +
					`the killed worker's executions: ${statuses(lost)}, their ${settled.lostQuotes} acceptances never reached Confirmation Log\n`,
			);
		} finally {
			offCalls();
			offConfirmed();
		}
		// The last test: afterAll stops the main and the surviving worker, so the killed one is not started again.
	});
});

/** Acceptances of the fast-path test: well under the example's 120 confirms a minute. */
const FAST_PATH_ACCEPTANCES = 20;
/** How long the Wait node holds each fast-path execution on its worker: long enough to be killed in (n8n waits in the process below 65 s). */
const HELD_ON_WORKER_SECONDS = 45;

/**
 * The fast-confirm example's Quote Accepted → Confirmation Log, with a Wait node between that
 * holds each execution on its worker (n8n waits in the process for less than 65 s).
 */
function fastConfirmHeldOnWorkers(credentials: Record<string, N8nCredential>): WorkflowInput {
	const base = subWorkflow(loadExample('totalis-market-making-fast-confirm.json', credentials), 'fast confirm, worker killed', [
		'Quote Accepted',
		'Confirmation Log',
	]);
	const wait = {
		name: 'Held on Worker',
		type: 'n8n-nodes-base.wait',
		typeVersion: 1.1,
		position: [120, 240] as [number, number],
		parameters: { resume: 'timeInterval', amount: HELD_ON_WORKER_SECONDS, unit: 'seconds' },
	};
	const link = (node: string) => ({ main: [[{ node, type: 'main', index: 0 }]] });
	return {
		...base,
		nodes: [...base.nodes, wait],
		connections: { 'Quote Accepted': link('Held on Worker'), 'Held on Worker': link('Confirmation Log') },
	};
}

/** Accepts a fresh quote of our market maker, placed straight in the simulated market; returns its id. */
function acceptOurQuote(sim: VenueSimulator): string {
	const { totalis } = sim;
	const request = totalis.createQuoteRequest();
	const quote = totalis.addOurQuote(request.id, { payoutOdds: 3, expiresInMs: 60_000 });
	return totalis.acceptQuote(quote.id, { settlement: 'win' }).quoteId;
}

/** The agg.market order ids an execution of the example carried (several when backpressure joined events). */
function orderIdsOf(execution: N8nExecution): string[] {
	return nodeOutputJson(execution, 'Order Results')
		.map((json) => (json.data as { orderId?: string } | undefined)?.orderId)
		.filter((id): id is string => typeof id === 'string');
}

function statuses(executions: N8nExecution[]): string {
	return executions.map((execution) => `${execution.id} ${execution.status}`).join(', ') || 'none';
}

/**
 * `match`, once the execution has finished: a worker saves each node's output while the execution
 * still runs, so an execution can show its last node's items while its status is 'running'.
 */
function finishedAnd(match: (execution: N8nExecution) => boolean): (execution: N8nExecution) => boolean {
	return (execution) => !['new', 'running'].includes(execution.status) && match(execution);
}

/** Execution ids a worker's log says it started and has not finished. */
function startedNotFinished(log: string): string[] {
	const started = [...log.matchAll(/Worker started execution (\d+) /g)].map((match) => match[1]);
	const finished = new Set([...log.matchAll(/Worker finished execution (\d+) /g)].map((match) => match[1]));
	return started.filter((id) => !finished.has(id));
}
