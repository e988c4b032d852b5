import { BATCH_BYTE_CAP, BATCH_ITEM_CAP, Delivery, type DeliveryOptions } from '../../nodes/shared/delivery/delivery';
import { deduplicationKeyOf, type Delivered, type StreamItem } from '../../nodes/shared/items';

function delivered(event: string, key?: string, extra: Partial<StreamItem> = {}): Delivered {
	return {
		item: {
			venue: 'test',
			source: 'unit',
			event,
			data: { key },
			receivedAt: new Date().toISOString(),
			connection: { id: 1, sequence: 1 },
			gap: null,
			...extra,
		},
		key,
		deduplicationKey: key ? `dedup:${key}:${event}` : undefined,
	};
}

function collect(options: DeliveryOptions) {
	const calls: Array<{ events: string[]; deduplicationKey?: string; items: StreamItem[] }> = [];
	const delivery = new Delivery(options, (emission) => {
		// An event on its own is an execution of its own, with its deduplication key; a list is a batch.
		const batch = Array.isArray(emission) ? emission : [emission];
		const items = batch.map((delivered) => delivered.item);
		calls.push({
			events: items.map((item) => item.event),
			deduplicationKey: Array.isArray(emission) ? undefined : deduplicationKeyOf(emission),
			items,
		});
	});
	return { delivery, calls };
}

