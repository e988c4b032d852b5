/**
 * The venue the confirm latency is measured against. `startLatencyVenue` runs it in a worker
 * thread of its own, with its own simulator: its event loop and heap are then the venue's alone,
 * so the bench's bookkeeping (reading n8n's output, its own garbage collection) cannot hold the
 * acceptance frame or the confirm's arrival, and the figure is our path's. `inProcessVenue` keeps
 * the venue on the bench's own simulator (the queue-mode bench).
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

import type { VenueSimulator } from 'trading-venues-simulator';

import { measureConfirmLatency, type LatencyOptions, type LatencySummary } from '../../e2e/latency';
import { CONFIRMATION_WINDOW_MS } from './benchRun';
import { MEASURE_CPU_WAITS } from './confirmTraces';

/** The Totalis credential's values for the venue. */
export interface VenueCredentials {
	apiKey: string;
	baseUrl: string;
	wsUrl: string;
}

export interface LatencyVenue {
	credentials: VenueCredentials;
	measure(count: number, perSecond: number, options: LatencyOptions): Promise<LatencySummary>;
	close(): Promise<void>;
}

/** The venue's options, as the bench's own simulator's: the confirm calls must not meet its rate limit. */
export const LATENCY_VENUE_OPTIONS = {
	totalis: { confirmationWindowMs: CONFIRMATION_WINDOW_MS, settleDelayMs: 300, executeDelayMs: 20, rateLimit: { withKey: 1_000_000 } },
};

/** Messages between the bench and the venue's thread (latencyVenueThread.ts). */
export type ToVenueThread = { type: 'measure'; count: number; perSecond: number; options: LatencyOptions } | { type: 'close' };
export type FromVenueThread =
	| { type: 'ready'; credentials: VenueCredentials }
	| { type: 'measured'; summary: LatencySummary }
	| { type: 'failed'; message: string }
	| { type: 'closed' };

export function inProcessVenue(sim: VenueSimulator): LatencyVenue {
	const { totalis } = sim;
	return {
		credentials: { apiKey: totalis.apiKey, baseUrl: totalis.restUrl, wsUrl: totalis.wsUrl },
		measure: (count, perSecond, options) => measureConfirmLatency(sim, count, perSecond, options),
		close: async () => undefined,
	};
}

export async function startLatencyVenue({ measureCpuWaits = MEASURE_CPU_WAITS } = {}): Promise<LatencyVenue> {
	// Built, the bench runs from .build/ (.js); from the sources (jest), through the repository's require hook.
	const fromSources = __filename.endsWith('.ts');
	const worker = new Worker(join(__dirname, `latencyVenueThread.${fromSources ? 'ts' : 'js'}`), {
		// The venue's thread reads its own wait for a CPU at each confirm only when asked.
		workerData: { measureCpuWaits },
		...(fromSources ? { execArgv: ['--require', join(__dirname, '..', '..', 'harness', 'tsWorkerHook.js')] } : {}),
	});
	const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
	const next = <T extends FromVenueThread['type']>(type: T) =>
		new Promise<Extract<FromVenueThread, { type: T }>>((resolve, reject) => {
			const onMessage = (message: FromVenueThread) => {
				if (message.type !== type && message.type !== 'failed') return;
				worker.off('message', onMessage);
				worker.off('error', reject);
				if (message.type === 'failed') reject(new Error(`the latency venue's thread: ${message.message}`));
				else resolve(message as Extract<FromVenueThread, { type: T }>);
			};
			worker.on('message', onMessage);
			worker.once('error', reject);
		});
	const post = (message: ToVenueThread) => worker.postMessage(message);
	const ready = await next('ready').catch(async (error: unknown) => {
		await worker.terminate();
		throw error;
	});
	return {
		credentials: ready.credentials,
		async measure(count, perSecond, options) {
			const measured = next('measured');
			post({ type: 'measure', count, perSecond, options });
			return (await measured).summary;
		},
		async close() {
			const closed = next('closed').catch(() => undefined);
			post({ type: 'close' });
			await Promise.race([closed, exited]);
			await worker.terminate();
		},
	};
}
