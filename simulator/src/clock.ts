/**
 * Time for the simulator. Everything that waits goes through a Clock, so the market can run on
 * real time in the server and on a hand-driven clock in unit tests.
 */
export interface TimerHandle {
	readonly id: number;
}

export interface Clock {
	now(): number;
	setTimer(delayMs: number, callback: () => void): TimerHandle;
	clearTimer(handle: TimerHandle): void;
}

// The largest delay setTimeout honours (2^31 - 1 ms).
const MAX_TIMEOUT_MS = 2_147_483_647;

/** Wall-clock time and Node timers. */
export class SystemClock implements Clock {
	private nextId = 1;
	private readonly timers = new Map<number, NodeJS.Timeout>();

	now(): number {
		return Date.now();
	}

	setTimer(delayMs: number, callback: () => void): TimerHandle {
		const id = this.nextId++;
		this.arm(id, Math.max(0, delayMs), callback);
		return { id };
	}

	clearTimer(handle: TimerHandle): void {
		const timer = this.timers.get(handle.id);
		if (timer) {
			clearTimeout(timer);
			this.timers.delete(handle.id);
		}
	}

	/** Node fires a delay above ~24.8 days at once, so a far deadline (an order good till 2099) waits in steps. */
	private arm(id: number, delayMs: number, callback: () => void): void {
		const step = Math.min(delayMs, MAX_TIMEOUT_MS);
		this.timers.set(
			id,
			setTimeout(() => {
				if (delayMs > step) return this.arm(id, delayMs - step, callback);
				this.timers.delete(id);
				callback();
			}, step),
		);
	}
}

interface ManualTimer {
	id: number;
	dueAt: number;
	callback: () => void;
}

/** A clock that only moves when told to: `advance(ms)` fires due timers in time order. */
export class ManualClock implements Clock {
	private current: number;
	private nextId = 1;
	private readonly timers = new Map<number, ManualTimer>();

	constructor(startMs = Date.parse('2026-06-01T12:00:00.000Z')) {
		this.current = startMs;
	}

	now(): number {
		return this.current;
	}

	setTimer(delayMs: number, callback: () => void): TimerHandle {
		const id = this.nextId++;
		this.timers.set(id, { id, dueAt: this.current + Math.max(0, delayMs), callback });
		return { id };
	}

	clearTimer(handle: TimerHandle): void {
		this.timers.delete(handle.id);
	}

	pendingTimers(): number {
		return this.timers.size;
	}

	advance(ms: number): void {
		const target = this.current + ms;
		for (;;) {
			const next = this.nextDue(target);
			if (!next) break;
			this.timers.delete(next.id);
			this.current = next.dueAt;
			next.callback();
		}
		this.current = target;
	}

	private nextDue(limit: number): ManualTimer | undefined {
		let next: ManualTimer | undefined;
		for (const timer of this.timers.values()) {
			if (timer.dueAt > limit) continue;
			// Ties fire in creation order, like Node timers.
			if (!next || timer.dueAt < next.dueAt || (timer.dueAt === next.dueAt && timer.id < next.id)) next = timer;
		}
		return next;
	}
}

/**
 * The timers one component owns, so it can cancel all of them when it stops
 * (the simulator must leave no open handle behind).
 */
export class TimerGroup {
	private nextId = 1;
	// Our handle → the clock's handle of its next firing (a repeating timer gets a new one each time).
	private readonly active = new Map<TimerHandle, TimerHandle>();

	constructor(private readonly clock: Clock) {}

	after(delayMs: number, callback: () => void): TimerHandle {
		const own: TimerHandle = { id: this.nextId++ };
		this.active.set(
			own,
			this.clock.setTimer(delayMs, () => {
				this.active.delete(own);
				callback();
			}),
		);
		return own;
	}

	/** Repeats every `intervalMs` until cancelled. */
	every(intervalMs: number, callback: () => void): TimerHandle {
		const own: TimerHandle = { id: this.nextId++ };
		const schedule = (): void => {
			this.active.set(
				own,
				this.clock.setTimer(intervalMs, () => {
					schedule();
					callback();
				}),
			);
		};
		schedule();
		return own;
	}

	cancel(handle: TimerHandle | undefined): void {
		if (!handle) return;
		const current = this.active.get(handle);
		if (!current) return;
		this.clock.clearTimer(current);
		this.active.delete(handle);
	}

	clear(): void {
		for (const current of this.active.values()) this.clock.clearTimer(current);
		this.active.clear();
	}

	get size(): number {
		return this.active.size;
	}
}
