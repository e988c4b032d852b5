/**
 * OpenMarkets inside a real n8n 2.x: the example workflow (NBA line moves; game state → contest
 * → score line) with a credential pointing at the simulated OpenMarkets, in its non-default
 * dialect `variant` (the contest list ignores the start window, contests carry `start_time`,
 * `GET /contests/{id}` answers 404, the score is `score: {home, away}`). Two triggers on one key
 * hold two of its three connections; moves and state changes come back as n8n executions.
 */
import { nodeOutputJson, startN8nWithPackage, waitForExecution, type N8nWithPackage } from '../../tools/e2e';
import { loadExample, OPENMARKETS_CREDENTIAL_NAME } from '../../tools/e2e/examples';
import { simulatorCredentials } from '../../tools/harness/simulatorCredentials';
import { startSimulator, type VenueSimulator } from 'trading-venues-simulator';

describe('OpenMarkets in a real n8n', () => {
	let sim: VenueSimulator;
	let n8n: N8nWithPackage;
	let workflowId: string;
	let contestId: string;

	beforeAll(async () => {
		sim = await startSimulator({ openmarkets: { contests: 0, dialect: 'variant' } });
		n8n = await startN8nWithPackage();
	});

	afterAll(async () => {
		await n8n?.stop();
		await sim?.close();
	});

	it('reports a line move and a score change of a followed contest, each as an execution', async () => {
		[{ id: contestId }] = sim.openmarkets.addContests(2, { league_id: 'lg_nba', startsInMs: 3600_000 });
		// Two days ahead: the venue lists it whatever the window; the rule must leave it out.
		const later = sim.openmarkets.addContest({ league_id: 'lg_nba', starts_at: new Date(Date.now() + 48 * 3600_000).toISOString() });
		const credential = await n8n.api.createCredential({
			name: OPENMARKETS_CREDENTIAL_NAME,
			type: 'openMarketsApi',
			data: simulatorCredentials(sim).openMarketsApi,
		});
		const workflow = await n8n.api.createWorkflow(loadExample('openmarkets-line-moves.json', { openMarketsApi: credential }));
		workflowId = workflow.id;
		await n8n.api.activateWorkflow(workflowId);
		expect(sim.openmarkets.connectionCount()).toBe(2);

		const booked = await waitForExecution(n8n.api, {
			workflowId,
			matches: (execution) => nodeOutputJson(execution, 'Line Moves').filter((json) => json.kind === 'book').length === 2,
		});
		expect(nodeOutputJson(booked, 'Line Moves')[0]).toMatchObject({ kind: 'book', reason: 'subscribed' });
		const followed = sim.openmarkets.subscriptions().flatMap((socket) => [...socket.liquidity, ...socket.contest_state]);
		expect(followed).toContain(contestId);
		expect(followed).not.toContain(later.id);

		const liquidity = sim.openmarkets.liquidity(contestId).positions[0].partner_liquidities[0];
		const price = Number((liquidity.price + 0.03).toFixed(2));
		sim.openmarkets.moveLiquidity(contestId, [{ liquidity_hash: liquidity.liquidity_hash, price }]);
		const moved = await waitForExecution(n8n.api, {
			workflowId,
			matches: (execution) => nodeOutputJson(execution, 'Line Moves').some((json) => json.kind === 'move'),
		});
		expect(nodeOutputJson(moved, 'Line Moves')[0]).toMatchObject({
			contest: contestId,
			partner: liquidity.partner_id,
			price,
			priceMove: 0.03,
		});

		sim.openmarkets.setContestStatus(contestId, 'live', { home_score: 12, away_score: 9, period: 'Q1' });
		const scored = await waitForExecution(n8n.api, {
			workflowId,
			matches: (execution) => nodeOutputJson(execution, 'Score Line').some((json) => json.contest === contestId),
		});
		expect(nodeOutputJson(scored, 'Score Line')[0]).toMatchObject({
			title: sim.openmarkets.contest(contestId).title,
			status: 'live',
			score: '12-9',
			period: 'Q1',
		});
	});

	it('closes both connections when the workflow is deactivated', async () => {
		const closed = new Promise<void>((resolve) => {
			let count = 0;
			sim.openmarkets.events.on('ws:closed', () => ++count === 2 && resolve());
		});
		await n8n.api.deactivateWorkflow(workflowId);
		await closed;
		expect(sim.openmarkets.connectionCount()).toBe(0);
	});

	it('runs Contest → Watch inside a workflow: books first, then the updates, and the socket closed', async () => {
		const credential = await n8n.api.createCredential({
			name: `${OPENMARKETS_CREDENTIAL_NAME} (watch)`,
			type: 'openMarketsApi',
			data: simulatorCredentials(sim).openMarketsApi,
		});
		const workflow = await n8n.api.createWorkflow({
			name: 'OpenMarkets watch',
			nodes: [
				{ id: 'w1', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
				{
					id: 'w2',
					name: 'Watch',
					type: 'n8n-nodes-trading-venues.openMarkets',
					typeVersion: 1,
					position: [240, 0],
					parameters: {
						resource: 'contest',
						operation: 'watch',
						contestIds: contestId,
						channels: ['liquidity'],
						maxDurationSeconds: 20,
						maxUpdates: 2,
					},
					credentials: { openMarketsApi: { id: credential.id, name: credential.name } },
				},
			],
			connections: { Start: { main: [[{ node: 'Watch', type: 'main', index: 0 }]] } },
		});
		const subscribed = sim.openmarkets.waitFor('ws:subscribe', undefined, 30_000);
		const started = await n8n.api.runManual(workflow.id, 'Start');
		await subscribed;
		const closed = sim.openmarkets.waitFor('ws:closed', undefined, 30_000);
		const sent = [sim.openmarkets.moveLiquidity(contestId), sim.openmarkets.moveLiquidity(contestId)];
		const execution = await waitForExecution(n8n.api, {
			workflowId: workflow.id,
			matches: (candidate) => candidate.id === started.executionId && candidate.status === 'success',
		});
		await closed;
		const items = nodeOutputJson(execution, 'Watch');
		expect(items[0]).toMatchObject({ event: 'liquidity.snapshot', snapshot: true, data: { contest_id: contestId } });
		const updates = items.filter((item) => item.event === 'liquidity.update');
		expect(updates).toHaveLength(2);
		expect(updates.map((item) => (item.data as { liquidity_hash: string }).liquidity_hash)).toEqual(
			sent.flatMap((message) => message.changed_entries.map((entry) => entry.liquidity_hash)).slice(0, 2),
		);
		expect(sim.openmarkets.connectionCount()).toBe(0);
	});
});
