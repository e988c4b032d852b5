/**
 * Keeps agg.market order books, one per outcome, by the venue's rules: a snapshot replaces the
 * book; a delta applies only at `seq == book.seq + 1`; older deltas are dropped; a gap, a delta
 * before any snapshot or a checksum mismatch makes the book stale and asks once for a resnapshot;
 * a stale book's content is thrown away and never emitted; `market_resolved` ends the book.
 * Pure and transport-free: every input returns what happened, the caller sends and emits.
 */
import { bookChecksum } from './checksum';
import { parseBookMessage, type DeltaMessage, type Level, type SnapshotMessage } from './messages';
import { BookSide } from './side';
import { midpointOf, spreadOf, type BookSnapshot, type ResyncCause, type ResyncReason } from './snapshot';

export type DropReason = 'old' | 'awaitingSnapshot' | 'ended';

export type BookResult =
	/** The book changed (or was replaced): emit per the trigger's choice. */
	| { kind: 'updated'; outcomeId: string; from: 'snapshot' | 'delta'; book: BookSnapshot; topChanged: boolean }
	/** Nothing to emit and nothing to do. */
	| { kind: 'dropped'; outcomeId: string; reason: DropReason; detail: string }
	/** The book is stale now: send resnapshotMessage([outcomeId]). Returned once per staleness. */
	| { kind: 'resnapshot'; outcomeId: string; reason: ResyncReason }
	/** The market resolved: the book is gone for good. Returned once. */
	| { kind: 'ended'; outcomeId: string }
	/** Not a well-formed order-book message: count it, report it. */
	| { kind: 'invalid'; reason: string; outcomeId?: string };

export interface OrderBooksOptions {
	/** Verify each delta's checksum with bookChecksum (default true). */
	verifyChecksum?: boolean;
	/** Epoch milliseconds, for `updatedAt` (default Date.now). */
	now?: () => number;
}

type TopKey = readonly [number, number, number, number];

interface Book {
	state: 'live' | 'stale' | 'ended';
	seq: number;
	bids: BookSide;
	asks: BookSide;
	/** While stale: why, to be told with the next snapshot. */
	staleBecause?: ResyncReason;
	/** The top of the last emitted book, to tell whether the top changed. */
	lastTop?: TopKey;
}

export class OrderBooks {
	private readonly books = new Map<string, Book>();
	private readonly verifyChecksum: boolean;
	private readonly now: () => number;

	constructor(options: OrderBooksOptions = {}) {
		this.verifyChecksum = options.verifyChecksum ?? true;
		this.now = options.now ?? Date.now;
	}

	/** Takes one decoded frame (`orderbook_snapshot`, `orderbook_delta`, `market_resolved`). Never throws. */
	apply(frame: unknown): BookResult {
		const parsed = parseBookMessage(frame);
		if (!parsed.ok) {
			return parsed.outcomeId === undefined
				? { kind: 'invalid', reason: parsed.reason }
				: { kind: 'invalid', reason: parsed.reason, outcomeId: parsed.outcomeId };
		}
		const message = parsed.message;
		switch (message.type) {
			case 'orderbook_snapshot':
				return this.applySnapshot(message);
			case 'orderbook_delta':
				return this.applyDelta(message);
			case 'market_resolved':
				return this.resolve(message.outcomeId);
		}
	}

	/** The current book of an outcome, or undefined while it is unknown, stale or ended. */
	book(outcomeId: string): BookSnapshot | undefined {
		const book = this.books.get(outcomeId);
		return book?.state === 'live' ? this.snapshotOf(outcomeId, book, undefined) : undefined;
	}

	/** Outcomes waiting for a snapshot: to ask again if a resnapshot seems lost. */
	staleOutcomes(): string[] {
		return [...this.books].filter(([, book]) => book.state === 'stale').map(([outcomeId]) => outcomeId);
	}

	/**
	 * After a reconnect the subscriptions bring fresh snapshots; until then every live book is
	 * outdated. Marks them stale (without asking for resnapshots) so the next snapshot says `resynced`.
	 */
	invalidateAll(detail: string): void {
		for (const book of this.books.values()) {
			if (book.state === 'live') this.makeStale(book, 'reconnect', detail);
		}
	}

	/** Forgets an outcome entirely (unsubscribed). */
	forget(outcomeId: string): void {
		this.books.delete(outcomeId);
	}

	private applySnapshot(message: SnapshotMessage): BookResult {
		const { outcomeId } = message;
		let book = this.books.get(outcomeId);
		if (book?.state === 'ended') return endedDrop(outcomeId);
		if (!book) {
			book = { state: 'live', seq: message.seq, bids: new BookSide(true), asks: new BookSide(false) };
			this.books.set(outcomeId, book);
		}
		const resynced = book.state === 'stale' ? book.staleBecause : undefined;
		book.state = 'live';
		book.staleBecause = undefined;
		book.seq = message.seq;
		book.bids.replace(message.bids);
		book.asks.replace(message.asks);
		return this.updated(outcomeId, book, 'snapshot', resynced);
	}

