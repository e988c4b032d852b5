import type { Level } from './messages';

/** Why a book went stale, and so why the next snapshot is a resync. */
export type ResyncCause = 'gap' | 'checksum' | 'noSnapshot' | 'reconnect';

export interface ResyncReason {
	readonly cause: ResyncCause;
	/** One line for a person: which seq, which checksum. */
	readonly detail: string;
}

/**
 * A book as it is emitted: plain data (no Maps, no classes), safe in an n8n item, and never
 * changed by the keeper after it was handed out.
 */
export interface BookSnapshot {
	readonly outcomeId: string;
	readonly seq: number;
	/** Price descending. */
	readonly bids: readonly Level[];
	/** Price ascending. */
	readonly asks: readonly Level[];
	readonly bestBid: Level | null;
	readonly bestAsk: Level | null;
	/** Computed from the best levels (null with an empty side), so it stays right after deltas. */
	readonly midpoint: number | null;
	readonly spread: number | null;
	readonly updatedAt: string;
	/** Present on the first book after the book was stale: the gap the workflow should know about. */
	readonly resynced?: ResyncReason;
}

/** The top of a book, for the "top of book only" emission. */
export interface TopOfBook {
	readonly outcomeId: string;
	readonly seq: number;
	readonly bestBid: Level | null;
	readonly bestAsk: Level | null;
	readonly midpoint: number | null;
	readonly spread: number | null;
	readonly updatedAt: string;
	readonly resynced?: ResyncReason;
}

export function topOfBook(book: BookSnapshot): TopOfBook {
	const top: TopOfBook = {
		outcomeId: book.outcomeId,
		seq: book.seq,
		bestBid: book.bestBid,
		bestAsk: book.bestAsk,
		midpoint: book.midpoint,
		spread: book.spread,
		updatedAt: book.updatedAt,
	};
	return book.resynced ? { ...top, resynced: book.resynced } : top;
}

export function midpointOf(bestBid: Level | undefined, bestAsk: Level | undefined): number | null {
	return bestBid && bestAsk ? tidy((bestBid.price + bestAsk.price) / 2) : null;
}

export function spreadOf(bestBid: Level | undefined, bestAsk: Level | undefined): number | null {
	return bestBid && bestAsk ? tidy(bestAsk.price - bestBid.price) : null;
}

/**
 * Binary floating point turns 0.56 - 0.55 into 0.010000000000000009: round that noise away, to
 * ten decimals (arithmetic, not toFixed's text: this runs for every book emitted).
 */
function tidy(value: number): number {
	return Math.round(value * 1e10) / 1e10;
}
