/**
 * The figure a market maker cares about: from the venue sending `quote:accepted` to the venue
 * receiving the confirm call, through a real n8n workflow. The simulator measures both ends
 * (`quote:confirmed.latencyMs`), so n8n's clock and the network stack are inside the figure.
 */
import type { VenueSimulator } from 'trading-venues-simulator';

export interface LatencySummary {
	acceptances: number;
	confirmed: number;
	expired: number;
	medianMs: number;
	p99Ms: number;
	maxMs: number;
	/** The five slowest confirms with their place in the run (0 = the first acceptance): a cold start shows as low places. */
	slowest: Array<{ place: number; ms: number }>;
}

export function percentile(sorted: number[], p: number): number {
	if (sorted.length === 0) return NaN;
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * Accepts `count` quotes of our market maker at a steady `perSecond` rate and waits until each
 * was confirmed or expired. Quotes are placed straight in the simulated market: only the
 * acceptance → confirm path goes through n8n.
 */
export async function measureConfirmLatency(sim: VenueSimulator, count: number, perSecond: number): Promise<LatencySummary> {
	const { totalis } = sim;
	const latencies: number[] = [];
	const slowest: Array<{ place: number; ms: number }> = [];
	let expired = 0;
	const ours = new Map<string, number>();
	let settled = 0;
	let allDone: () => void = () => {};
	const done = new Promise<void>((resolve) => (allDone = resolve));
	const settle = () => {
		settled++;
		if (settled === count) allDone();
	};
	const offConfirmed = totalis.events.on('quote:confirmed', ({ quoteId, latencyMs }) => {
		const place = ours.get(quoteId);
		if (place === undefined) return;
		ours.delete(quoteId);
		latencies.push(latencyMs);
		slowest.push({ place, ms: latencyMs });
		settle();
	});
	const offExpired = totalis.events.on('ws:event', ({ type, data }) => {
		if (type !== 'quote:expired' || !ours.delete(String((data as { quote_id?: string }).quote_id))) return;
		expired++;
		settle();
	});
	try {
		for (let i = 0; i < count; i++) {
			const request = totalis.createQuoteRequest();
			const submitted = totalis.market.submitQuote(totalis.mmId, request.id, {
				request_version: request.version,
				request_hash: request.request_hash,
				payout_odds: 3,
				expires_in_ms: 60_000,
			});
			ours.set(totalis.acceptQuote(submitted.quote.id, { settlement: 'win' }).quoteId, i);
			await new Promise((resolve) => setTimeout(resolve, 1000 / perSecond));
		}
		await done;
	} finally {
		offConfirmed();
		offExpired();
	}
	const sorted = [...latencies].sort((a, b) => a - b);
	return {
		acceptances: count,
		confirmed: latencies.length,
		expired,
		medianMs: percentile(sorted, 50),
		p99Ms: percentile(sorted, 99),
		maxMs: sorted[sorted.length - 1] ?? NaN,
		slowest: slowest.sort((a, b) => b.ms - a.ms).slice(0, 5),
	};
}
