/**
 * Detects a dead or silent connection: `feed()` on every sign of life (a frame, a pong, a
 * protocol ping); when nothing arrived for `silenceTimeoutMs`, `onSilent` runs once.
 * `feed()` is one assignment, because it runs for every frame; the timer re-arms itself lazily.
 */
export class Watchdog {
	private lastActivity = 0;
	private timer: NodeJS.Timeout | undefined;
	private stopped = true;

	constructor(
		private readonly silenceTimeoutMs: number,
		private readonly onSilent: (silentForMs: number) => void,
	) {}

	start() {
		this.stopped = false;
		this.feed();
		this.arm(this.silenceTimeoutMs);
	}

	feed() {
		this.lastActivity = performance.now();
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
		const silentFor = performance.now() - this.lastActivity;
		if (silentFor >= this.silenceTimeoutMs) {
			this.stop();
			this.onSilent(Math.round(silentFor));
			return;
		}
		this.arm(this.silenceTimeoutMs - silentFor);
	}
}
