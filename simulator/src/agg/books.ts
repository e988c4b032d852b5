/**
 * Order books per outcome: levels, a sequence number and the checksum of docs/venues/agg-market.md#order-book-checksum
 * (checksum.ts). Pure state: who receives frames is websocket.ts's job.
 */
import type { AggDialect } from '../dialects';
import type { Random } from '../random';
import { bookChecksum } from './checksum';
import { VENUES, round2, type Outcome, type Venue } from './catalog';

export interface VenueSize {
	venue: Venue;
	size: number;
}

// A type alias (not an interface), so it fits a client's indexed level type (the nodes' BookLevel).
export type Level = {
	price: number;
	totalSize: number;
	venues: VenueSize[];
};

/** A change as moveBook() takes it: `venues` defaults to one venue holding the whole size. */
export interface LevelChange {
	price: number;
	totalSize: number;
	venues?: VenueSize[];
}

export interface SnapshotFrame {
	type: 'orderbook_snapshot';
	outcomeId: string;
	seq: number;
	checksum: number;
	bids: Level[];
	asks: Level[];
	midpoint: number | null;
	spread: number | null;
}

export interface DeltaFrame {
	type: 'orderbook_delta';
	outcomeId: string;
	seq: number;
	checksum: number;
	bidChanges: Level[];
	askChanges: Level[];
}

interface Book {
	outcome: Outcome;
	seq: number;
	bids: Map<number, Level>;
	asks: Map<number, Level>;
	resolved: boolean;
	/** One-shot faults for the next delta. */
	skipSeq: boolean;
	corruptChecksum: boolean;
	/** One-shot fault for the next snapshot sent on a socket. */
	corruptSnapshot: boolean;
}

/** Any other value is wrong; flipping bits keeps it an unsigned 32-bit number. */
const CORRUPT = 0x5a5a5a5a;
/** What a venue hashing a text no client knows would send (scrambleChecksums). */
const SCRAMBLE = 0x3c3c3c3c;

export class OrderBooks {
	private readonly books = new Map<string, Book>();
	/** While on, every checksum sent is one no known level form reproduces. */
	scrambled = false;

	constructor(
		outcomes: readonly Outcome[],
		private readonly random: Random,
		private readonly dialect: AggDialect = 'short',
	) {
		for (const outcome of outcomes) this.books.set(outcome.outcomeId, this.seed(outcome));
	}

	has(outcomeId: string): boolean {
		return this.books.has(outcomeId);
	}

	isResolved(outcomeId: string): boolean {
		return this.get(outcomeId).resolved;
	}

	outcome(outcomeId: string): Outcome {
		return this.get(outcomeId).outcome;
	}

	snapshot(outcomeId: string): SnapshotFrame {
		const book = this.get(outcomeId);
		const bids = sorted(book.bids, 'desc');
		const asks = sorted(book.asks, 'asc');
		const best = bids[0]?.price;
		const ask = asks[0]?.price;
		const both = best !== undefined && ask !== undefined;
		return {
			type: 'orderbook_snapshot',
			outcomeId,
			seq: book.seq,
			checksum: bookChecksum({ bids, asks }, this.dialect),
			bids,
			asks,
			midpoint: both ? Math.round(((best + ask) / 2) * 10_000) / 10_000 : null,
			spread: both ? round2(ask - best) : null,
		};
	}

	/** The snapshot as a socket gets it: with any pending snapshot fault applied. */
	snapshotToSend(outcomeId: string): SnapshotFrame {
		const book = this.get(outcomeId);
		const frame = this.snapshot(outcomeId);
		if (book.corruptSnapshot) frame.checksum = (frame.checksum ^ CORRUPT) >>> 0;
		if (this.scrambled) frame.checksum = (frame.checksum ^ SCRAMBLE) >>> 0;
		book.corruptSnapshot = false;
		return frame;
	}

	/** Best bid/ask (null when a side is empty). */
	top(outcomeId: string): { bid: number | null; ask: number | null } {
		const { bids, asks } = this.snapshot(outcomeId);
		return { bid: bids[0]?.price ?? null, ask: asks[0]?.price ?? null };
	}

	/** Applies the changes and returns the delta to send (with any pending one-shot fault applied). */
	apply(outcomeId: string, bidChanges: readonly LevelChange[] = [], askChanges: readonly LevelChange[] = []): DeltaFrame {
		const book = this.get(outcomeId);
		if (book.resolved) throw new Error(`agg simulator: ${outcomeId} is resolved`);
		if (bidChanges.length + askChanges.length === 0) throw new Error('agg simulator: a delta needs at least one change');
		const bids = bidChanges.map(normalise);
		const asks = askChanges.map(normalise);
		for (const level of bids) setLevel(book.bids, level);
		for (const level of asks) setLevel(book.asks, level);
		book.seq += book.skipSeq ? 2 : 1;
		let checksum = bookChecksum({ bids: sorted(book.bids, 'desc'), asks: sorted(book.asks, 'asc') }, this.dialect);
		if (book.corruptChecksum) checksum = (checksum ^ CORRUPT) >>> 0;
		if (this.scrambled) checksum = (checksum ^ SCRAMBLE) >>> 0;
		book.skipSeq = false;
		book.corruptChecksum = false;
		return { type: 'orderbook_delta', outcomeId, seq: book.seq, checksum, bidChanges: bids, askChanges: asks };
	}

