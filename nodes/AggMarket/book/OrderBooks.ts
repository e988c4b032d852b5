/**
 * Keeps agg.market order books, one per outcome, by the venue's rules: a snapshot replaces the
 * book; a delta applies only at `seq == book.seq + 1`; older deltas are dropped; a gap, a delta
 * before any snapshot or a checksum mismatch (of a delta or, once calibrated, of a snapshot)
 * makes the book stale and asks once for a resnapshot; a stale book's content is thrown away and
 * never emitted; `market_resolved` ends the book. Resnapshots a book asks for on its own are
 * capped per interval, so a venue whose frames keep failing cannot make it ask without end.
 * Pure and transport-free: every input returns what happened, the caller sends and emits.
 */
import { IsoClock } from '../../shared/isoClock';
import { ChecksumCalibration } from './calibration';
import { parseBookMessage, type DeltaMessage, type Level, type SnapshotMessage } from './messages';
import { BookSide } from './side';
import { midpointOf, spreadOf, type BookSnapshot, type ResyncCause, type ResyncReason } from './snapshot';

export type DropReason = 'old' | 'awaitingSnapshot' | 'ended';

export type BookResult =
	/**
	 * The book changed (or was replaced): emit per the trigger's choice. `unverifiable` comes
	 * once, with the snapshot whose checksum no known form reproduces: verification is off since.
	 */
	| {
			kind: 'updated';
			outcomeId: string;
			from: 'snapshot' | 'delta';
			book: BookSnapshot;
			topChanged: boolean;
			unverifiable?: ChecksumUnverifiable;
	  }
	/** Nothing to emit and nothing to do. */
	| { kind: 'dropped'; outcomeId: string; reason: DropReason; detail: string }
	/**
	 * The book is stale now. `send`: send resnapshotMessage([outcomeId]) now; false while the
	 * book's resnapshots are capped (staleOutcomesDue() offers it again once the cap allows).
	 * `storm` comes once per pause, when the cap first holds a resnapshot back.
	 */
	| { kind: 'resnapshot'; outcomeId: string; reason: ResyncReason; send: boolean; storm?: ResnapshotStorm }
	/** The market resolved: the book is gone for good. Returned once. */
	| { kind: 'ended'; outcomeId: string }
	/** Not a well-formed order-book message: count it, report it. */
	| { kind: 'invalid'; reason: string; outcomeId?: string };

export interface OrderBooksOptions {
	/** Verify snapshots' and deltas' checksums, in the form calibrated on the snapshots (default true). */
	verifyChecksum?: boolean;
	/** Epoch milliseconds, for `updatedAt` and the resnapshot cap (default Date.now). */
	now?: () => number;
	/** At most this many resnapshots per book within `resnapshotWindowMs` (default 3 per 60 s). */
	maxResnapshots?: number;
	resnapshotWindowMs?: number;
}

export const DEFAULT_MAX_RESNAPSHOTS = 3;
export const DEFAULT_RESNAPSHOT_WINDOW_MS = 60_000;

/** The venue's checksums match no form the trigger knows: it stopped verifying them. */
export interface ChecksumUnverifiable {
	/** The snapshot's checksum that nothing reproduced. */
	checksum: number;
	formsTried: string[];
}

/** A book asked for too many resnapshots: the next waits until `resumesAt`. */
export interface ResnapshotStorm {
	resnapshots: number;
	windowMs: number;
	/** Epoch ms. */
	resumesAt: number;
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
	/** When it asked for its recent resnapshots (epoch ms, oldest first, within the window). */
	resnapshotsAt: number[];
	/** While capped: no resnapshot before this time (epoch ms). */
	pausedUntil?: number;
}

export class OrderBooks {
	private readonly books = new Map<string, Book>();
	private readonly checksums: ChecksumCalibration;
	private readonly now: () => number;
	private readonly clock: IsoClock;
	private readonly maxResnapshots: number;
	private readonly resnapshotWindowMs: number;

	constructor(options: OrderBooksOptions = {}) {
		this.checksums = new ChecksumCalibration(options.verifyChecksum ?? true);
		this.now = options.now ?? Date.now;
		this.clock = new IsoClock(this.now);
		this.maxResnapshots = options.maxResnapshots ?? DEFAULT_MAX_RESNAPSHOTS;
		this.resnapshotWindowMs = options.resnapshotWindowMs ?? DEFAULT_RESNAPSHOT_WINDOW_MS;
	}

