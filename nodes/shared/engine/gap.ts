/**
 * What may be missing before the next item: reconnects and dropped frames since the last
 * delivered event. The next event carries it and the tracker starts over, so a consumer sees
 * every gap exactly once.
 */
export interface Gap {
	reconnects: number;
	droppedFrames: number;
	/** Short reasons, oldest first (the last few only). */
	reasons: string[];
	/** When the first of these happened. */
	since: string;
}

const MAX_REASONS = 5;

export class GapTracker {
	private pending: Gap | null = null;

	/** One more reconnect; without a reason when the last one already says why (a refusal that goes on). */
	reconnected(reason?: string) {
		this.open().reconnects++;
		if (reason !== undefined) this.note(reason);
	}

	/** A reason that is not itself a reconnect (how long a refusal lasted). */
	noted(reason: string) {
		this.open();
		this.note(reason);
	}

	droppedFrame(reason: string) {
		this.open().droppedFrames++;
		this.note(reason);
	}

	/** Returns the gap to attach to the item being delivered now, and clears it. */
	take(): Gap | null {
		const gap = this.pending;
		this.pending = null;
		return gap;
	}

	private open(): Gap {
		this.pending ??= { reconnects: 0, droppedFrames: 0, reasons: [], since: new Date().toISOString() };
		return this.pending;
	}

	private note(reason: string) {
		const reasons = this.pending!.reasons;
		reasons.push(reason);
		if (reasons.length > MAX_REASONS) reasons.shift();
	}
}

/** Combines two gaps when one item replaces another (keep-latest), so neither is lost. */
export function mergeGaps(first: Gap | null, second: Gap | null): Gap | null {
	if (!first) return second;
	if (!second) return first;
	return {
		reconnects: first.reconnects + second.reconnects,
		droppedFrames: first.droppedFrames + second.droppedFrames,
		reasons: [...first.reasons, ...second.reasons].slice(-MAX_REASONS),
		since: first.since < second.since ? first.since : second.since,
	};
}
