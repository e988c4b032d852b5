/**
 * The figure a market maker cares about: from the venue sending `quote:accepted` to the venue
 * receiving the confirm call, through a real n8n workflow. The simulator stamps both ends
 * (`confirmLatencyMs`), so n8n's clock and the network stack are inside the figure.
 */
import type { ConfirmStamps, VenueSimulator } from 'trading-venues-simulator';

/**
 * Where one confirm's time went, in ms, on a clock shared by the simulator and n8n's threads:
 * the venue sending the acceptance → the trigger's confirmer reading it (`toTrigger`) → the
 * confirm handed to node:http (`inTrigger`) → the venue reading the request (`toVenue`) → the
 * confirm done (`atVenue`). The trigger's two stamps exist only for the fast path with its
 * stamps on (ConfirmTraces); without them `toVenue` runs from the acceptance.
 */
export interface ConfirmBreakdown {
	/** Of the whole, how long the fast path's worker thread was in garbage collection (where it wrote its pauses). */
	workerGc?: number;
	/** Which kinds of GC those were. */
	workerGcKinds?: string[];
	/**
	 * How long the worker thread was ready to run but waited for a CPU since its previous confirm
	 * (Linux's run-queue wait, where the fast path wrote it): at most, and usually all of, its wait
	 * between the acceptance arriving and `toTrigger`'s end.
	 */
	workerWaitedForCpu?: number;
	/** How long the venue's thread waited for a CPU since its previous confirm (where the venue measured it). */
	venueWaitedForCpu?: number;
	toTrigger?: number;
	inTrigger?: number;
	toVenue?: number;
	atVenue?: number;
}

/** The trigger's own stamps of a quote's confirm (ms since the epoch), when it wrote them. */
export type TriggerStamps = (quoteId: string) => TriggerStampsOfQuote | undefined;

/** `read` and `sent` in ms since the epoch; `waited` the worker's run-queue wait before it, in ms. */
export interface TriggerStampsOfQuote {
	read?: number;
	sent?: number;
	waited?: number;
}

/** How long the trigger's worker thread spent in GC between two instants (ms since the epoch). */
export type WorkerGc = (from: number, to: number) => { ms: number; kinds: string[] };

/** The trigger's worker thread's GC pauses over a whole run, per kind (where it wrote them). */
export type WorkerGcPauses = Array<{ kind: string; count: number; totalMs: number; maxMs: number }>;

export interface SlowConfirm {
	place: number;
	ms: number;
	quoteId: string;
	/** The simulator's stamps (ms since the epoch). */
	stamps: ConfirmStamps;
	/** Where its time went (`withBreakdown`). */
	breakdown?: ConfirmBreakdown;
	/** The venue thread's wait for a CPU since its previous confirm, ms (`LatencyOptions.venueCpuWait`). */
	venueWaitedForCpu?: number;
}

export interface LatencySummary {
	acceptances: number;
	confirmed: number;
	expired: number;
	medianMs: number;
	p99Ms: number;
	maxMs: number;
	/** The five slowest confirms with their place in the run (0 = the first acceptance counted): a cold start shows as low places. */
	slowest: SlowConfirm[];
	/** The first confirm counted (place 0), whatever its rank: the cold start of the path itself. */
	first?: SlowConfirm;
	/** The same confirms to the venue's confirm done (its own work included), where it stamped both ends. */
	toConfirmDone?: { medianMs: number; p99Ms: number; maxMs: number };
	/** The warm-up acceptances sent first and not counted above, in order (undefined: expired). */
	coldStartMs?: Array<number | undefined>;
	/** The fast path's worker thread's GC pauses during the run, per kind (the fast path with its stamps on). */
	workerGcPauses?: WorkerGcPauses;
}

export interface LatencyOptions {
	/** Acceptances sent first, at the same rate, whose latency is reported apart as the cold start. */
	warmUp?: number;
	/**
	 * How long the venue's thread has waited for a CPU so far, ms (undefined where unknown): read at
	 * each confirm, so that each slow confirm says how much of it the venue spent waiting to run.
	 */
	venueCpuWait?: () => number | undefined;
}

/** Milliseconds to the hundredth, as every figure here is printed. */
const toHundredths = (ms: number) => Math.round(ms * 100) / 100;

/**
 * Accepted → confirm received, in ms: from the acceptance frame handed to the venue's sockets to
 * the confirm request reaching the venue, on the simulator's µs clock. The venue's own work on
 * the confirm after that is not ours, and `quote:confirmed.latencyMs` (to the confirm done, on the
 * market's ms clock, so up to a millisecond off either way) stands in only where a stamp is missing.
 */
export function confirmLatencyMs(latencyMs: number, stamps: ConfirmStamps): number {
	if (stamps.confirmArrived === undefined) return latencyMs;
	return toHundredths(stamps.confirmArrived - stamps.acceptanceSent);
}

