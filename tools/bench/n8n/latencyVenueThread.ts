/**
 * The latency venue's thread (latencyVenue.ts): a simulator of its own that accepts quotes at a
 * steady rate and stamps each confirm, on an event loop nothing else in the bench shares.
 */
import { parentPort } from 'node:worker_threads';

import { startSimulator } from 'trading-venues-simulator';

import { measureConfirmLatency } from '../../e2e/latency';
import { LATENCY_VENUE_OPTIONS, type FromVenueThread, type ToVenueThread } from './latencyVenue';

async function serve() {
	const port = parentPort;
	if (!port) throw new Error('latencyVenueThread runs only in a worker thread');
	const post = (message: FromVenueThread) => port.postMessage(message);
	const sim = await startSimulator(LATENCY_VENUE_OPTIONS);
	const { totalis } = sim;
	port.on('message', (message: ToVenueThread) => {
		if (message.type === 'measure') {
			measureConfirmLatency(sim, message.count, message.perSecond, message.options).then(
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
