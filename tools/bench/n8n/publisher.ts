/**
 * Sends Totalis events at a fixed rate to the market maker's channel, through the simulator's
 * real WebSocket server. Each event has its own quote id: the trigger neither deduplicates nor
 * coalesces them, so every event sent should come out of n8n once (or be counted as dropped).
 */
import type { VenueSimulator } from 'trading-venues-simulator';

/** Small ticks keep the rate even; a late tick catches up on what it owes. */
const TICK_MS = 10;

export interface Publisher {
	/** Events sent so far. */
	sent(): number;
	/** Resolves once `seconds` have passed (or stop() was called). */
	readonly finished: Promise<void>;
	stop(): void;
}

export function publishAtRate(sim: VenueSimulator, ratePerSecond: number, seconds: number, runId: string): Publisher {
	const channel = `mm:quotes:${sim.totalis.mmId}`;
	const started = performance.now();
	let sent = 0;
	let stopFinished: () => void = () => {};
	const finished = new Promise<void>((resolve) => (stopFinished = resolve));
	const total = Math.round(ratePerSecond * seconds);
	const tick = () => {
		const owed = Math.min(total, Math.floor(((performance.now() - started) / 1000) * ratePerSecond));
		for (; sent < owed; sent++) {
			sim.totalis.publish(channel, 'quote:expired', { quote_id: `${runId}-${sent}`, rfq_id: `${runId}-rfq-${sent}` });
		}
		if (sent >= total) stop();
	};
	const timer = setInterval(tick, TICK_MS);
	const stop = () => {
		clearInterval(timer);
		stopFinished();
	};
	return { sent: () => sent, finished, stop };
}