	/** A small random move near the top of the book (the live market). */
	randomChanges(outcomeId: string): { bidChanges: LevelChange[]; askChanges: LevelChange[] } {
		const book = this.get(outcomeId);
		const side = this.random.chance(0.5) ? 'bid' : 'ask';
		const levels = sorted(side === 'bid' ? book.bids : book.asks, side === 'bid' ? 'desc' : 'asc');
		let change: LevelChange;
		if (levels.length > 0 && this.random.chance(0.7)) {
			const level = this.random.pick(levels.slice(0, 3));
			// Mostly resize; sometimes the level empties.
			const totalSize = this.random.chance(0.15) && levels.length > 2 ? 0 : this.random.int(20, 3000);
			change = { price: level.price, totalSize };
		} else {
			const top = this.top(outcomeId);
			const anchor = side === 'bid' ? (top.bid ?? 0.4) : (top.ask ?? 0.6);
			const price = clampPrice(anchor + (side === 'bid' ? -0.01 : 0.01) * this.random.int(0, 4));
			change = { price, totalSize: this.random.int(20, 3000) };
		}
		// A bid may not cross the best ask (and vice versa): push it back one cent.
		const top = this.top(outcomeId);
		if (side === 'bid' && top.ask !== null && change.price >= top.ask) change.price = clampPrice(top.ask - 0.01);
		if (side === 'ask' && top.bid !== null && change.price <= top.bid) change.price = clampPrice(top.bid + 0.01);
		change.venues = this.spread(change.totalSize);
		return side === 'bid' ? { bidChanges: [change], askChanges: [] } : { bidChanges: [], askChanges: [change] };
	}

	/** Ends the book: no more deltas, subscribe refused. */
	resolve(outcomeId: string): void {
		this.get(outcomeId).resolved = true;
	}

	armSkipSeq(outcomeId: string): void {
		this.get(outcomeId).skipSeq = true;
	}

	armCorruptChecksum(outcomeId: string): void {
		this.get(outcomeId).corruptChecksum = true;
	}

	armCorruptSnapshot(outcomeId: string): void {
		this.get(outcomeId).corruptSnapshot = true;
	}

	private get(outcomeId: string): Book {
		const book = this.books.get(outcomeId);
		if (!book) throw new Error(`agg simulator: unknown outcome ${outcomeId}`);
		return book;
	}

	private seed(outcome: Outcome): Book {
		const book: Book = {
			outcome,
			seq: 1,
			bids: new Map(),
			asks: new Map(),
			resolved: false,
			skipSeq: false,
			corruptChecksum: false,
			corruptSnapshot: false,
		};
		const mid = outcome.startMid;
		for (let k = 1; k <= 5; k++) {
			const bid = round2(mid - 0.01 * k);
			const ask = round2(mid + 0.01 * k);
			if (bid >= 0.01) setLevel(book.bids, this.level(bid));
			if (ask <= 0.99) setLevel(book.asks, this.level(ask));
		}
		return book;
	}

	private level(price: number): Level {
		const totalSize = this.random.int(50, 5000);
		return { price, totalSize, venues: this.spread(totalSize) };
	}

	/** Splits a size over one to three venues (integer sizes, so the parts add up exactly). */
	private spread(totalSize: number): VenueSize[] {
		if (totalSize === 0) return [];
		const venues = this.random.sample(VENUES, this.random.int(1, Math.min(3, totalSize)));
		const parts: VenueSize[] = [];
		let left = totalSize;
		venues.forEach((venue, index) => {
			const size = index === venues.length - 1 ? left : this.random.int(1, left - (venues.length - 1 - index));
			parts.push({ venue, size });
			left -= size;
		});
		return parts;
	}
}

function normalise(change: LevelChange): Level {
	if (!(change.price > 0 && change.price < 1)) throw new Error(`agg simulator: price ${change.price} is outside (0, 1)`);
	if (!(change.totalSize >= 0)) throw new Error(`agg simulator: totalSize ${change.totalSize} is negative`);
	const venues = change.totalSize === 0 ? [] : (change.venues ?? [{ venue: 'polymarket' as Venue, size: change.totalSize }]);
	return { price: change.price, totalSize: change.totalSize, venues: venues.map((v) => ({ ...v })) };
}

function setLevel(side: Map<number, Level>, level: Level): void {
	if (level.totalSize === 0) side.delete(level.price);
	else side.set(level.price, level);
}

function sorted(side: Map<number, Level>, order: 'asc' | 'desc'): Level[] {
	const levels = [...side.values()].map((level) => ({ ...level, venues: level.venues.map((v) => ({ ...v })) }));
	return levels.sort((a, b) => (order === 'asc' ? a.price - b.price : b.price - a.price));
}

function clampPrice(price: number): number {
	return Math.min(0.99, Math.max(0.01, round2(price)));
}
