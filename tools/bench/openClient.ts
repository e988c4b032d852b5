import type { DeliveryOptions } from '../../nodes/shared/delivery/delivery';
import type { BenchClient, ClientKind } from './client';
import { openRawClient } from './rawClient';

/** Batch: flush at 500 items or 100 ms; at bench rates the item count always wins. */
export const BATCH_MAX_ITEMS = 500;
export const BATCH_WINDOW_MS = 100;

/**
 * Every engine client runs uncapped (Max Executions in Flight 0): the bench's n8n ends each
 * execution at once, but the execution gate hears of it one microtask later, so with a cap the
 * events of one socket read would wait and leave in batches of the gate's making, and the counts
 * checked after each run would no longer say what was measured. The gate is still on the path.
 */
export const DELIVERY: Record<Exclude<ClientKind, 'raw'>, DeliveryOptions> = {
	'engine-each': { mode: 'each', windowMs: 1000, maxItems: 100, keepLatest: false, maxInFlight: 0 },
	'engine-batch': { mode: 'batch', windowMs: BATCH_WINDOW_MS, maxItems: BATCH_MAX_ITEMS, keepLatest: false, maxInFlight: 0 },
	'engine-batch-keep-latest': { mode: 'batch', windowMs: BATCH_WINDOW_MS, maxItems: BATCH_MAX_ITEMS, keepLatest: true, maxInFlight: 0 },
};

/** Connects a client of this kind and completes its handshake. */
export async function openClient(kind: ClientKind, url: string): Promise<BenchClient> {
	if (kind === 'raw') return await openRawClient(url);
	// Loaded on first use, so a raw-only memory run never loads n8n-workflow, zod or the node.
	const { openEngineClient } = await import('./engineClient');
	return await openEngineClient(url, DELIVERY[kind]);
}
