import { mergeGaps } from '../engine/gap';
import type { Delivered } from '../items';

export interface DeliveryOptions {
	/** `each`: one execution per event; `batch`: one execution per window or item count. */
	mode: 'each' | 'batch';
	/** Batch: flush this long after the first buffered event. Keep-latest: the coalescing window. */
	windowMs: number;
	/** Batch: flush as soon as this many items are buffered (0: none of the user's; BATCH_ITEM_CAP still applies). */
	maxItems: number;
	/** Keep only the latest event per key (a symbol, a request id) within the window. */
	keepLatest: boolean;
	/** Executions of this trigger running at once (0: no cap; default DEFAULT_MAX_IN_FLIGHT); see executionGate.ts. */
	maxInFlight?: number;
}

/**
 * One emission: the events of one execution, with what delivery knew of each (key, size,
 * deduplication key). An event on its own (not in a list) is an execution of its own, and n8n is
 * given its deduplication key (deduplicationKeyOf), if it has one; a list is a batch, which has
 * none, even of one event. One execution per event makes no list of its own per event.
 */
export type Emission = Delivered | Delivered[];
export type Emit = (emission: Emission) => void;

/**
 * Whatever the window, a buffer this full is emitted at once: a window-only batch otherwise holds
 * rate × window items (a 22,000-item batch took RSS to 413 MB). The item cap applies when Batch
 * Max Items is 0, and to keep-latest's buffer; the byte cap always.
 */
export const BATCH_ITEM_CAP = 1000;
/** About this much item JSON, counted from the frames' sizes (Delivered.bytes). */
export const BATCH_BYTE_CAP = 8 * 1024 * 1024;
/** What the item envelope adds to a payload; also all that is counted for an item of unknown size. */
const ITEM_OVERHEAD_BYTES = 256;

const sizeOf = (delivered: Delivered) => (delivered.bytes ?? 0) + ITEM_OVERHEAD_BYTES;

/**
 * Turns a stream of events into n8n executions. Every `emit` starts one execution, so a fast
 * stream is batched or coalesced here instead of flooding n8n. A replaced event's gap moves to
 * its replacement, and the item says how many events it stands for (`coalesced`). What waits is
 * bounded by BATCH_ITEM_CAP (or Batch Max Items) and BATCH_BYTE_CAP, whatever the window.
 */
export class Delivery {
	/** A batch without keep-latest: the events in arrival order. */
	private queue: Delivered[] = [];
	/** Keep-latest: one event per key (events without a key each under a number of their own), in first-arrival order. */
	private latest = new Map<string, Delivered>();
	private bufferedBytes = 0;
	private anonymous = 0;
	private timer: NodeJS.Timeout | undefined;
	private disposed = false;

	constructor(
		private readonly options: DeliveryOptions,
		private readonly emit: Emit,
	) {}

	/** Items waiting for their window. */
	get pending() {
		return this.queue.length + this.latest.size;
	}

	push(delivered: Delivered) {
		if (this.disposed) return;
		const { mode, keepLatest, maxItems, windowMs } = this.options;
		if (mode === 'each' && !keepLatest) {
			this.emit(delivered);
			return;
		}
		if (keepLatest) this.keepLatest(delivered);
		else this.queue.push(delivered);
		this.bufferedBytes += sizeOf(delivered);
		const itemCap = mode === 'batch' && maxItems > 0 ? maxItems : BATCH_ITEM_CAP;
		if (this.pending >= itemCap || this.bufferedBytes >= BATCH_BYTE_CAP) {
			this.flush();
			return;
		}
		if (!this.timer && windowMs > 0) this.timer = setTimeout(() => this.flush(), windowMs);
		else if (windowMs <= 0 && mode === 'each') this.flush();
	}

	flush() {
		clearTimeout(this.timer);
		this.timer = undefined;
		if (this.disposed || this.pending === 0) return;
		const batch = this.queue.length > 0 ? this.queue : [...this.latest.values()];
		this.queue = [];
		this.latest = new Map();
		this.bufferedBytes = 0;
		if (this.options.mode === 'batch') {
			this.emit(batch);
			return;
		}
		for (const delivered of batch) this.emit(delivered);
	}

	/** Stops for good; returns how many buffered items were discarded. */
	dispose(): number {
		this.disposed = true;
		clearTimeout(this.timer);
		this.timer = undefined;
		const discarded = this.pending;
		this.queue = [];
		this.latest.clear();
		this.bufferedBytes = 0;
		return discarded;
	}

	/** A later event with the same key replaces the waiting one, taking over its gap and place. */
	private keepLatest(delivered: Delivered) {
		const key = delivered.key !== undefined ? `k:${delivered.key}` : `a:${this.anonymous++}`;
		const replaced = this.latest.get(key);
		if (replaced) {
			const item = delivered.item;
			item.gap = mergeGaps(replaced.item.gap, item.gap);
			item.coalesced = ((replaced.item.coalesced as number | undefined) ?? 1) + 1;
			this.bufferedBytes -= sizeOf(replaced);
		}
		this.latest.set(key, delivered);
	}
}