describe('Delivery', () => {
	beforeEach(() => jest.useFakeTimers());
	afterEach(() => jest.useRealTimers());

	it('emits each event at once as its own execution, with its deduplication key', () => {
		const { delivery, calls } = collect({ mode: 'each', windowMs: 1000, maxItems: 0, keepLatest: false });
		delivery.push(delivered('a', 'k1'));
		delivery.push(delivered('b'));
		expect(calls).toEqual([
			expect.objectContaining({ events: ['a'], deduplicationKey: 'dedup:k1:a' }),
			expect.objectContaining({ events: ['b'], deduplicationKey: undefined }),
		]);
	});

	it('makes a key-built deduplication key (<venue>:<event>:<key>) only when it emits one event', () => {
		const { delivery, calls } = collect({ mode: 'each', windowMs: 1000, maxItems: 0, keepLatest: false });
		const byKey = (event: string, key?: string): Delivered => ({
			...delivered(event, key),
			deduplicationKey: undefined,
			deduplicatedByKey: key !== undefined || undefined,
		});
		delivery.push(byKey('quote:confirmed', 'q-1'));
		delivery.push(byKey('quote:confirmed'));
		// A key a stage set itself (the merged acceptance) wins over the key-built one.
		delivery.push({ ...byKey('quote:accepted', 'q-2'), deduplicationKey: 'test:accepted:q-2' });
		expect(calls.map((call) => call.deduplicationKey)).toEqual(['test:quote:confirmed:q-1', undefined, 'test:accepted:q-2']);
	});

	it('batches by window: one execution with every event, after the window', () => {
		const { delivery, calls } = collect({ mode: 'batch', windowMs: 500, maxItems: 0, keepLatest: false });
		delivery.push(delivered('a'));
		delivery.push(delivered('b'));
		jest.advanceTimersByTime(499);
		expect(calls).toHaveLength(0);
		jest.advanceTimersByTime(1);
		expect(calls).toEqual([expect.objectContaining({ events: ['a', 'b'], deduplicationKey: undefined })]);
	});

	it('batches by count: emits as soon as max items are waiting', () => {
		const { delivery, calls } = collect({ mode: 'batch', windowMs: 10_000, maxItems: 3, keepLatest: false });
		for (const event of ['a', 'b', 'c', 'd']) delivery.push(delivered(event));
		expect(calls.map((call) => call.events)).toEqual([['a', 'b', 'c']]);
		jest.advanceTimersByTime(10_000);
		expect(calls.map((call) => call.events)).toEqual([['a', 'b', 'c'], ['d']]);
	});

	it('gives a batch of one event no deduplication key, as any batch', () => {
		const { delivery, calls } = collect({ mode: 'batch', windowMs: 500, maxItems: 0, keepLatest: false });
		delivery.push(delivered('a', 'k1'));
		jest.advanceTimersByTime(500);
		expect(calls).toEqual([expect.objectContaining({ events: ['a'], deduplicationKey: undefined })]);
	});

	it('keeps only the latest event per key, counts what it replaced and keeps the earlier gap', () => {
		const { delivery, calls } = collect({ mode: 'batch', windowMs: 100, maxItems: 0, keepLatest: true });
		const gap = { reconnects: 1, droppedFrames: 0, reasons: ['connection lost'], since: '2026-01-01T00:00:00.000Z' };
		delivery.push(delivered('v1', 'EURUSD', { gap }));
		delivery.push(delivered('v2', 'EURUSD'));
		delivery.push(delivered('x1', 'GBPUSD'));
		delivery.push(delivered('v3', 'EURUSD'));
		jest.advanceTimersByTime(100);
		expect(calls).toHaveLength(1);
		const [eur, gbp] = calls[0].items;
		expect(eur).toMatchObject({ event: 'v3', coalesced: 3, gap });
		expect(gbp.event).toBe('x1');
		expect(gbp.coalesced).toBeUndefined();
	});

	it('keep-latest with one execution per event emits each surviving event separately', () => {
		const { delivery, calls } = collect({ mode: 'each', windowMs: 100, maxItems: 0, keepLatest: true });
		delivery.push(delivered('v1', 'a'));
		delivery.push(delivered('v2', 'a'));
		delivery.push(delivered('w1', 'b'));
		expect(calls).toHaveLength(0);
		jest.advanceTimersByTime(100);
		expect(calls.map((call) => call.events)).toEqual([['v2'], ['w1']]);
	});

	describe('bounded whatever the window', () => {
		const MB = 1024 * 1024;
		const sized = (event: string, bytes: number, key?: string): Delivered => ({ ...delivered(event, key), bytes });

		it('emits a window-only batch (Batch Max Items 0) at once when it reaches 1,000 items', () => {
			expect(BATCH_ITEM_CAP).toBe(1000);
			const { delivery, calls } = collect({ mode: 'batch', windowMs: 60_000, maxItems: 0, keepLatest: false });
			for (let i = 0; i < 2500; i++) delivery.push(delivered(`e${i}`));
			expect(calls.map((call) => call.items.length)).toEqual([1000, 1000]);
			expect(calls[1].events[0]).toBe('e1000');
			jest.advanceTimersByTime(60_000);
			expect(calls.map((call) => call.items.length)).toEqual([1000, 1000, 500]);
		});

		it('emits a batch at once when its frames add up to about 8 MB, counted from their sizes', () => {
			expect(BATCH_BYTE_CAP).toBe(8 * MB);
			const { delivery, calls } = collect({ mode: 'batch', windowMs: 60_000, maxItems: 0, keepLatest: false });
			for (let i = 0; i < 7; i++) delivery.push(sized(`big${i}`, MB));
			expect(calls).toHaveLength(0);
			delivery.push(sized('big7', MB));
			expect(calls.map((call) => call.items.length)).toEqual([8]);
			// The count starts over with the next batch.
			delivery.push(sized('next', MB));
			expect(calls).toHaveLength(1);
			jest.advanceTimersByTime(60_000);
			expect(calls.map((call) => call.events)).toEqual([expect.any(Array), ['next']]);
		});

		it("honours a Batch Max Items above 1,000 (the user's choice), still within the byte cap", () => {
			const { delivery, calls } = collect({ mode: 'batch', windowMs: 60_000, maxItems: 2000, keepLatest: false });
			for (let i = 0; i < 1500; i++) delivery.push(delivered(`e${i}`));
			expect(calls).toHaveLength(0);
			for (let i = 0; i < 10; i++) delivery.push(sized(`big${i}`, MB));
			expect(calls.map((call) => call.items.length)).toEqual([1508]);
		});

		it('counts a replaced event out: keep-latest on one key never reaches the byte cap', () => {
			const { delivery, calls } = collect({ mode: 'batch', windowMs: 1000, maxItems: 0, keepLatest: true });
			for (let i = 0; i < 100; i++) delivery.push(sized(`v${i}`, MB, 'EURUSD'));
			expect(calls).toHaveLength(0);
			jest.advanceTimersByTime(1000);
			expect(calls).toHaveLength(1);
			expect(calls[0].items[0]).toMatchObject({ event: 'v99', coalesced: 100 });
		});

		it('bounds keep-latest with one execution per event too: 1,000 keys waiting are emitted at once', () => {
			const { delivery, calls } = collect({ mode: 'each', windowMs: 60_000, maxItems: 0, keepLatest: true });
			for (let i = 0; i < 1000; i++) delivery.push(delivered('tick', `k${i}`));
			expect(calls).toHaveLength(1000);
			expect(delivery.pending).toBe(0);
		});
	});

	it('after dispose emits nothing, even when a window was running', () => {
		const { delivery, calls } = collect({ mode: 'batch', windowMs: 100, maxItems: 0, keepLatest: false });
		delivery.push(delivered('a'));
		expect(delivery.dispose()).toBe(1);
		delivery.push(delivered('b'));
		jest.advanceTimersByTime(1000);
		expect(calls).toHaveLength(0);
	});
});
