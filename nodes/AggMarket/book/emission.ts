/**
 * The trigger's three ways to emit books: every change, the top of book when it changes, or the
 * full book at most once per interval per outcome. The throttle is pure (the clock is an
 * argument); TimedBookThrottle drives it with one cancellable timer.
 */
import type { BookResult } from './OrderBooks';
import { topOfBook, type BookSnapshot, type TopOfBook } from './snapshot';

export type BookEmission = 'everyChange' | 'topOfBook' | 'throttled';

export type BookUpdate = Extract<BookResult, { kind: 'updated' }>;

/** What an update emits right away in the two unthrottled modes; undefined for nothing. */
export function immediateEmission(update: BookUpdate, mode: 'everyChange' | 'topOfBook'): BookSnapshot | TopOfBook | undefined {
	if (mode === 'everyChange') return update.book;
	return update.topChanged ? topOfBook(update.book) : undefined;
}

interface Window {
	/** No book of this outcome goes out before this time (epoch ms). */
	nextAt: number;
	held?: BookSnapshot;
}

/**
 * At most one book per outcome per interval: the first goes out at once, later ones within the
 * interval replace each other and the latest goes out when the interval ends.
 */
export class BookThrottle {
	private readonly windows = new Map<string, Window>();

	constructor(readonly intervalMs: number) {}

	/** Returns the book if it may go out now, else holds it (replacing any held one) and returns undefined. */
	offer(book: BookSnapshot, nowMs: number): BookSnapshot | undefined {
		const window = this.windows.get(book.outcomeId);
		if (!window || (window.held === undefined && nowMs >= window.nextAt)) {
			this.windows.set(book.outcomeId, { nextAt: nowMs + this.intervalMs });
			return book;
		}
		window.held = keepResync(window.held, book);
		return undefined;
	}

	/** Held books whose interval has ended, oldest outcome first; they start a new interval. */
	due(nowMs: number): BookSnapshot[] {
		const ready: BookSnapshot[] = [];
		for (const [outcomeId, window] of this.windows) {
			if (nowMs < window.nextAt) continue;
			if (window.held) {
				ready.push(window.held);
				this.windows.set(outcomeId, { nextAt: nowMs + this.intervalMs });
			} else {
				// A quiet outcome: nothing to remember.
				this.windows.delete(outcomeId);
			}
		}
		return ready;
	}

	/** When the earliest held book is due, or undefined when nothing is held. */
	nextDueAt(): number | undefined {
		let earliest: number | undefined;
		for (const window of this.windows.values()) {
			if (window.held && (earliest === undefined || window.nextAt < earliest)) earliest = window.nextAt;
		}
		return earliest;
	}

	/** Removes and returns an outcome's held book (e.g. to emit it before the outcome's end). */
	take(outcomeId: string): BookSnapshot | undefined {
		const held = this.windows.get(outcomeId)?.held;
		this.windows.delete(outcomeId);
		return held;
	}

	/** Removes and returns every held book. */
	flush(): BookSnapshot[] {
		const held: BookSnapshot[] = [];
		for (const window of this.windows.values()) if (window.held) held.push(window.held);
		this.windows.clear();
		return held;
	}
}

/** A replaced book must not take the news of a resync with it. */
function keepResync(held: BookSnapshot | undefined, latest: BookSnapshot): BookSnapshot {
	if (held?.resynced && !latest.resynced) return { ...latest, resynced: held.resynced };
	return latest;
}

/** BookThrottle on a real clock: emits through a callback, with one timer that dispose() cancels. */
export class TimedBookThrottle {
	private readonly throttle: BookThrottle;
	private timer: ReturnType<typeof setTimeout> | undefined;
	private timerAt: number | undefined;
	private disposed = false;

	constructor(
		intervalMs: number,
		private readonly emit: (book: BookSnapshot) => void,
		private readonly now: () => number = Date.now,
	) {
		this.throttle = new BookThrottle(intervalMs);
	}

	offer(book: BookSnapshot): void {
		if (this.disposed) return;
		const ready = this.throttle.offer(book, this.now());
		if (ready) this.emit(ready);
		else this.schedule();
	}

	/** Emits an outcome's held book now, e.g. before its `ended` item. */
	flushOutcome(outcomeId: string): void {
		if (this.disposed) return;
		const held = this.throttle.take(outcomeId);
		if (held) this.emit(held);
		this.schedule();
	}

	/** Emits every held book now. */
	flush(): void {
		if (this.disposed) return;
		for (const book of this.throttle.flush()) this.emit(book);
		this.schedule();
	}

	/** Cancels the timer and drops held books; later calls do nothing. */
	dispose(): void {
		this.disposed = true;
		this.cancelTimer();
		this.throttle.flush();
	}

	private schedule(): void {
		const dueAt = this.throttle.nextDueAt();
		// Most offers fall in a window that is already timed: leave that timer alone.
		if (dueAt === this.timerAt) return;
		this.cancelTimer();
		if (dueAt === undefined) return;
		this.timerAt = dueAt;
		this.timer = setTimeout(() => this.fire(), Math.max(0, dueAt - this.now()));
	}

	private fire(): void {
		this.timer = undefined;
		this.timerAt = undefined;
		if (this.disposed) return;
		for (const book of this.throttle.due(this.now())) this.emit(book);
		this.schedule();
	}

	private cancelTimer(): void {
		if (this.timer !== undefined) clearTimeout(this.timer);
		this.timer = undefined;
		this.timerAt = undefined;
	}
}
