/**
 * The engine path as n8n runs it: the Totalis Trigger node's own `trigger()` (credentials,
 * parameters, `totalisTriggerSetup`, `runStreamTrigger`) over StreamEngine, the `ws`
 * transport, the Totalis protocol with its zod schemas, the acceptance merger, the event
 * filter and Delivery, ending in an `emit` that only counts. Only what n8n would hand the
 * node is stubbed: a minimal ITriggerFunctions.
 */
import type { INode, INodeExecutionData, ITriggerFunctions } from 'n8n-workflow';

import { TotalisTrigger } from '../../nodes/Totalis/TotalisTrigger.node';
import type { DeliveryOptions } from '../../nodes/shared/delivery/delivery';
import { WEBSOCKET_EVENTS } from '../../nodes/Totalis/stream/schemas';
import type { BenchClient, Pending, RunCounts } from './client';
import { BENCH_API_KEY } from './ipc';

const NODE: INode = {
	id: 'bench-trigger',
	name: 'Totalis Trigger',
	type: 'n8n-nodes-trading-venues.totalisTrigger',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

interface ItemShape {
	data?: { quote_id?: unknown };
}

export async function openEngineClient(url: string, delivery: DeliveryOptions): Promise<BenchClient> {
	let items = 0;
	let executions = 0;
	let badFrames = 0;
	let marker = '';
	let pending: Pending | undefined;
	let failure: Error | undefined;

	const parameters: Record<string, unknown> = {
		source: 'websocket',
		channels: ['marketMakerQuotes'],
		marketMakerId: '',
		// Every known event chosen explicitly, so the event filter runs and drops nothing.
		events: [...WEBSOCKET_EVENTS],
		mergeAccepted: true,
		mergeWaitMs: 150,
		options: {
			delivery: delivery.mode,
			batchWindowMs: delivery.windowMs,
			batchMaxItems: delivery.maxItems,
			keepLatest: delivery.keepLatest,
			maxInFlight: delivery.maxInFlight,
		},
	};
	const quiet = () => {};
	const ctx = {
		getNode: () => NODE,
		getWorkflow: () => ({ id: 'bench-workflow', name: 'bench', active: true }),
		getMode: () => 'trigger',
		getNodeParameter: (name: string, fallback?: unknown) => parameters[name] ?? fallback,
		getCredentials: async () => ({ apiKey: BENCH_API_KEY, baseUrl: 'http://127.0.0.1:9/totalis', wsUrl: url }),
		logger: { debug: quiet, info: quiet, warn: quiet, error: quiet },
		helpers: {},
		emit(data: INodeExecutionData[][], _response?: unknown, done?: { resolve: (value?: never) => void }) {
			// The execution "ends" at once: the bench measures the engine, not n8n's pace.
			done?.resolve();
			const batch = data[0];
			executions++;
			items += batch.length;
			// The marker is the last item of its execution: nothing follows it in the stream.
			if (!pending || (batch[batch.length - 1].json as ItemShape).data?.quote_id !== marker) return;
			const settle = pending;
			pending = undefined;
			settle.resolve({ items, executions, badFrames });
		},
		emitError(error: Error) {
			failure = error;
			pending?.reject(error);
		},
		saveFailedExecution() {
			badFrames++;
		},
	};
	const response = await new TotalisTrigger().trigger.call(ctx as unknown as ITriggerFunctions);

	return {
		arm(name) {
			items = 0;
			executions = 0;
			badFrames = 0;
			marker = name;
			return new Promise<RunCounts>((resolve, reject) => {
				if (failure) reject(failure);
				else pending = { resolve, reject };
			});
		},
		async close() {
			await response.closeFunction?.();
		},
	};
}
