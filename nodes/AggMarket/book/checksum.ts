/**
 * The agg.market order-book checksum, in one place. The venue documents it only as "XOR of
 * per-level CRC32" (docs/venues/agg-market.md#order-book-checksum): which text is hashed per level is not public, so this is our
 * canonical form, shared by the trigger and the simulator, and the trigger lets a user switch
 * verification off. A mismatch means "resnapshot", never a crash.
 *
 * Canonical level text: `<side>:<price>:<totalSize>`, side `b` or `a`, numbers as JavaScript
 * prints them (`String(0.55)` → `0.55`). The checksum is the XOR of every level's CRC32, as an
 * unsigned 32-bit integer; an empty book's checksum is 0.
 */
import { crc32 } from 'node:zlib';

export interface BookLevel {
	price: number;
	totalSize: number;
	[field: string]: unknown;
}

export function levelText(side: 'b' | 'a', level: BookLevel): string {
	return `${side}:${String(level.price)}:${String(level.totalSize)}`;
}

export function bookChecksum(bids: readonly BookLevel[], asks: readonly BookLevel[]): number {
	let checksum = 0;
	for (const level of bids) checksum ^= crc32(levelText('b', level));
	for (const level of asks) checksum ^= crc32(levelText('a', level));
	return checksum >>> 0;
}
