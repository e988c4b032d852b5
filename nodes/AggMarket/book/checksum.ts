/**
 * The agg.market order-book checksum. The venue documents it only as "XOR of per-level CRC32"
 * (docs/venues/agg-market.md#order-book-checksum): which text is hashed per level is not public,
 * so the trigger knows several plausible forms and calibrates on the venue's snapshots
 * (calibration.ts). A mismatch means "resnapshot", never a crash.
 *
 * Level text: `<side>:<price>:<totalSize>`, side `b`/`a` or `bid`/`ask`, numbers as JavaScript
 * prints them (`0.55`) or as the venue sent them when it sent text (`"0.550"`). The checksum is
 * the XOR of every level's CRC32, as an unsigned 32-bit integer; an empty book's checksum is 0.
 */
import { crc32 } from 'node:zlib';

import { sentText } from './messages';

export interface BookLevel {
	price: number;
	totalSize: number;
	[field: string]: unknown;
}

/** One reading of the level text: how the side is spelled and how numbers are printed. */
export interface ChecksumForm {
	/** A short name for messages: `b:normalized`, `bid:sent`. */
	readonly name: string;
	readonly bid: string;
	readonly ask: string;
	/** `normalized`: as JavaScript prints the number; `sent`: the venue's own text where it sent one. */
	readonly numbers: 'normalized' | 'sent';
}

function form(bid: string, ask: string, numbers: ChecksumForm['numbers']): ChecksumForm {
	return { name: `${bid}:${numbers}`, bid, ask, numbers };
}

/** Every form the trigger tries, most likely first. */
export const CHECKSUM_FORMS: readonly ChecksumForm[] = [
	form('b', 'a', 'normalized'),
	form('bid', 'ask', 'normalized'),
	form('b', 'a', 'sent'),
	form('bid', 'ask', 'sent'),
];

/** The form this project read first (`b:0.55:1200`). */
export const DEFAULT_FORM = CHECKSUM_FORMS[0];

export function levelText(side: string, level: BookLevel, numbers: ChecksumForm['numbers'] = 'normalized'): string {
	const sent = numbers === 'sent' ? sentText(level) : undefined;
	return `${side}:${sent?.price ?? String(level.price)}:${sent?.totalSize ?? String(level.totalSize)}`;
}

/** One level's CRC32 as one side of a form spells it. */
export type LevelHash = (level: BookLevel) => number;

const hashesByForm = new Map<ChecksumForm, { bid: LevelHash; ask: LevelHash }>();

/** The level hashes of a form's two sides; the same functions every time, so a side can tell its hash changed. */
export function levelHashes(form: ChecksumForm): { bid: LevelHash; ask: LevelHash } {
	let hashes = hashesByForm.get(form);
	if (!hashes) {
		hashes = {
			bid: (level) => crc32(levelText(form.bid, level, form.numbers)),
			ask: (level) => crc32(levelText(form.ask, level, form.numbers)),
		};
		hashesByForm.set(form, hashes);
	}
	return hashes;
}

/** The XOR of the levels' hashes, as an unsigned 32-bit integer. */
export function xorOf(levels: readonly BookLevel[], hash: LevelHash): number {
	let checksum = 0;
	for (const level of levels) checksum ^= hash(level);
	return checksum >>> 0;
}

export function bookChecksum(bids: readonly BookLevel[], asks: readonly BookLevel[], form: ChecksumForm = DEFAULT_FORM): number {
	const { bid, ask } = levelHashes(form);
	return (xorOf(bids, bid) ^ xorOf(asks, ask)) >>> 0;
}
