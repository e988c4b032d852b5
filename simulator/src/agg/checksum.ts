/**
 * The order-book checksum the simulated agg.market puts in every snapshot and delta, computed on
 * the venue's side of the protocol: the simulator does not share the client's code
 * (nodes/AggMarket/book/checksum.ts), so a test where both agree checks the protocol, not one
 * function against itself.
 *
 * The venue documents it only as "XOR of per-level CRC32"; the canonical form both sides use is in
 * docs/venues/agg-market.md#order-book-checksum: per level the text `<side>:<price>:<totalSize>` (side `b` for bids, `a` for
 * asks; numbers as JavaScript prints them, `0.55`), the CRC32 of each, XORed together, as an
 * unsigned 32-bit integer. An empty book's checksum is 0.
 */
import { crc32 } from 'node:zlib';

interface PricedLevel {
	price: number;
	totalSize: number;
}

const SIDE_TAG = { bids: 'b', asks: 'a' } as const;

/** The text hashed for one level. */
export function canonicalLevel(side: keyof typeof SIDE_TAG, level: PricedLevel): string {
	return [SIDE_TAG[side], level.price, level.totalSize].join(':');
}

/** The checksum of a book, whatever the order of its levels (XOR commutes). */
export function bookChecksum(book: { bids: readonly PricedLevel[]; asks: readonly PricedLevel[] }): number {
	let checksum = 0;
	for (const side of ['bids', 'asks'] as const) {
		for (const level of book[side]) checksum = (checksum ^ crc32(canonicalLevel(side, level))) >>> 0;
	}
	return checksum;
}
