import { xorOf, type LevelHash } from './checksum';
import type { Level } from './messages';

/**
 * One side of a book: levels kept sorted in the venue's order (bids by price descending, asks
 * ascending), so a delta costs a binary search and a splice, and the sorted view is the array
 * itself. Copy-on-write: once the array has been handed out in a snapshot it is never changed
 * again; the next change works on a copy, so every snapshot stays valid.
 *
 * The side also keeps the XOR of its levels' checksum hashes up to date through every change, so
 * verifying a delta costs its changes, not the book's depth (XOR undoes itself: a level leaving
 * is XORed out again).
 */
export class BookSide {
	private levels: Level[] = [];
	/** True while the current array belongs to a snapshot someone may still hold. */
	private handedOut = false;
	/** The hash `hashed` is kept under; undefined until asked for, and after a replace. */
	private hash: LevelHash | undefined;
	private hashed = 0;

	constructor(private readonly descending: boolean) {}

	get depth(): number {
		return this.levels.length;
	}

	best(): Level | undefined {
		return this.levels[0];
	}

	/** Replaces every level (a snapshot): sorted, zero sizes left out, a repeated price keeps its last. */
	replace(levels: readonly Level[]): void {
		const byPrice = new Map<number, Level>();
		for (const level of levels) {
			if (level.totalSize === 0) byPrice.delete(level.price);
			else byPrice.set(level.price, level);
		}
		const sorted = [...byPrice.values()];
		sorted.sort(this.descending ? (a, b) => b.price - a.price : (a, b) => a.price - b.price);
		this.levels = sorted;
		this.handedOut = false;
		this.hash = undefined;
	}

	/** The XOR of every level's `hash`: in full when the hash is new (a calibrated form), else as kept. */
	checksum(hash: LevelHash): number {
		if (hash !== this.hash) {
			this.hash = hash;
			this.hashed = xorOf(this.levels, hash);
		}
		return this.hashed >>> 0;
	}

	/** Sets, adds or (size 0) removes the level at the change's price. */
	apply(change: Level): void {
		const index = this.search(change.price);
		const found = index < this.levels.length && this.levels[index].price === change.price;
		const hash = this.hash;
		// The level replaced or removed leaves the XOR; the one set or added joins it.
		if (found && hash) this.hashed ^= hash(this.levels[index]);
		if (change.totalSize === 0) {
			if (found) this.writable().splice(index, 1);
			return;
		}
		if (hash) this.hashed ^= hash(change);
		if (found) this.writable()[index] = change;
		else this.writable().splice(index, 0, change);
	}

	/** The sorted levels for a snapshot; they will not change under the holder. */
	view(): readonly Level[] {
		this.handedOut = true;
		return this.levels;
	}

	/** The sorted levels for an immediate read (the checksum); not to be kept. */
	peek(): readonly Level[] {
		return this.levels;
	}

	clear(): void {
		this.levels = [];
		this.handedOut = false;
		this.hashed = 0;
	}

	/** The index of `price`, or where it would be inserted. */
	private search(price: number): number {
		const levels = this.levels;
		let low = 0;
		let high = levels.length;
		while (low < high) {
			const middle = (low + high) >>> 1;
			const ahead = this.descending ? levels[middle].price > price : levels[middle].price < price;
			if (ahead) low = middle + 1;
			else high = middle;
		}
		return low;
	}

	private writable(): Level[] {
		if (this.handedOut) {
			this.levels = this.levels.slice();
			this.handedOut = false;
		}
		return this.levels;
	}
}
