import { bookChecksum } from '../../nodes/AggMarket/book/checksum';
import type { BookResult } from '../../nodes/AggMarket/book/OrderBooks';
import type { BookSnapshot } from '../../nodes/AggMarket/book/snapshot';

export type Pair = [price: number, totalSize: number];

export const level = ([price, totalSize]: Pair) => ({ price, totalSize, venues: ['kalshi'] });

export function snapshotFrame(outcomeId: string, seq: number, bids: Pair[], asks: Pair[]) {
	return {
		type: 'orderbook_snapshot',
		outcomeId,
		seq,
		checksum: checksumOf(bids, asks),
		bids: bids.map(level),
		asks: asks.map(level),
		midpoint: 0.5,
		spread: 0.01,
	};
}

/** A delta whose checksum is that of `after`, the book the test expects once it is applied. */
export function deltaFrame(
	outcomeId: string,
	seq: number,
	changes: { bids?: Pair[]; asks?: Pair[] },
	after: { bids: Pair[]; asks: Pair[] } | { checksum: number },
) {
	return {
		type: 'orderbook_delta',
		outcomeId,
		seq,
		checksum: 'checksum' in after ? after.checksum : checksumOf(after.bids, after.asks),
		bidChanges: (changes.bids ?? []).map(level),
		askChanges: (changes.asks ?? []).map(level),
	};
}

/** The checksum computed independently of the keeper: from the expected levels, in venue order. */
export function checksumOf(bids: Pair[], asks: Pair[]): number {
	return bookChecksum(bids.map(level), asks.map(level));
}

export function pairs(levels: BookSnapshot['bids']): Pair[] {
	return levels.map((entry) => [entry.price, entry.totalSize]);
}

export function expectUpdated(result: BookResult): Extract<BookResult, { kind: 'updated' }> {
	if (result.kind !== 'updated') throw new Error(`expected an update, got ${JSON.stringify(result)}`);
	return result;
}
