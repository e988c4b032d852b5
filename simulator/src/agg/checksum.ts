/**
 * The order-book checksum the simulated agg.market puts in every snapshot and delta, computed on
 * the venue's side of the protocol: the simulator does not share the client's code
 * (nodes/AggMarket/book/checksum.ts), so a test where both agree checks the protocol, not one
 * function against itself.
 *
 * The venue documents it only as "XOR of per-level CRC32"; the text hashed per level is
 * `<side>:<price>:<totalSize>` (numbers as JavaScript prints them, `0.55`), the side spelled as
 * the dialect reads it: `b`/`a` in `short`, `bid`/`ask` in `long`
 * (docs/venues/agg-market.md#order-book-checksum). The CRC32 of each level, XORed together, as an
 * unsigned 32-bit integer. An empty book's checksum is 0.
 */
import { crc32 } from 'node:zlib';

import type { AggDialect } from '../dialects';

interface PricedLevel {
	price: number;
	totalSize: number;
}

const SIDE_TAGS: Record<AggDialect, { bids: string; asks: string }> = {
	short: { bids: 'b', asks: 'a' },
	long: { bids: 'bid', asks: 'ask' },
};

/** The text hashed for one level. */
export function canonicalLevel(side: 'bids' | 'asks', level: PricedLevel, dialect: AggDialect = 'short'): string {
	return [SIDE_TAGS[dialect][side], level.price, level.totalSize].join(':');
}

/** The checksum of a book, whatever the order of its levels (XOR commutes). */
export function bookChecksum(book: { bids: readonly PricedLevel[]; asks: readonly PricedLevel[] }, dialect: AggDialect = 'short'): number {
	let checksum = 0;
	for (const side of ['bids', 'asks'] as const) {
		for (const level of book[side]) checksum = (checksum ^ crc32(canonicalLevel(side, level, dialect))) >>> 0;
	}
	return checksum;
}
