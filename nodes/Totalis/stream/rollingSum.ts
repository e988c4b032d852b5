/**
 * A sum over a rolling window (confirm calls in the last minute, cost confirmed in the last hour)
 * in fixed memory: the window is cut into buckets. A bucket leaves the sum only once all of it is
 * older than the window, so the sum may count up to one bucket's worth too much, never too little:
 * a limit checked against it errs on the safe side.
 */
export class RollingSum {
	private readonly bucketMs: number;
	private readonly sums: number[];
	/** Which bucket (time / bucketMs) each slot holds now. */
	private readonly slots: number[];

	constructor(
		windowMs: number,
		buckets = 360,
		private readonly now: () => number = Date.now,
	) {
		this.bucketMs = Math.max(1, Math.ceil(windowMs / buckets));
		// One more slot than the window needs: the oldest bucket still overlapping it.
		const size = Math.ceil(windowMs / this.bucketMs) + 1;
		this.sums = new Array<number>(size).fill(0);
		this.slots = new Array<number>(size).fill(-Infinity);
	}

	add(value: number) {
		const bucket = Math.floor(this.now() / this.bucketMs);
		const slot = bucket % this.sums.length;
		if (this.slots[slot] !== bucket) {
			this.slots[slot] = bucket;
			this.sums[slot] = 0;
		}
		this.sums[slot] += value;
	}

	total(): number {
		const oldest = Math.floor(this.now() / this.bucketMs) - (this.sums.length - 1);
		let total = 0;
		for (let slot = 0; slot < this.sums.length; slot++) if (this.slots[slot] >= oldest) total += this.sums[slot];
		return total;
	}
}
