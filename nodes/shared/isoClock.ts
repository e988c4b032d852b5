/**
 * Epoch milliseconds as ISO text, formatted once per millisecond: a busy stream stamps thousands
 * of items a second, and `toISOString` is among the dearer steps of an item.
 */
export class IsoClock {
	private lastMs = Number.NaN;
	private lastText = '';

	constructor(private readonly now: () => number = Date.now) {}

	/** The current time. */
	iso(): string {
		return this.at(this.now());
	}

	/** A given time (epoch ms). */
	at(ms: number): string {
		if (ms !== this.lastMs) {
			this.lastText = new Date(ms).toISOString();
			this.lastMs = ms;
		}
		return this.lastText;
	}
}
