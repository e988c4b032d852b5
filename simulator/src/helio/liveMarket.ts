/** The self-running market of the CLI and the demo: every symbol's quote takes a random-walk step each interval. */
import { TimerGroup, type Clock } from '../clock';
import type { HelioMarket } from './market';

export class HelioLiveMarket {
	private readonly timers: TimerGroup;

	constructor(
		private readonly market: HelioMarket,
		clock: Clock,
		private readonly intervalMs: number,
	) {
		this.timers = new TimerGroup(clock);
	}

	get running(): boolean {
		return this.timers.size > 0;
	}

	start(): void {
		this.stop();
		for (const symbol of this.market.instruments.symbols) this.timers.every(this.intervalMs, () => this.market.walk(symbol));
	}

	stop(): void {
		this.timers.clear();
	}
}
