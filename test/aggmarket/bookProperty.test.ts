import { OrderBooks } from '../../nodes/AggMarket/book/OrderBooks';
import { checksumOf, deltaFrame, expectUpdated, pairs, snapshotFrame, type Pair } from './bookHelpers';

/** A small seeded generator, so a failure can be replayed. */
function generator(seed: number) {
	let state = seed >>> 0;
	const next = () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
	return { next, int: (low: number, high: number) => low + Math.floor(next() * (high - low + 1)) };
}

/** The naive model: a map per side, sorted only when read. */
class NaiveBook {
	bids = new Map<number, number>();
	asks = new Map<number, number>();

	set(side: Map<number, number>, [price, size]: Pair) {
		if (size === 0) side.delete(price);
		else side.set(price, size);
	}

	sorted(): { bids: Pair[]; asks: Pair[] } {
		return {
			bids: [...this.bids].sort((a, b) => b[0] - a[0]),
			asks: [...this.asks].sort((a, b) => a[0] - b[0]),
		};
	}
}

function randomChanges(random: ReturnType<typeof generator>, lowCents: number, highCents: number): Pair[] {
	return Array.from({ length: random.int(0, 4) }, (): Pair => {
		const price = random.int(lowCents, highCents) / 100;
		return [price, random.next() < 0.3 ? 0 : random.int(1, 500)];
	});
}

describe('OrderBooks against a naive model', () => {
	it.each([1, 2, 3, 42, 2025])('gives the same book for random deltas (seed %i)', (seed) => {
		const random = generator(seed);
		const keeper = new OrderBooks();
		const model = new NaiveBook();
		let seq = 100;
		expectUpdated(keeper.apply(snapshotFrame('o', seq, [], [])));

		for (let step = 0; step < 400; step++) {
			if (random.next() < 0.03) {
				// Now and then a fresh snapshot replaces everything.
				model.bids.clear();
				model.asks.clear();
				for (const change of randomChanges(random, 1, 60)) model.set(model.bids, change);
				for (const change of randomChanges(random, 40, 99)) model.set(model.asks, change);
				seq += random.int(1, 10);
				const expected = model.sorted();
				const update = expectUpdated(keeper.apply(snapshotFrame('o', seq, expected.bids, expected.asks)));
				expect(pairs(update.book.bids)).toEqual(expected.bids);
				continue;
			}
			if (random.next() < 0.05) {
				// A replayed old delta is dropped and changes nothing.
				const old = keeper.apply(deltaFrame('o', seq - random.int(0, 3), { bids: [[0.5, 1]] }, { checksum: 0 }));
				expect(old).toMatchObject({ kind: 'dropped', reason: 'old' });
			}
			const bidChanges = randomChanges(random, 1, 60);
			const askChanges = randomChanges(random, 40, 99);
			for (const change of bidChanges) model.set(model.bids, change);
			for (const change of askChanges) model.set(model.asks, change);
			const expected = model.sorted();
			seq++;
			const update = expectUpdated(keeper.apply(deltaFrame('o', seq, { bids: bidChanges, asks: askChanges }, expected)));

			expect(pairs(update.book.bids)).toEqual(expected.bids);
			expect(pairs(update.book.asks)).toEqual(expected.asks);
			expect(update.book.seq).toBe(seq);
			expect(update.book.bestBid?.price ?? null).toBe(expected.bids[0]?.[0] ?? null);
			expect(update.book.bestAsk?.price ?? null).toBe(expected.asks[0]?.[0] ?? null);
			expect(checksumOf(pairs(update.book.bids), pairs(update.book.asks))).toBe(checksumOf(expected.bids, expected.asks));
		}
	});
});
