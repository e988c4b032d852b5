/**
 * Backpressure between a stream and n8n. Every emit starts a workflow execution, and n8n queues
 * what it cannot run yet in memory: measured on a 2-CPU machine, one execution per event at
 * 200 events/s took n8n's main process to 6.4 GB in 30 s. The gate lets at most `maxInFlight`
 * executions of one trigger run at once (n8n says when each ends through the emit's done
 * promise). While that many run, events wait in a bounded buffer and leave together as one
 * execution when a slot frees, so a fast stream degrades into batches instead of memory. Past the
 * bound the latest event per key is kept (where the venue has keys), otherwise the oldest is
 * dropped; drops are counted and reported as a gap on the next item.
 */
import { mergeGaps, type Gap } from '../engine/gap';
import type { Delivered, StreamItem } from '../items';
import type { Emission } from './delivery';

/**
 * Executions of one trigger running at once by default: enough to keep n8n busy, few enough that
 * a stream faster than n8n batches up instead of piling executions into n8n's memory.
 */
export const DEFAULT_MAX_IN_FLIGHT = 10;

/**
 * Starts one execution with the emission's items; resolves or rejects when it has finished
 * (undefined: the host cannot say). As in Delivery's Emit, an event on its own keeps its
 * deduplication key, a list does not.
 */
export type StartExecution = (emission: Emission) => Promise<unknown> | undefined;

export interface ExecutionGateOptions {
	/** Executions of this trigger running at once; 0 lets every event start one at once (no cap). */
	maxInFlight: number;
	/** Most items in one execution that leaves the waiting buffer. */
	maxBatchItems: number;
	/** Most items waiting while every slot is taken. */
	maxWaitingItems: number;
	/** About this many bytes of items waiting (Delivered.bytes plus the envelope). */
	maxWaitingBytes: number;
	/** A slot whose execution has not reported its end after this long is taken back (a lost done promise must not stall the stream). */
	slotTimeoutMs: number;
}

/** What a test or a benchmark can read of the gate. */
export interface GateStats {
	inFlight: number;
	waiting: number;
	/** Events dropped because the waiting buffer was full, since the start. */
	dropped: number;
	/** Events replaced by a later one with the same key while waiting, since the start. */
	coalesced: number;
	/** Executions started with events that had waited. */
	heldBatches: number;
	/** Slots taken back after slotTimeoutMs. */
	expiredSlots: number;
}

/** Says on an item that it waited for a free execution slot, and with how many others it left. */
export interface Backpressure {
	/** Items in the execution this item is part of. */
	batchSize: number;
	/** How long this item waited for a free slot. */
	waitedMs: number;
}

interface Waiting {
	delivered: Delivered;
	since: number;
	bytes: number;
}

const ITEM_OVERHEAD_BYTES = 256;

export class ExecutionGate {
	private inFlight = 0;
	private readonly waiting = new Map<number, Waiting>();
	private readonly latestByKey = new Map<string, number>();
	private nextId = 0;
	/** No waiting event has an id below this one (ids grow in arrival order, and the Map keeps that order). */
	private oldestId = 0;
	private waitingBytes = 0;
	private droppedSinceEmit = 0;
	private firstDropAt: string | undefined;
	/** A dropped event's gap when nothing else was waiting to carry it. */
	private carriedGap: Gap | null = null;
	private disposed = false;
	/** Said once per busy spell: the waiting buffer reached its bound (reset when it empties). */
	private saidFull = false;
	private readonly timers = new Set<NodeJS.Timeout>();
	private readonly stats = { dropped: 0, coalesced: 0, heldBatches: 0, expiredSlots: 0 };

	constructor(
		private readonly options: ExecutionGateOptions,
		private readonly start: StartExecution,
		private readonly warn: (message: string) => void = () => {},
	) {}

	/** One emission as Delivery formed it: started now if a slot is free and nothing waits, else it waits. */
	send(emission: Emission) {
		if (this.disposed) return;
		const isList = Array.isArray(emission);
		if (isList && emission.length === 0) return;
		const { maxInFlight } = this.options;
		if (maxInFlight === 0 || (this.inFlight < maxInFlight && this.waiting.size === 0)) {
			this.launch(emission);
			return;
		}
		// One reading for the whole emission: its events start waiting together.
		const now = Date.now();
		if (isList) for (const delivered of emission) this.hold(delivered, now);
		else this.hold(emission, now);
		this.release();
	}

	read(): GateStats {
		return { inFlight: this.inFlight, waiting: this.waiting.size, ...this.stats };
	}

	/** Stops for good; returns how many waiting items were discarded. */
	dispose(): number {
		this.disposed = true;
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
		const discarded = this.waiting.size;
		this.waiting.clear();
		this.oldestId = this.nextId;
		this.latestByKey.clear();
		this.waitingBytes = 0;
		return discarded;
	}

