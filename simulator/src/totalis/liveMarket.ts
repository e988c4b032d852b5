/**
 * A market that runs by itself: takers ask for new parlays, change them now and then, a rival
 * market maker sometimes quotes, and the taker accepts the best quote shortly after a market
 * maker quotes. Used by the CLI and the demo; tests usually drive the market by hand.
 */
import { TimerGroup, type Clock, type TimerHandle } from '../clock';
import type { Random } from '../random';
import { COMPETITOR_MM_ID, type Market } from './market';

export interface LiveMarketOptions {
	/** A new quote request this often (default 4000). */
	newRequestEveryMs?: number;
	/** One active request gets a new version this often (default 9000; 0 = never). */
	updateEveryMs?: number;
	/** The taker accepts the best quote `delayMs` after a market maker quotes (default 1500); false = never. */
	autoAccept?: { delayMs?: number; probability?: number } | false;
	/** Requests created at start (default 3). */
	initialRequests?: number;
	/** No new request while this many are active (default 8). */
	maxActiveRequests?: number;
	/** Chance that a rival market maker quotes a new or updated request (default 0.5). */
	competitorProbability?: number;
	/** Closed requests and finished trades are forgotten after this long (default 600000). */
	retentionMs?: number;
}

// The rival market maker confirms its wins after this long, like a quick real one.
const COMPETITOR_CONFIRM_DELAY_MS = 250;

export class LiveMarket {
	private readonly timers: TimerGroup;
	private readonly pendingAccepts = new Map<string, TimerHandle>();
	private stopListening: (() => void) | undefined;

	constructor(
		private readonly market: Market,
		private readonly random: Random,
		clock: Clock,
	) {
		this.timers = new TimerGroup(clock);
	}

	get running(): boolean {
		return this.stopListening !== undefined;
	}

	start(options: LiveMarketOptions = {}): void {
		this.stop();
		const newRequestEveryMs = options.newRequestEveryMs ?? 4000;
		const updateEveryMs = options.updateEveryMs ?? 9000;
		const maxActive = options.maxActiveRequests ?? 8;
		const competitorProbability = options.competitorProbability ?? 0.5;
		const autoAccept = options.autoAccept === false ? undefined : { delayMs: 1500, probability: 1, ...options.autoAccept };
		const retentionMs = options.retentionMs ?? 600_000;

		const newRequest = (): void => {
			this.market.prune(retentionMs);
			if (this.market.activeRequests().length >= maxActive) return;
			const request = this.market.createQuoteRequest();
			if (this.random.chance(competitorProbability)) this.market.addCompetitorQuote(request.id);
		};
		for (let i = 0; i < (options.initialRequests ?? 3); i++) newRequest();
		this.timers.every(newRequestEveryMs, newRequest);
		if (updateEveryMs > 0) {
			this.timers.every(updateEveryMs, () => {
				const active = this.market.activeRequests();
				if (active.length === 0) return;
				const request = this.market.updateQuoteRequest(this.random.pick(active).id);
				if (this.random.chance(competitorProbability)) this.market.addCompetitorQuote(request.id);
			});
		}
		const stopConfirming = this.market.events.on('quote:accepted', ({ quoteId, marketMakerId }) => {
			if (marketMakerId !== COMPETITOR_MM_ID) return;
			this.timers.after(COMPETITOR_CONFIRM_DELAY_MS, () => {
				try {
					this.market.confirmQuote(COMPETITOR_MM_ID, quoteId);
				} catch {
					// Expired meanwhile (a very short confirmation window): nothing to do.
				}
			});
		});
		const stopAccepting = this.market.events.on('quote:submitted', ({ requestId, mmId }) => {
			// Rival quotes alone do not make the taker act: the taker waits for a real market maker.
			if (!autoAccept || mmId === COMPETITOR_MM_ID || this.pendingAccepts.has(requestId)) return;
			if (!this.random.chance(autoAccept.probability)) return;
			this.pendingAccepts.set(
				requestId,
				this.timers.after(autoAccept.delayMs, () => {
					this.pendingAccepts.delete(requestId);
					this.acceptBest(requestId);
				}),
			);
		});
		this.stopListening = () => {
			stopConfirming();
			stopAccepting();
		};
	}

	stop(): void {
		this.stopListening?.();
		this.stopListening = undefined;
		this.timers.clear();
		this.pendingAccepts.clear();
	}

	private acceptBest(requestId: string): void {
		const best = this.market.bestQuoteId(requestId);
		if (!best) return;
		try {
			this.market.acceptQuote(best);
		} catch {
			// The request moved on or closed in the meantime: the taker simply does not trade.
		}
	}
}
