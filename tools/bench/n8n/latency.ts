/**
 * Accepted → confirm received at the venue, through n8n: the simulator stamps both ends
 * (tools/e2e/latency.ts). Each column is its own workflow, activated alone, fed the same steady
 * stream of acceptances.
 */
import type { VenueSimulator } from 'trading-venues-simulator';

import { measureConfirmLatency, type LatencySummary } from '../../e2e/latency';
import { withTimeout } from '../stats';
import type { N8nUnderBench } from './instance';
import { confirmWorkflow, fastPathWorkflow, type Saving } from './workflows';

export type LatencyColumn = 'fast path' | 'per event' | 'batched';

export const LATENCY_COLUMNS: readonly LatencyColumn[] = ['fast path', 'per event', 'batched'];

/** The e2e suite's batch: a market maker cannot wait long for a window. */
export const LATENCY_BATCH = { batchWindowMs: 200, batchMaxItems: 20 };

export async function runLatency(
	n8n: N8nUnderBench,
	sim: VenueSimulator,
	column: LatencyColumn,
	plan: { acceptances: number; perSecond: number; saving: Saving; maxInFlight: number },
): Promise<LatencySummary> {
	const name = `latency: ${column}`;
	const input =
		column === 'fast path'
			? fastPathWorkflow(name, n8n.credential, plan.saving)
			: confirmWorkflow(name, n8n.credential, plan.saving, {
					mode: column === 'per event' ? 'each' : 'batch',
					maxInFlight: plan.maxInFlight,
					...LATENCY_BATCH,
				});
	const workflow = await n8n.api.createWorkflow(input);
	await n8n.activate(workflow.id);
	try {
		// Every acceptance ends confirmed or expired (the venue's deadline is seconds away): a run that does neither is broken.
		const budgetMs = (plan.acceptances / plan.perSecond) * 1000 + 120_000;
		return await withTimeout(measureConfirmLatency(sim, plan.acceptances, plan.perSecond), budgetMs, name);
	} finally {
		if (!(await n8n.deactivate(workflow.id))) await n8n.restart();
	}
}
