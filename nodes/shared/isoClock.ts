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

const settled = Promise.resolve();

/**
 * The time items arrive, read once per run of synchronous code: the frames of one socket read
 * are handed over in one go, arrived together, and share one reading. The reading expires at the
 * next microtask (a promise reaction: jest's fake timers leave those alone), so a frame of a
 * later read never gets an older time. One clock read per read instead of per frame.
 */
export class ArrivalClock {
	private readonly clock = new IsoClock();
	private text: string | undefined;
	private readonly expire = () => {
		this.text = undefined;
	};

	iso(): string {
		if (this.text === undefined) {
			this.text = this.clock.iso();
			void settled.then(this.expire);
		}
		return this.text;
	}
}
