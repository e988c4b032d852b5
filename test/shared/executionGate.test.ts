/**
 * The execution gate on its own: executions are promises the test settles, as n8n settles the
 * done promise of an emit when the execution ends.
 */
import { ExecutionGate, type ExecutionGateOptions } from '../../nodes/shared/delivery/executionGate';
import type { Gap } from '../../nodes/shared/engine/gap';
import { deduplicationKeyOf, type Delivered, type StreamItem } from '../../nodes/shared/items';

let sequence = 0;

function delivered(event: string, key?: string, gap: Gap | null = null): Delivered {
	sequence++;
	return {
		item: {
			venue: 'test',
			source: 'unit',
			event,
			data: {},
			receivedAt: new Date(Date.UTC(2026, 11, 5, 12, 0, 0, sequence)).toISOString(),
			connection: { id: 1, sequence },
			gap,
		},
		key,
		deduplicationKey: `dedup:${event}`,
		bytes: 100,
	};
}

interface Execution {
	events: string[];
	items: StreamItem[];
	deduplicationKey?: string;
	finish(): void;
	fail(): void;
}

function gateWith(options: Partial<ExecutionGateOptions> = {}) {
	const executions: Execution[] = [];
	const warnings: string[] = [];
	let running = 0;
	let mostRunning = 0;
	const gate = new ExecutionGate(
		{ maxInFlight: 2, maxBatchItems: 100, maxWaitingItems: 1000, maxWaitingBytes: 1_000_000, slotTimeoutMs: 60_000, ...options },
		(emission) => {
			const batch = Array.isArray(emission) ? emission : [emission];
			const items = batch.map((entry) => entry.item);
			running++;
			mostRunning = Math.max(mostRunning, running);
			let settle!: (ok: boolean) => void;
			const done = new Promise<void>((resolve, reject) => {
				settle = (ok) => {
					running--;
					if (ok) resolve();
					else reject(new Error('the workflow failed'));
				};
			});
			executions.push({
				events: items.map((item) => item.event),
				items,
				deduplicationKey: Array.isArray(emission) ? undefined : deduplicationKeyOf(emission),
				finish: () => settle(true),
				fail: () => settle(false),
			});
			return done;
		},
		(message) => warnings.push(message),
	);
	return { gate, executions, warnings, mostRunning: () => mostRunning };
}

