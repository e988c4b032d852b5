/**
 * One flood run: the venue sends events at a fixed rate for a while to one Totalis Trigger in
 * n8n, and the bench samples, every second, what came out of n8n (executions and items counted
 * at the end of the workflow), n8n's main process memory, and whether n8n's API still answers.
 * A run that takes n8n's memory past a safety limit is stopped early, so the bench never takes
 * the machine down; n8n is then restarted for the next run.
 */
import type { VenueSimulator } from 'trading-venues-simulator';

import type { ExecutionCounter } from './counter';
import type { N8nUnderBench } from './instance';
import { cpuMs, rssMb } from './processStats';
import { publishAtRate } from './publisher';
import { floodWorkflow, type DeliveryChoice, type Saving } from './workflows';

export interface FloodPlan {
	ratePerSecond: number;
	seconds: number;
	delivery: DeliveryChoice;
	saving: Saving;
	/** After sending, how long to wait for n8n to finish what it holds. */
	drainSeconds: number;
	/** Stop sending once n8n's main process holds more than this. */
	rssLimitMb: number;
}

export interface FloodResult {
	plan: FloodPlan;
	sent: number;
	/** Seconds the venue actually sent (less than planned when stopped early). */
	sentSeconds: number;
	/** Counted while sending: executions and items per second n8n completed. */
	executionsPerSecond: number;
	itemsPerSecond: number;
	/** Events sent but not yet out of n8n when sending ended (waiting in the trigger, queued in n8n, or dropped). */
	backlogAtEnd: number;
	/** Items out of n8n once drained (or the drain timed out). */
	itemsAfterDrain: number;
	/** sent − itemsAfterDrain: dropped by the trigger's bound, or still stuck in n8n. */
	missing: number;
	rssStartMb: number;
	rssPeakMb: number;
	rssEndMb: number;
	/** Mean RSS over the last third of the sending time against the middle third: near 1 is flat. */
	rssGrowth: number;
	/** n8n main's CPU per finished execution while sending, in ms. */
	cpuMsPerExecution: number;
	apiProbes: number;
	apiFailures: number;
	/** Why the run was cut short, if it was. */
	stoppedBecause?: string;
	/** n8n could not deactivate the workflow, or stopped answering: it was restarted after the run. */
	restarted: boolean;
}

let runCounter = 0;

export async function runFlood(n8n: N8nUnderBench, sim: VenueSimulator, counter: ExecutionCounter, plan: FloodPlan): Promise<FloodResult> {
	const { delivery } = plan;
	const label = `flood ${plan.ratePerSecond}/s ${delivery.mode} cap ${delivery.maxInFlight}`;
	const workflow = await n8n.api.createWorkflow(floodWorkflow(label, n8n.credential, sim.totalis.mmId, counter.url, plan.saving, delivery));
	await n8n.activate(workflow.id);
	counter.reset();

	const pid = n8n.pid;
	const rssStartMb = rssMb(pid);
	const cpuStart = cpuMs(pid);
	const samples: number[] = [];
	let rssPeakMb = rssStartMb;
	let apiProbes = 0;
	let apiFailures = 0;
	let probing: Promise<void> | undefined;
	let stoppedBecause: string | undefined;

	const started = performance.now();
	const publisher = publishAtRate(sim, plan.ratePerSecond, plan.seconds, `b${++runCounter}`);
	const sampler = setInterval(() => {
		const rss = rssMb(pid);
		samples.push(rss);
		if (rss > rssPeakMb) rssPeakMb = rss;
		if (rss > plan.rssLimitMb && !stoppedBecause) {
			stoppedBecause = `n8n's RSS passed ${plan.rssLimitMb} MB after ${((performance.now() - started) / 1000).toFixed(1)} s`;
			publisher.stop();
		}
		// One probe at a time: a hanging API counts once, not once per second.
		probing ??= n8n.answers(workflow.id).then((ok) => {
			apiProbes++;
			if (!ok) apiFailures++;
			probing = undefined;
		});
	}, 1000);
	await publisher.finished;
	const sentSeconds = (performance.now() - started) / 1000;
	const sent = publisher.sent();
	const atEnd = counter.read();
	const cpuSpent = cpuMs(pid) - cpuStart;
	clearInterval(sampler);
	await probing;

	const itemsAfterDrain = stoppedBecause ? counter.read().items : await drain(counter, sent, plan.drainSeconds);
	const rssEndMb = rssMb(pid);
	const answering = await n8n.answers(workflow.id);
	if (!answering) apiFailures++;
	const deactivated = answering && (await n8n.deactivate(workflow.id, 30_000));
	const restarted = !deactivated || Boolean(stoppedBecause);
	if (restarted) await n8n.restart();

	return {
		plan,
		sent,
		sentSeconds,
		executionsPerSecond: atEnd.executions / sentSeconds,
		itemsPerSecond: atEnd.items / sentSeconds,
		backlogAtEnd: sent - atEnd.items,
		itemsAfterDrain,
		missing: sent - itemsAfterDrain,
		rssStartMb,
		rssPeakMb: Math.max(rssPeakMb, rssEndMb || 0),
		rssEndMb,
		rssGrowth: growth(samples),
		cpuMsPerExecution: atEnd.executions > 0 ? cpuSpent / atEnd.executions : NaN,
		apiProbes: apiProbes + 1,
		apiFailures,
		stoppedBecause,
		restarted,
	};
}

/** Waits until every sent item came out, or nothing more came out for a few seconds, or the time is up. */
async function drain(counter: ExecutionCounter, sent: number, seconds: number): Promise<number> {
	const deadline = performance.now() + seconds * 1000;
	let last = counter.read().items;
	let stillSince = performance.now();
	while (performance.now() < deadline) {
		const items = counter.read().items;
		if (items >= sent) return items;
		if (items !== last) {
			last = items;
			stillSince = performance.now();
		} else if (performance.now() - stillSince > 5000) break;
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
	return counter.read().items;
}

function growth(samples: number[]): number {
	const third = Math.floor(samples.length / 3);
	if (third === 0) return NaN;
	const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
	return mean(samples.slice(2 * third)) / mean(samples.slice(third, 2 * third));
}