export function percentile(sorted: number[], p: number): number {
	if (sorted.length === 0) return NaN;
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** The breakdown of one confirm from the simulator's stamps and, when there, the trigger's. */
export function breakdownOf(stamps: ConfirmStamps, trigger: TriggerStampsOfQuote | undefined): ConfirmBreakdown {
	const breakdown: ConfirmBreakdown = {};
	const arrived = stamps.confirmArrived;
	if (trigger?.read !== undefined) breakdown.toTrigger = toHundredths(trigger.read - stamps.acceptanceSent);
	if (trigger?.read !== undefined && trigger.sent !== undefined) breakdown.inTrigger = toHundredths(trigger.sent - trigger.read);
	if (trigger?.waited !== undefined) breakdown.workerWaitedForCpu = toHundredths(trigger.waited);
	if (arrived !== undefined) {
		breakdown.toVenue = toHundredths(arrived - (trigger?.sent ?? stamps.acceptanceSent));
		breakdown.atVenue = toHundredths(stamps.confirmed - arrived);
	}
	return breakdown;
}

/** The summary with the breakdown of each of its slowest confirms, the trigger's stamps included where it wrote them. */
export function withBreakdown(summary: LatencySummary, triggerStamps?: TriggerStamps, workerGc?: WorkerGc): LatencySummary {
	const explained = (slow: SlowConfirm): SlowConfirm => {
		const trigger = triggerStamps?.(slow.quoteId);
		const breakdown = breakdownOf(slow.stamps, trigger);
		if (slow.venueWaitedForCpu !== undefined) breakdown.venueWaitedForCpu = slow.venueWaitedForCpu;
		if (trigger && workerGc) {
			const gc = workerGc(slow.stamps.acceptanceSent, slow.stamps.confirmed);
			breakdown.workerGc = toHundredths(gc.ms);
			if (gc.kinds.length > 0) breakdown.workerGcKinds = gc.kinds;
		}
		return { ...slow, breakdown };
	};
	return { ...summary, slowest: summary.slowest.map(explained), ...(summary.first ? { first: explained(summary.first) } : {}) };
}

/**
 * Accepts `warmUp` then `count` quotes of our market maker at a steady `perSecond` rate and waits
 * until each was confirmed or expired. Quotes are placed straight in the simulated market: only
 * the acceptance → confirm path goes through n8n.
 */
export async function measureConfirmLatency(
	sim: VenueSimulator,
	count: number,
	perSecond: number,
	{ warmUp = 0, venueCpuWait }: LatencyOptions = {},
): Promise<LatencySummary> {
	const { totalis } = sim;
	const total = warmUp + count;
	const latencies: number[] = [];
	const toDone: number[] = [];
	const counted: SlowConfirm[] = [];
	const coldStartMs: Array<number | undefined> = Array.from({ length: warmUp }, () => undefined);
	let expired = 0;
	/** Each quote's index in the run: below warmUp, a warm-up acceptance. */
	const ours = new Map<string, number>();
	let settled = 0;
	let allDone: () => void = () => {};
	const done = new Promise<void>((resolve) => (allDone = resolve));
	const settle = () => {
		settled++;
		if (settled === total) allDone();
	};
	let venueWaitedSoFar = venueCpuWait?.();
	const offConfirmed = totalis.events.on('quote:confirmed', ({ quoteId, latencyMs: doneMs, stamps }) => {
		const index = ours.get(quoteId);
		if (index === undefined) return;
		const venueWaitedNow = venueCpuWait?.();
		const venueWaitedForCpu =
			venueWaitedNow !== undefined && venueWaitedSoFar !== undefined ? toHundredths(venueWaitedNow - venueWaitedSoFar) : undefined;
		venueWaitedSoFar = venueWaitedNow;
		ours.delete(quoteId);
		const latencyMs = confirmLatencyMs(doneMs, stamps);
		if (index < warmUp) coldStartMs[index] = latencyMs;
		else {
			latencies.push(latencyMs);
			if (stamps.confirmArrived !== undefined) toDone.push(stamps.confirmed - stamps.acceptanceSent);
			counted.push({
				place: index - warmUp,
				ms: latencyMs,
				quoteId,
				stamps,
				...(venueWaitedForCpu !== undefined ? { venueWaitedForCpu } : {}),
			});
		}
		settle();
	});
	const offExpired = totalis.events.on('ws:event', ({ type, data }) => {
		if (type !== 'quote:expired') return;
		const index = ours.get(String((data as { quote_id?: string }).quote_id));
		if (index === undefined) return;
		ours.delete(String((data as { quote_id?: string }).quote_id));
		if (index >= warmUp) expired++;
		settle();
	});
	try {
		for (let i = 0; i < total; i++) {
			const request = totalis.createQuoteRequest();
			const quote = totalis.addOurQuote(request.id, { payoutOdds: 3, expiresInMs: 60_000 });
			ours.set(totalis.acceptQuote(quote.id, { settlement: 'win' }).quoteId, i);
			await new Promise((resolve) => setTimeout(resolve, 1000 / perSecond));
		}
		await done;
	} finally {
		offConfirmed();
		offExpired();
	}
	const sorted = [...latencies].sort((a, b) => a - b);
	const sortedToDone = toDone.sort((a, b) => a - b);
	const first = counted.find(({ place }) => place === 0);
	const slowest = counted.sort((a, b) => b.ms - a.ms).slice(0, 5);
	return {
		acceptances: count,
		confirmed: latencies.length,
		expired,
		medianMs: percentile(sorted, 50),
		p99Ms: percentile(sorted, 99),
		maxMs: sorted[sorted.length - 1] ?? NaN,
		slowest,
		...(first ? { first } : {}),
		...(sortedToDone.length > 0
			? {
					toConfirmDone: {
						medianMs: percentile(sortedToDone, 50),
						p99Ms: percentile(sortedToDone, 99),
						maxMs: sortedToDone[sortedToDone.length - 1],
					},
				}
			: {}),
		...(warmUp > 0 ? { coldStartMs } : {}),
	};
}
