/**
 * Accepted → confirm received at the venue, through n8n: the simulator stamps both ends
 * (tools/e2e/latency.ts), and the fast path its own two steps (confirmTraces.ts). Each column is
 * its own workflow, activated alone, fed the same steady stream of acceptances from the venue
 * (latencyVenue.ts: in a thread of its own for `npm run bench:n8n`).
 */
import { withBreakdown, type LatencySummary } from '../../e2e/latency';
import { withTimeout } from '../stats';
import type { N8nUnderBench } from './instance';
import { MEASURE_CPU_WAITS } from './confirmTraces';
import type { LatencyVenue } from './latencyVenue';
import { startWakeProbe, type WakeUpLateness } from './wakeProbe';
import { confirmWorkflow, fastPathWorkflow, type Saving } from './workflows';

export type LatencyColumn = 'fast path' | 'per event' | 'batched';

export const LATENCY_COLUMNS: readonly LatencyColumn[] = ['fast path', 'per event', 'batched'];

/**
 * Acceptances sent first after activating a workflow whose confirm goes through n8n's executions,
 * and not counted: n8n's first runs of a newly activated workflow (its cold start), printed apart.
 * The fast path's first confirm is ours, and counts.
 */
export const LATENCY_WARM_UP = 5;

/** The e2e suite's batch: a market maker cannot wait long for a window. */
export const LATENCY_BATCH = { batchWindowMs: 200, batchMaxItems: 20 };

export interface LatencyRun {
	summary: LatencySummary;
	/** How late the machine woke a sleeping thread while the acceptances ran (wakeProbe.ts), with BENCH_N8N_CPU_WAITS=1. */
	wakeUps?: WakeUpLateness;
}

export async function runLatency(
	n8n: N8nUnderBench,
	venue: LatencyVenue,
	column: LatencyColumn,
	plan: { acceptances: number; perSecond: number; saving: Saving; maxInFlight: number },
): Promise<LatencyRun> {
	const name = `latency: ${column}`;
	// A credential for this venue, made for each run: a restarted n8n has a new database.
	const created = await n8n.api.createCredential({ name: `Totalis (${name})`, type: 'totalisApi', data: { ...venue.credentials } });
	const credential = { id: created.id, name: created.name };
	const input =
		column === 'fast path'
			? fastPathWorkflow(name, credential, plan.saving)
			: confirmWorkflow(name, credential, plan.saving, {
					mode: column === 'per event' ? 'each' : 'batch',
					maxInFlight: plan.maxInFlight,
					...LATENCY_BATCH,
				});
	const workflow = await n8n.api.createWorkflow(input);
	await n8n.activate(workflow.id);
	try {
		n8n.confirmTraces?.clear();
		const warmUp = column === 'fast path' ? 0 : LATENCY_WARM_UP;
		// Every acceptance ends confirmed or expired (the venue's deadline is seconds away): a run that does neither is broken.
		const budgetMs = ((plan.acceptances + warmUp) / plan.perSecond) * 1000 + 120_000;
		const probe = MEASURE_CPU_WAITS ? startWakeProbe() : undefined;
		let summary: LatencySummary;
		let wakeUps: WakeUpLateness | undefined;
		try {
			summary = await withTimeout(venue.measure(plan.acceptances, plan.perSecond, { warmUp }), budgetMs, name);
		} finally {
			// Whatever the measure's outcome: the probe's thread would keep the bench alive.
			wakeUps = await probe?.stop();
		}
		const explained = withBreakdown(summary, n8n.confirmTraces?.stampsOf, n8n.confirmTraces?.gcBetween);
		// Only the fast path has a worker thread that writes its pauses.
		const pauses = column === 'fast path' ? n8n.confirmTraces?.gcPauses() : undefined;
		return { summary: pauses ? { ...explained, workerGcPauses: pauses } : explained, wakeUps };
	} finally {
		if (!(await n8n.deactivate(workflow.id))) await n8n.restart();
	}
}