	private applyDelta(message: DeltaMessage): BookResult {
		const { outcomeId, seq } = message;
		const book = this.books.get(outcomeId);
		if (!book) {
			const stale: Book = { state: 'live', seq: -1, bids: new BookSide(true), asks: new BookSide(false) };
			this.books.set(outcomeId, stale);
			return this.askResnapshot(outcomeId, stale, 'noSnapshot', `delta seq ${seq} before any snapshot`);
		}
		if (book.state === 'ended') return endedDrop(outcomeId);
		if (book.state === 'stale') {
			return { kind: 'dropped', outcomeId, reason: 'awaitingSnapshot', detail: `delta seq ${seq} while waiting for a snapshot` };
		}
		if (seq <= book.seq) {
			return { kind: 'dropped', outcomeId, reason: 'old', detail: `delta seq ${seq}, book at seq ${book.seq}` };
		}
		if (seq > book.seq + 1) {
			return this.askResnapshot(outcomeId, book, 'gap', `delta seq ${seq} after seq ${book.seq}`);
		}
		applyChanges(book.bids, message.bidChanges);
		applyChanges(book.asks, message.askChanges);
		book.seq = seq;
		if (this.verifyChecksum && message.checksum !== undefined) {
			const actual = bookChecksum(book.bids.peek(), book.asks.peek());
			if (actual !== message.checksum) {
				return this.askResnapshot(outcomeId, book, 'checksum', `checksum ${actual} after seq ${seq}, venue says ${message.checksum}`);
			}
		}
		return this.updated(outcomeId, book, 'delta', undefined);
	}

	private resolve(outcomeId: string): BookResult {
		const book = this.books.get(outcomeId);
		if (book?.state === 'ended') return endedDrop(outcomeId);
		const bids = book?.bids ?? new BookSide(true);
		const asks = book?.asks ?? new BookSide(false);
		bids.clear();
		asks.clear();
		this.books.set(outcomeId, { state: 'ended', seq: book?.seq ?? -1, bids, asks });
		return { kind: 'ended', outcomeId };
	}

	private askResnapshot(outcomeId: string, book: Book, cause: ResyncCause, detail: string): BookResult {
		return { kind: 'resnapshot', outcomeId, reason: this.makeStale(book, cause, detail) };
	}

	private makeStale(book: Book, cause: ResyncCause, detail: string): ResyncReason {
		const reason: ResyncReason = { cause, detail };
		book.state = 'stale';
		book.staleBecause = reason;
		// The content cannot be trusted any more: drop it, so nothing can emit it.
		book.bids.clear();
		book.asks.clear();
		return reason;
	}

	private updated(outcomeId: string, book: Book, from: 'snapshot' | 'delta', resynced: ResyncReason | undefined): BookResult {
		const snapshot = this.snapshotOf(outcomeId, book, resynced);
		const top = topKey(snapshot);
		const previous = book.lastTop;
		// After a resync continuity is broken: report the top as changed so the gap is seen.
		const topChanged = resynced !== undefined || previous === undefined || top.some((value, index) => value !== previous[index]);
		book.lastTop = top;
		return { kind: 'updated', outcomeId, from, book: snapshot, topChanged };
	}

	private snapshotOf(outcomeId: string, book: Book, resynced: ResyncReason | undefined): BookSnapshot {
		const bestBid = book.bids.best();
		const bestAsk = book.asks.best();
		const snapshot: BookSnapshot = {
			outcomeId,
			seq: book.seq,
			bids: book.bids.view(),
			asks: book.asks.view(),
			bestBid: bestBid ?? null,
			bestAsk: bestAsk ?? null,
			midpoint: midpointOf(bestBid, bestAsk),
			spread: spreadOf(bestBid, bestAsk),
			updatedAt: new Date(this.now()).toISOString(),
		};
		return resynced ? { ...snapshot, resynced } : snapshot;
	}
}

/** The message that asks the venue for fresh snapshots. */
export function resnapshotMessage(outcomeIds: readonly string[]) {
	return { action: 'resnapshot', channel: 'orderbook', outcomeIds: [...outcomeIds] };
}

function applyChanges(side: BookSide, changes: readonly Level[]): void {
	for (const change of changes) side.apply(change);
}

function endedDrop(outcomeId: string): BookResult {
	return { kind: 'dropped', outcomeId, reason: 'ended', detail: 'the market has resolved' };
}

/** Best bid price and size, best ask price and size; -1 for a missing side (NaN would never compare equal). */
function topKey(book: BookSnapshot): TopKey {
	return [book.bestBid?.price ?? -1, book.bestBid?.totalSize ?? -1, book.bestAsk?.price ?? -1, book.bestAsk?.totalSize ?? -1];
}
