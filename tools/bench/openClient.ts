import type { DeliveryOptions } from '../../nodes/shared/delivery/delivery';
import type { BenchClient, ClientKind } from './client';
import { openRawClient } from './rawClient';

/** Batch: flush at 500 items or 100 ms; at bench rates the item count always wins. */
export const BATCH_MAX_ITEMS = 500;
export const BATCH_WINDOW_MS = 100;

export const DELIVERY: Record<Exclude<ClientKind, 'raw'>, DeliveryOptions> = {
	'engine-each': { mode: 'each', windowMs: 1000, maxItems: 100, keepLatest: false },
	'engine-batch': { mode: 'batch', windowMs: BATCH_WINDOW_MS, maxItems: BATCH_MAX_ITEMS, keepLatest: false },
	'engine-batch-keep-latest': { mode: 'batch', windowMs: BATCH_WINDOW_MS, maxItems: BATCH_MAX_ITEMS, keepLatest: true },
};

/** Connects a client of this kind and completes its handshake. */
export async function openClient(kind: ClientKind, url: string): Promise<BenchClient> {
	if (kind === 'raw') return await openRawClient(url);
	// Loaded on first use, so a raw-only memory run never loads n8n-workflow, zod or the node.
	const { openEngineClient } = await import('./engineClient');
	return await openEngineClient(url, DELIVERY[kind]);
}
