/** Starts simulatorThread.ts in a worker thread (its TypeScript through the repository's require hook) and talks to it. */
import path from 'node:path';
import { Worker } from 'node:worker_threads';

import { conditions } from './conditions';

export interface ConfirmReceipt {
	quoteId: string;
	status: number;
	/** When the venue received the confirm (epoch ms). */
	receivedAt: number;
}

export interface SimulatorThread {
	credentials: { apiKey: string; baseUrl: string; wsUrl: string };
	/** Set to 1 by the thread when the venue receives a confirm; `Atomics.wait(flag, 0, 0)` blocks until then. */
	flag: Int32Array;
	/** Asks the thread to accept a new quote of ours (the frames go out from the thread). */
	accept(): void;
	/** The confirms the venue received, as the thread reported them. */
	confirms: ConfirmReceipt[];
	/** Waits until at least `count` confirms were reported. */
	confirmsReported(count: number): Promise<void>;
	close(): Promise<void>;
}

const HOOK = path.resolve(__dirname, '../../tools/harness/tsWorkerHook.js');

export async function startSimulatorThread(): Promise<SimulatorThread> {
	const shared = new SharedArrayBuffer(4);
	const worker = new Worker(path.join(__dirname, 'simulatorThread.ts'), {
		execArgv: ['--require', HOOK],
		workerData: { flag: shared },
	});
	const confirms: ConfirmReceipt[] = [];
	const { until, recheck } = conditions();
	worker.on('message', (message: { type: string } & ConfirmReceipt) => {
		if (message.type === 'confirm') confirms.push({ quoteId: message.quoteId, status: message.status, receivedAt: message.receivedAt });
		recheck();
	});
	const ready = await new Promise<{ credentials: SimulatorThread['credentials'] }>((resolve, reject) => {
		worker.once('error', reject);
		worker.on('message', (message: { type: string; credentials: SimulatorThread['credentials'] }) => {
			if (message.type === 'ready') resolve(message);
		});
	});
	return {
		credentials: ready.credentials,
		flag: new Int32Array(shared),
		accept: () => worker.postMessage({ type: 'accept' }),
		confirms,
		confirmsReported: (count) => until(() => confirms.length >= count),
		async close() {
			worker.postMessage({ type: 'close' });
			await new Promise((resolve) => worker.once('exit', resolve));
		},
	};
}