	private hold(delivered: Delivered, now: number) {
		const bytes = (delivered.bytes ?? 0) + ITEM_OVERHEAD_BYTES;
		if (this.isFull(bytes) && !this.saidFull) {
			this.saidFull = true;
			this.warn(
				`n8n is slower than the stream: ${this.waiting.size} events wait for one of the ${this.options.maxInFlight} execution slots; ` +
					'from now on only the latest event per key is kept, and the oldest events without a key are dropped (the items say so)',
			);
		}
		if (delivered.key !== undefined && this.isFull(bytes)) {
			const sameKey = this.latestByKey.get(delivered.key);
			if (sameKey !== undefined) {
				const replaced = this.remove(sameKey)!;
				delivered.item.gap = mergeGaps(replaced.delivered.item.gap, delivered.item.gap);
				delivered.item.coalesced = ((replaced.delivered.item.coalesced as number | undefined) ?? 1) + 1;
				this.stats.coalesced++;
			}
		}
		while (this.waiting.size > 0 && this.isFull(bytes)) this.dropOldest();
		const id = this.nextId++;
		this.waiting.set(id, { delivered, since: now, bytes });
		this.waitingBytes += bytes;
		if (delivered.key !== undefined) this.latestByKey.set(delivered.key, id);
	}

	/** Whether an event of this size finds no room in the waiting buffer. */
	private isFull(bytes: number): boolean {
		const { maxWaitingItems, maxWaitingBytes } = this.options;
		return this.waiting.size >= maxWaitingItems || this.waitingBytes + bytes > maxWaitingBytes;
	}

	private dropOldest() {
		const dropped = this.remove(this.oldestWaitingId())!;
		this.droppedSinceEmit++;
		this.stats.dropped++;
		this.firstDropAt ??= dropped.delivered.item.receivedAt;
		// The dropped event's own gap must not vanish with it.
		const next = this.waiting.size > 0 ? this.waiting.get(this.oldestWaitingId()) : undefined;
		if (next && dropped.delivered.item.gap) next.delivered.item.gap = mergeGaps(dropped.delivered.item.gap, next.delivered.item.gap);
		else if (dropped.delivered.item.gap) this.carriedGap = mergeGaps(this.carriedGap, dropped.delivered.item.gap);
	}

	/**
	 * The oldest waiting event's id; only while something waits. Not the Map's first entry: a Map
	 * iterated from its start steps over every entry deleted since its table was last rebuilt, so
	 * with a full buffer dropping its oldest event per arrival each drop cost a scan of thousands of
	 * deleted entries (about 4 µs per event at the default cap). Each id is stepped over once.
	 */
	private oldestWaitingId(): number {
		while (!this.waiting.has(this.oldestId)) this.oldestId++;
		return this.oldestId;
	}

	private remove(id: number): Waiting | undefined {
		const entry = this.waiting.get(id);
		if (!entry) return undefined;
		this.waiting.delete(id);
		this.waitingBytes -= entry.bytes;
		const key = entry.delivered.key;
		if (key !== undefined && this.latestByKey.get(key) === id) this.latestByKey.delete(key);
		return entry;
	}

	/** A slot freed: what waited leaves together, up to one batch. */
	private release() {
		if (this.disposed || this.waiting.size === 0) return;
		const { maxInFlight, maxBatchItems } = this.options;
		if (maxInFlight !== 0 && this.inFlight >= maxInFlight) return;
		const now = Date.now();
		// The oldest first, without copying the keys of everything that waits.
		const leaving: Waiting[] = [];
		while (leaving.length < maxBatchItems && this.waiting.size > 0) leaving.push(this.remove(this.oldestWaitingId())!);
		const batch = leaving.map(({ delivered, since }) => {
			delivered.item.backpressure = { batchSize: leaving.length, waitedMs: now - since } satisfies Backpressure;
			return delivered;
		});
		this.stats.heldBatches++;
		if (this.waiting.size === 0) this.saidFull = false;
		// One event alone keeps its deduplication key; a batch has none, as in batch delivery.
		this.launch(batch.length === 1 ? batch[0] : batch);
	}

	private launch(emission: Emission) {
		this.attachDrops(Array.isArray(emission) ? emission[0].item : emission.item);
		const done = this.start(emission);
		if (!done || this.options.maxInFlight === 0) return;
		this.inFlight++;
		let settled = false;
		const settle = () => {
			if (settled) return;
			settled = true;
			clearTimeout(timer);
			this.timers.delete(timer);
			this.inFlight--;
			this.release();
		};
		const timer = setTimeout(() => {
			this.stats.expiredSlots++;
			this.warn(
				`An execution started ${Math.round(this.options.slotTimeoutMs / 1000)} s ago has not reported its end; its slot is given back so the stream goes on`,
			);
			settle();
		}, this.options.slotTimeoutMs);
		timer.unref?.();
		this.timers.add(timer);
		done.then(settle, settle);
	}

	/** Drops since the last execution become a gap on the first item of this one. */
	private attachDrops(item: StreamItem | undefined) {
		if (!item || (this.droppedSinceEmit === 0 && !this.carriedGap)) return;
		let gap = this.carriedGap;
		if (this.droppedSinceEmit > 0) {
			const count = this.droppedSinceEmit;
			gap = mergeGaps(gap, {
				reconnects: 0,
				droppedFrames: count,
				reasons: [
					`n8n was busy: ${count} event(s) dropped while ${this.options.maxInFlight} executions were running and the waiting buffer was full`,
				],
				since: this.firstDropAt ?? new Date().toISOString(),
			});
		}
		// The item's own gap (reconnects it carries) came first: the drops happened while it waited.
		item.gap = mergeGaps(item.gap, gap);
		this.droppedSinceEmit = 0;
		this.firstDropAt = undefined;
		this.carriedGap = null;
	}
}