	/** Whether checksums are still verified (false when switched off, or when no known form matched). */
	get verifyingChecksums(): boolean {
		return this.checksums.verifying;
	}

	/** The checksum form calibrated on the snapshots so far (`b:normalized`, `bid:normalized`, …). */
	get checksumForm(): string {
		return this.checksums.form.name;
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

	/** Outcomes waiting for a snapshot. */
	staleOutcomes(): string[] {
		return [...this.books].filter(([, book]) => book.state === 'stale').map(([outcomeId]) => outcomeId);
	}

	/** Outcomes waiting for a snapshot that may ask again now (a resnapshot seems lost): those the cap holds back wait. */
	staleOutcomesDue(): string[] {
		const now = this.now();
		return [...this.books]
			.filter(([, book]) => book.state === 'stale' && !(book.pausedUntil !== undefined && book.pausedUntil > now))
			.map(([outcomeId]) => outcomeId);
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
			book = newBook(message.seq);
			this.books.set(outcomeId, book);
		}
		const resynced = book.state === 'stale' ? book.staleBecause : undefined;
		book.bids.replace(message.bids);
		book.asks.replace(message.asks);
		// Verified as the book stands (sorted, zero sizes out), as the venue computed it.
		const verdict = this.checksums.verifySnapshot(book.bids.peek(), book.asks.peek(), message.checksum);
		if (verdict.kind === 'mismatch') return this.askResnapshot(outcomeId, book, 'checksum', verdict.detail);
		book.state = 'live';
		book.staleBecause = undefined;
		book.pausedUntil = undefined;
		book.seq = message.seq;
		const result = this.updated(outcomeId, book, 'snapshot', resynced);
		if (verdict.kind === 'unverifiable' && result.kind === 'updated') {
			result.unverifiable = { checksum: verdict.checksum, formsTried: verdict.formsTried };
		}
		return result;
	}

	private applyDelta(message: DeltaMessage): BookResult {
		const { outcomeId, seq } = message;
		const book = this.books.get(outcomeId);
		if (!book) {
			const stale = newBook(-1);
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
		const verdict = this.checksums.verifyDelta(book.bids, book.asks, message.checksum, seq);
		if (verdict.kind === 'mismatch') return this.askResnapshot(outcomeId, book, 'checksum', verdict.detail);
		return this.updated(outcomeId, book, 'delta', undefined);
	}

	private resolve(outcomeId: string): BookResult {
		const book = this.books.get(outcomeId);
		if (book?.state === 'ended') return endedDrop(outcomeId);
		const bids = book?.bids ?? new BookSide(true);
		const asks = book?.asks ?? new BookSide(false);
		bids.clear();
		asks.clear();
		this.books.set(outcomeId, { state: 'ended', seq: book?.seq ?? -1, bids, asks, resnapshotsAt: [] });
		return { kind: 'ended', outcomeId };
	}

	private askResnapshot(outcomeId: string, book: Book, cause: ResyncCause, detail: string): BookResult {
		const reason = this.makeStale(book, cause, detail);
		const now = this.now();
		if (book.pausedUntil !== undefined && book.pausedUntil > now) return { kind: 'resnapshot', outcomeId, reason, send: false };
		const recent = book.resnapshotsAt.filter((at) => at > now - this.resnapshotWindowMs);
		book.resnapshotsAt = recent;
		if (recent.length < this.maxResnapshots) {
			recent.push(now);
			book.pausedUntil = undefined;
			return { kind: 'resnapshot', outcomeId, reason, send: true };
		}
		// Too many in the window: wait until the oldest leaves it, and say so once for this pause.
		const resumesAt = recent[0] + this.resnapshotWindowMs;
		book.pausedUntil = resumesAt;
		const storm = { resnapshots: recent.length, windowMs: this.resnapshotWindowMs, resumesAt };
		return { kind: 'resnapshot', outcomeId, reason, send: false, storm };
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
			updatedAt: this.clock.iso(),
		};
		return resynced ? { ...snapshot, resynced } : snapshot;
	}
}

function newBook(seq: number): Book {
	return { state: 'live', seq, bids: new BookSide(true), asks: new BookSide(false), resnapshotsAt: [] };
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
