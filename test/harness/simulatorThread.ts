/**
 * The simulator's Totalis venue in a worker thread of its own, so that a test can block the test
 * process's main event loop (where n8n-core runs the trigger) while the venue keeps serving. The
 * thread accepts quotes when asked and, when the venue receives a confirm, stamps it and wakes the
 * main thread through a shared flag (Atomics), which works even while main is blocked in
 * Atomics.wait. Started by `startSimulatorThread()` (simulatorThreadClient.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';

// The simulator's sources (jest's moduleNameMapper does not reach a worker thread).
import { startSimulator } from '../../simulator/src/index';

const CONFIRM_PATH = /\/mm\/quotes\/([^/]+)\/confirm$/;

async function main() {
	const port = parentPort!;
	const flag = new Int32Array(workerData.flag as SharedArrayBuffer);
	const sim = await startSimulator({ totalis: { sseKeepaliveMs: 200 } });
	const { totalis } = sim;
	totalis.events.on('rest:request', ({ method, path, status, receivedAt }) => {
		const quoteId = method === 'POST' ? CONFIRM_PATH.exec(path)?.[1] : undefined;
		if (!quoteId) return;
		Atomics.store(flag, 0, 1);
		Atomics.notify(flag, 0);
		port.postMessage({ type: 'confirm', quoteId, status, receivedAt });
	});
	port.on('message', async (message: { type: string }) => {
		if (message.type === 'accept') {
			const request = totalis.createQuoteRequest({ betAmount: 50 });
			const quote = totalis.addOurQuote(request.id, { payoutOdds: 3 });
			const accepted = totalis.acceptQuote(quote.id, { settlement: 'win' });
			port.postMessage({ type: 'accepted', quoteId: accepted.quoteId, sentAt: Date.now() });
		} else if (message.type === 'close') {
			await sim.close();
			port.postMessage({ type: 'closed' });
			port.close();
		}
	});
	port.postMessage({
		type: 'ready',
		credentials: { apiKey: totalis.apiKey, baseUrl: totalis.restUrl, wsUrl: totalis.wsUrl },
	});
}

void main();
