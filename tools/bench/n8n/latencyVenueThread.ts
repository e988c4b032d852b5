/**
 * The latency venue's thread (latencyVenue.ts): a simulator of its own that accepts quotes at a
 * steady rate and stamps each confirm, on an event loop nothing else in the bench shares.
 */
import { parentPort, workerData } from 'node:worker_threads';

import { startSimulator, type VenueSimulator } from 'trading-venues-simulator';

import { threadCpuWaitMs } from '../../../nodes/Totalis/stream/confirmTrace';
import { measureConfirmLatency } from '../../e2e/latency';
import { LATENCY_VENUE_OPTIONS, type FromVenueThread, type ToVenueThread } from './latencyVenue';

/** This thread's own wait for a CPU, read at each confirm where the bench asked: the venue's share of a slow one. */
const venueCpuWait = (workerData as { measureCpuWaits?: boolean } | null)?.measureCpuWaits ? threadCpuWaitMs : undefined;

/** Confirms the venue takes from itself before the bench starts: a venue in production is a warm server. */
const VENUE_WARM_UP_CONFIRMS = 20;

/**
 * Runs the venue's confirm path a few times (an acceptance, then the confirm call over loopback
 * HTTP, as a market maker sends it), so that the first confirms measured do not pay the
 * simulator's first runs of its HTTP server and market code: those are the stand-in venue's cold
 * start, not the trigger's. No trigger is connected yet; the trigger's own first confirm still counts.
 */
async function warmUpVenue(sim: VenueSimulator) {
	const { totalis } = sim;
	for (let i = 0; i < VENUE_WARM_UP_CONFIRMS; i++) {
		const request = totalis.createQuoteRequest();
		const quote = totalis.addOurQuote(request.id, { payoutOdds: 3, expiresInMs: 60_000 });
		const { quoteId } = totalis.acceptQuote(quote.id, { settlement: 'win' });
		const answer = await fetch(`${totalis.restUrl}/mm/quotes/${encodeURIComponent(quoteId)}/confirm`, {
			method: 'POST',
			headers: { 'X-API-Key': totalis.apiKey, 'Content-Type': 'application/json', Accept: 'application/json' },
			body: '{}',
			signal: AbortSignal.timeout(10_000),
		});
		await answer.text();
		if (!answer.ok) throw new Error(`the venue's warm-up confirm answered ${answer.status}`);
	}
}

async function serve() {
	const port = parentPort;
	if (!port) throw new Error('latencyVenueThread runs only in a worker thread');
	const post = (message: FromVenueThread) => port.postMessage(message);
	const sim = await startSimulator(LATENCY_VENUE_OPTIONS);
	await warmUpVenue(sim);
	const { totalis } = sim;
	port.on('message', (message: ToVenueThread) => {
		if (message.type === 'measure') {
			measureConfirmLatency(sim, message.count, message.perSecond, { ...message.options, venueCpuWait }).then(
				(summary) => post({ type: 'measured', summary }),
				(error: unknown) => post({ type: 'failed', message: String(error) }),
			);
		} else {
			void sim.close().finally(() => {
				post({ type: 'closed' });
				port.close();
			});
		}
	});
	post({ type: 'ready', credentials: { apiKey: totalis.apiKey, baseUrl: totalis.restUrl, wsUrl: totalis.wsUrl } });
}

serve().catch((error: unknown) => parentPort?.postMessage({ type: 'failed', message: String(error) } satisfies FromVenueThread));