/** Lets the gate see settled done promises. */
const settled = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('ExecutionGate', () => {
	it('starts executions at once while slots are free, each event with its deduplication key', () => {
		const { gate, executions } = gateWith();
		gate.send(delivered('a'));
		gate.send(delivered('b'));
		expect(executions.map((execution) => [execution.events, execution.deduplicationKey])).toEqual([
			[['a'], 'dedup:a'],
			[['b'], 'dedup:b'],
		]);
		expect(executions[0].items[0].backpressure).toBeUndefined();
		expect(gate.read()).toMatchObject({ inFlight: 2, waiting: 0 });
	});

	it('holds events while every slot is taken, then starts them together when one frees, saying so on each item', async () => {
		const { gate, executions, mostRunning } = gateWith();
		gate.send(delivered('a'));
		gate.send(delivered('b'));
		for (const event of ['c', 'd', 'e']) gate.send(delivered(event));
		expect(executions).toHaveLength(2);
		expect(gate.read()).toMatchObject({ inFlight: 2, waiting: 3 });

		executions[0].finish();
		await settled();
		expect(executions).toHaveLength(3);
		expect(executions[2].events).toEqual(['c', 'd', 'e']);
		// A batch has no deduplication key: n8n would skip the whole execution for one repeated key.
		expect(executions[2].deduplicationKey).toBeUndefined();
		for (const item of executions[2].items) expect(item.backpressure).toEqual({ batchSize: 3, waitedMs: expect.any(Number) });
		expect(mostRunning()).toBe(2);
		expect(gate.read()).toMatchObject({ inFlight: 2, waiting: 0, heldBatches: 1 });
	});

	it('keeps the deduplication key of an event that waited alone', async () => {
		const { gate, executions } = gateWith({ maxInFlight: 1 });
		gate.send(delivered('a'));
		gate.send(delivered('b'));
		executions[0].finish();
		await settled();
		expect(executions[1]).toMatchObject({ events: ['b'], deduplicationKey: 'dedup:b' });
	});

	it('frees a slot when the execution fails too', async () => {
		const { gate, executions } = gateWith({ maxInFlight: 1 });
		gate.send([delivered('a')]);
		gate.send([delivered('b')]);
		executions[0].fail();
		await settled();
		expect(executions.map((execution) => execution.events)).toEqual([['a'], ['b']]);
	});

	it('lets no more than one batch of held events leave per free slot; the rest waits for the next', async () => {
		const { gate, executions } = gateWith({ maxInFlight: 1, maxBatchItems: 4 });
		gate.send([delivered('first')]);
		for (let i = 0; i < 10; i++) gate.send([delivered(`e${i}`)]);
		executions[0].finish();
		await settled();
		expect(executions[1].events).toEqual(['e0', 'e1', 'e2', 'e3']);
		expect(gate.read().waiting).toBe(6);
		executions[1].finish();
		await settled();
		executions[2].finish();
		await settled();
		expect(executions.map((execution) => execution.events.length)).toEqual([1, 4, 4, 2]);
	});

	it('past its bound keeps the latest event per key, and says how many each replaced', async () => {
		const { gate, executions } = gateWith({ maxInFlight: 1, maxWaitingItems: 3 });
		gate.send([delivered('first')]);
		gate.send([delivered('q1', 'EURUSD')]);
		gate.send([delivered('q2', 'GBPUSD')]);
		gate.send([delivered('q3', 'EURUSD')]);
		// Full: the next EURUSD replaces the latest EURUSD instead of dropping anything.
		gate.send([delivered('q4', 'EURUSD')]);
		gate.send([delivered('q5', 'EURUSD')]);
		expect(gate.read()).toMatchObject({ waiting: 3, dropped: 0, coalesced: 2 });
		executions[0].finish();
		await settled();
		expect(executions[1].events).toEqual(['q1', 'q2', 'q5']);
		expect(executions[1].items.map((item) => item.coalesced ?? 1)).toEqual([1, 1, 3]);
		expect(executions[1].items.every((item) => item.gap === null)).toBe(true);
	});

	it('past its bound drops the oldest event that has no key, counts it and reports the gap on the next item', async () => {
		const { gate, executions } = gateWith({ maxInFlight: 1, maxWaitingItems: 2 });
		gate.send([delivered('first')]);
		const lostGap: Gap = { reconnects: 1, droppedFrames: 0, reasons: ['connection lost'], since: '2026-12-05T11:00:00.000Z' };
		gate.send([delivered('old', undefined, lostGap)]);
		gate.send([delivered('mid')]);
		gate.send([delivered('new')]);
		gate.send([delivered('newest')]);
		expect(gate.read()).toMatchObject({ waiting: 2, dropped: 2 });
		executions[0].finish();
		await settled();
		expect(executions[1].events).toEqual(['new', 'newest']);
		const gap = executions[1].items[0].gap!;
		// The dropped event's own gap (a reconnect) is not lost with it.
		expect(gap.reconnects).toBe(1);
		expect(gap.droppedFrames).toBe(2);
		expect(gap.reasons).toEqual([
			'connection lost',
			'n8n was busy: 2 event(s) dropped while 1 executions were running and the waiting buffer was full',
		]);
		expect(executions[1].items[1].gap).toBeNull();
	});

	it('under a long overload drops in arrival order, stepping over events a later one with the same key replaced', async () => {
		const { gate, executions } = gateWith({ maxInFlight: 1, maxWaitingItems: 3 });
		gate.send([delivered('first')]);
		gate.send([delivered('a', 'EURUSD')]);
		gate.send([delivered('b')]);
		gate.send([delivered('c')]);
		// Full: the oldest waiting event, a, is replaced by a2, which takes the newest place.
		gate.send([delivered('a2', 'EURUSD')]);
		gate.send([delivered('d')]);
		gate.send([delivered('e')]);
		expect(gate.read()).toMatchObject({ waiting: 3, dropped: 2, coalesced: 1 });
		executions[0].finish();
		await settled();
		expect(executions[1].events).toEqual(['a2', 'd', 'e']);
		// Thousands of drops later, the latest events still leave in arrival order.
		for (let i = 0; i < 5000; i++) gate.send([delivered(`x${i}`)]);
		expect(gate.read()).toMatchObject({ waiting: 3, dropped: 4999 });
		executions[1].finish();
		await settled();
		expect(executions[2].events).toEqual(['x4997', 'x4998', 'x4999']);
		expect(executions[2].items[0].gap?.droppedFrames).toBe(4997);
	});

	it('bounds what waits by bytes too', () => {
		const { gate } = gateWith({ maxInFlight: 1, maxWaitingBytes: 3 * 356 });
		gate.send([delivered('first')]);
		for (let i = 0; i < 10; i++) gate.send([delivered(`e${i}`)]);
		expect(gate.read()).toMatchObject({ waiting: 3, dropped: 7 });
	});

	it('takes back the slot of an execution that never reports its end, with a warning', () => {
		jest.useFakeTimers();
		try {
			const { gate, executions, warnings } = gateWith({ maxInFlight: 1, slotTimeoutMs: 5000 });
			gate.send([delivered('stuck')]);
			gate.send([delivered('next')]);
			expect(executions).toHaveLength(1);
			jest.advanceTimersByTime(5000);
			expect(executions.map((execution) => execution.events)).toEqual([['stuck'], ['next']]);
			expect(warnings).toEqual(['An execution started 5 s ago has not reported its end; its slot is given back so the stream goes on']);
			expect(gate.read().expiredSlots).toBe(1);
			gate.dispose();
			expect(jest.getTimerCount()).toBe(0);
		} finally {
			jest.useRealTimers();
		}
	});

	it('with no cap, or a host that cannot say when an execution ends, starts every emission at once', () => {
		const uncapped = gateWith({ maxInFlight: 0 });
		for (let i = 0; i < 5; i++) uncapped.gate.send([delivered(`e${i}`)]);
		expect(uncapped.executions).toHaveLength(5);

		const started: string[] = [];
		const blind = new ExecutionGate(
			{ maxInFlight: 1, maxBatchItems: 10, maxWaitingItems: 10, maxWaitingBytes: 100_000, slotTimeoutMs: 1000 },
			(emission) => {
				started.push((Array.isArray(emission) ? emission[0] : emission).item.event);
				return undefined;
			},
		);
		for (let i = 0; i < 5; i++) blind.send([delivered(`e${i}`)]);
		expect(started).toEqual(['e0', 'e1', 'e2', 'e3', 'e4']);
	});

	it('discards what waits when disposed, says how much, and starts nothing after', async () => {
		const { gate, executions } = gateWith({ maxInFlight: 1 });
		gate.send([delivered('a')]);
		gate.send([delivered('b')]);
		gate.send([delivered('c')]);
		expect(gate.dispose()).toBe(2);
		executions[0].finish();
		await settled();
		gate.send([delivered('d')]);
		expect(executions).toHaveLength(1);
	});
});
