/**
 * Detects a dead or silent connection: `feed()` on every sign of life (a frame, a pong, a
 * protocol ping); when nothing arrived for `silenceTimeoutMs`, `onSilent` runs once.
 *
 * `feed()` runs for every frame, so it only notes that something arrived; the watchdog's own
 * timer reads the clock, every quarter of the timeout while traffic flows. A silence is therefore
 * noticed between one and one and a quarter timeouts after the last sign of life.
 */
export class Watchdog {
	/** When a check last found that something had arrived (or the watchdog started). */
	private lastHeardAt = 0;
	private heard = false;
	private timer: NodeJS.Timeout | undefined;
	private stopped = true;

	constructor(
		private readonly silenceTimeoutMs: number,
		private readonly onSilent: (silentForMs: number) => void,
	) {}

	start() {
		this.stopped = false;
		this.heard = false;
		this.lastHeardAt = performance.now();
		this.arm(this.silenceTimeoutMs);
	}

	feed() {
		this.heard = true;
	}

	stop() {
		this.stopped = true;
		if (this.timer) clearTimeout(this.timer);
		this.timer = undefined;
	}

	private arm(delayMs: number) {
		this.timer = setTimeout(() => this.check(), Math.max(1, delayMs));
	}

	private check() {
		if (this.stopped) return;
		const now = performance.now();
		if (this.heard) {
			this.heard = false;
			this.lastHeardAt = now;
		}
		const silentFor = now - this.lastHeardAt;
		if (silentFor >= this.silenceTimeoutMs) {
			this.stop();
			this.onSilent(Math.round(silentFor));
			return;
		}
		this.arm(Math.min(this.silenceTimeoutMs - silentFor, this.silenceTimeoutMs / 4));
	}
}
