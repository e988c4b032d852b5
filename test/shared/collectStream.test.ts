/**
 * The collector an action node runs a stream with: bounds (duration, counted items, a ceiling),
 * waiting for what the start owes, failures and refusals, cancellation, and nothing left running.
 */
import { collectStream, type CollectOptions } from '../../nodes/shared/delivery/collectStream';
import type { EngineHooks } from '../../nodes/shared/delivery/triggerHost';
import { StreamFailure } from '../../nodes/shared/engine/errors';
import type { StreamItem } from '../../nodes/shared/items';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

let sequence = 0;
function item(event: string, extra: Record<string, unknown> = {}): StreamItem {
	sequence++;
	return { venue: 'v', source: 's', event, data: {}, receivedAt: '', connection: { id: 1, sequence }, gap: null, ...extra };
}

/** A stream the test drives: `start` settles when the test says, `push` delivers an item. */
class FakeRunner {
	hooks!: EngineHooks;
	stops = 0;
	private settleStart: { resolve: () => void; reject: (error: unknown) => void } | undefined;
	private markStarted: () => void = () => {};
	readonly started = new Promise<void>((resolve) => (this.markStarted = resolve));

	readonly create = (hooks: EngineHooks) => {
		this.hooks = hooks;
		return {
			start: () => {
				this.markStarted();
				return new Promise<void>((resolve, reject) => (this.settleStart = { resolve, reject }));
			},
			stop: async () => {
				this.stops++;
				// As the engine does: a start in flight fails once stopped.
				this.settleStart?.reject(new StreamFailure('closed', 'stopped while connecting'));
			},
		};
	};

	async up() {
		await this.started;
		this.settleStart!.resolve();
	}

	fail(error: unknown) {
		this.settleStart!.reject(error);
	}

	push(...items: StreamItem[]) {
		for (const one of items) this.hooks.onEvent({ item: one });
	}
}

function options(runner: FakeRunner, overrides: Partial<CollectOptions> = {}): CollectOptions {
	return {
		createRunner: runner.create,
		logger: quiet,
		durationMs: 60_000,
		maxCounted: 0,
		counts: (one) => one.event === 'update',
		maxItems: 1000,
		...overrides,
	};
}

describe('collectStream', () => {
	afterEach(() => jest.useRealTimers());

	it('collects in arrival order until the duration, counted from when the stream is up, then stops it', async () => {
		jest.useFakeTimers();
		const runner = new FakeRunner();
		let ended = false;
		const collecting = collectStream(options(runner, { durationMs: 30 })).finally(() => (ended = true));
		await jest.advanceTimersByTimeAsync(100);
		expect(ended).toBe(false);
		await runner.up();
		const items = [item('snapshot'), item('update'), item('error')];
		runner.push(...items);
		await jest.advanceTimersByTimeAsync(29);
		expect(ended).toBe(false);
		await jest.advanceTimersByTimeAsync(1);
		expect(await collecting).toEqual({ items, endedBy: 'duration' });
		expect(runner.stops).toBe(1);
		expect(jest.getTimerCount()).toBe(0);
	});

	it('ends at Max Counted, leaving out later counted items, once what the start owes has settled', async () => {
		const runner = new FakeRunner();
		let settle!: () => void;
		const settled = new Promise<void>((resolve) => (settle = resolve));
		let ended = false;
		const collecting = collectStream(options(runner, { maxCounted: 2, settled: () => settled })).finally(() => (ended = true));
		await runner.up();
		const [first, second, third, book] = [item('update'), item('other'), item('update'), item('snapshot')];
		runner.push(first, second, third, item('update'));
		await new Promise(setImmediate);
		expect(ended).toBe(false);
		runner.push(book);
		settle();
		const result = await collecting;
		expect(result).toEqual({ items: [first, second, third, book], endedBy: 'maxCounted' });
		expect(runner.stops).toBe(1);
	});

	it('asks what the start owes only once the stream is up', async () => {
		const runner = new FakeRunner();
		const asked: boolean[] = [];
		let up = false;
		const collecting = collectStream(options(runner, { maxCounted: 1, settled: async () => void asked.push(up) }));
		await runner.started;
		// Frames held during the handshake are delivered before start() resolves.
		runner.push(item('update'));
		up = true;
		await runner.up();
		expect((await collecting).endedBy).toBe('maxCounted');
		expect(asked).toEqual([true]);
	});

	it('stops at the ceiling on all items', async () => {
		const runner = new FakeRunner();
		const collecting = collectStream(options(runner, { maxItems: 2 }));
		await runner.up();
		runner.push(item('snapshot'), item('snapshot'), item('snapshot'));
		const result = await collecting;
		expect(result.endedBy).toBe('maxItems');
		expect(result.items).toHaveLength(2);
	});

	it('passes items through the stages and disposes them', async () => {
		const runner = new FakeRunner();
		const disposed: string[] = [];
		const collecting = collectStream(
			options(runner, {
				durationMs: 10,
				stages: [{ push: (delivered, next) => delivered.item.event !== 'noise' && next(delivered), dispose: () => disposed.push('stage') }],
			}),
		);
		await runner.up();
		runner.push(item('noise'), item('update'));
		expect((await collecting).items.map((one) => one.event)).toEqual(['update']);
		expect(disposed).toEqual(['stage']);
	});

	it('rejects with a failed start, and with a permanent failure later, after stopping the stream', async () => {
		const refused = new StreamFailure('auth', 'refused the credentials (HTTP 401)');
		const first = new FakeRunner();
		const starting = collectStream(options(first));
		await first.started;
		first.fail(refused);
		await expect(starting).rejects.toBe(refused);
		expect(first.stops).toBe(1);

		const second = new FakeRunner();
		const running = collectStream(options(second));
		await second.up();
		second.push(item('update'));
		second.hooks.onFatal!(refused);
		await expect(running).rejects.toBe(refused);
		expect(second.stops).toBe(1);
	});

	it('rejects with what `refuse` says of an item', async () => {
		const runner = new FakeRunner();
		const refusal = new Error('Contest IDs: unknown');
		const collecting = collectStream(options(runner, { refuse: (one) => (one.event === 'error' ? refusal : undefined) }));
		await runner.up();
		runner.push(item('update'), item('error'), item('update'));
		await expect(collecting).rejects.toBe(refusal);
		expect(runner.stops).toBe(1);
	});

	it('a cancel during the start stops the stream and returns what arrived; an earlier one never starts it', async () => {
		const controller = new AbortController();
		const runner = new FakeRunner();
		const collecting = collectStream(options(runner, { signal: controller.signal }));
		await runner.started;
		controller.abort();
		expect(await collecting).toEqual({ items: [], endedBy: 'cancelled' });
		expect(runner.stops).toBe(1);

		const late = new FakeRunner();
		let startCalled = false;
		void late.started.then(() => (startCalled = true));
		expect(await collectStream(options(late, { signal: controller.signal }))).toEqual({ items: [], endedBy: 'cancelled' });
		await new Promise(setImmediate);
		expect(startCalled).toBe(false);
	});

	it('a cancel while streaming returns what arrived, leaving no timer', async () => {
		jest.useFakeTimers();
		const controller = new AbortController();
		const runner = new FakeRunner();
		const collecting = collectStream(options(runner, { signal: controller.signal }));
		await runner.up();
		const update = item('update');
		runner.push(update);
		expect(jest.getTimerCount()).toBe(1);
		controller.abort();
		expect(await collecting).toEqual({ items: [update], endedBy: 'cancelled' });
		expect(jest.getTimerCount()).toBe(0);
	});
});
