/**
 * The order-book keeper's checksum calibration and resnapshot cap, on hand-built frames whose
 * checksums are computed here from the level texts (not with the nodes' checksum code).
 */
import { crc32 } from 'node:zlib';

import { OrderBooks, type BookResult } from '../../nodes/AggMarket/book/OrderBooks';
import { expectUpdated, pairs, type Pair } from './bookHelpers';

type Spelling = { bid: string; ask: string };
const SHORT: Spelling = { bid: 'b', ask: 'a' };
const LONG: Spelling = { bid: 'bid', ask: 'ask' };

/** XOR of the CRC32 of each level's text, written out by hand. */
function checksumOf(
	spelling: Spelling,
	bids: Array<[string | number, string | number]>,
	asks: Array<[string | number, string | number]>,
): number {
	let checksum = 0;
	for (const [price, size] of bids) checksum ^= crc32(`${spelling.bid}:${price}:${size}`);
	for (const [price, size] of asks) checksum ^= crc32(`${spelling.ask}:${price}:${size}`);
	return checksum >>> 0;
}

const BIDS: Pair[] = [
	[0.55, 100],
	[0.54, 200],
];
const ASKS: Pair[] = [
	[0.56, 80],
	[0.6, 10],
];

const levels = (list: Array<[unknown, unknown]>) => list.map(([price, totalSize]) => ({ price, totalSize }));
const snapshot = (seq: number, bids: Array<[unknown, unknown]>, asks: Array<[unknown, unknown]>, checksum: number) => ({
	type: 'orderbook_snapshot',
	outcomeId: 'o1',
	seq,
	checksum,
	bids: levels(bids),
	asks: levels(asks),
});
const delta = (seq: number, bids: Array<[unknown, unknown]>, asks: Array<[unknown, unknown]>, checksum: number) => ({
	type: 'orderbook_delta',
	outcomeId: 'o1',
	seq,
	checksum,
	bidChanges: levels(bids),
	askChanges: levels(asks),
});

function expectResnapshot(result: BookResult): Extract<BookResult, { kind: 'resnapshot' }> {
	if (result.kind !== 'resnapshot') throw new Error(`expected a resnapshot, got ${JSON.stringify(result)}`);
	return result;
}

describe.each([
	['b:', SHORT, 'b:normalized'],
	['bid:', LONG, 'bid:normalized'],
])('OrderBooks: checksums spelled %s', (_name, spelling, form) => {
	it('calibrates on the first snapshot and verifies 26 deltas without a single resnapshot', () => {
		const keeper = new OrderBooks();
		const first = expectUpdated(keeper.apply(snapshot(1, BIDS, ASKS, checksumOf(spelling, BIDS, ASKS))));
		expect(first.unverifiable).toBeUndefined();
		expect(keeper.checksumForm).toBe(form);
		const bids = new Map<number, number>(BIDS);
		for (let seq = 2; seq <= 27; seq++) {
			const size = seq * 3;
			bids.set(0.3, size);
			const after = [...bids].sort((a, b) => b[0] - a[0]);
			const result = expectUpdated(keeper.apply(delta(seq, [[0.3, size]], [], checksumOf(spelling, after, ASKS))));
			expect(pairs(result.book.bids)).toEqual(after);
		}
		expect(keeper.verifyingChecksums).toBe(true);
	});

	it('still catches a wrong delta checksum after calibrating', () => {
		const keeper = new OrderBooks();
		keeper.apply(snapshot(1, BIDS, ASKS, checksumOf(spelling, BIDS, ASKS)));
		const result = expectResnapshot(keeper.apply(delta(2, [[0.3, 5]], [], checksumOf(spelling, BIDS, ASKS))));
		expect(result.reason.cause).toBe('checksum');
		expect(result.send).toBe(true);
	});

	it('verifies snapshots once calibrated: a corrupted one is not emitted, the next good one says resynced', () => {
		const keeper = new OrderBooks();
		keeper.apply(snapshot(1, BIDS, ASKS, checksumOf(spelling, BIDS, ASKS)));
		const bad = expectResnapshot(keeper.apply(snapshot(5, BIDS, ASKS, (checksumOf(spelling, BIDS, ASKS) ^ 0x5a5a5a5a) >>> 0)));
		expect(bad.reason).toMatchObject({ cause: 'checksum', detail: expect.stringContaining('snapshot') });
		expect(keeper.book('o1')).toBeUndefined();
		const good = expectUpdated(keeper.apply(snapshot(6, BIDS, ASKS, checksumOf(spelling, BIDS, ASKS))));
		expect(good.book.resynced?.cause).toBe('checksum');
		expect(good.unverifiable).toBeUndefined();
	});

	it('calibrates on numbers sent as text, hashing them as sent', () => {
		const keeper = new OrderBooks();
		const bids: Array<[string, string]> = [['0.550', '100.0']];
		const asks: Array<[string, string]> = [['0.560', '80.0']];
		const update = expectUpdated(keeper.apply(snapshot(1, bids, asks, checksumOf(spelling, bids, asks))));
		expect(update.unverifiable).toBeUndefined();
		expect(keeper.checksumForm).toBe(form.replace('normalized', 'sent'));
		// Emitted as numbers; the text only served the checksum.
		expect(update.book.bestBid).toEqual({ price: 0.55, totalSize: 100 });
		const after = [...bids, ['0.300', '5'] as [string, string]];
		expectUpdated(keeper.apply(delta(2, [['0.300', '5']], [], checksumOf(spelling, after, asks))));
	});
});

describe('OrderBooks: a checksum no known form reproduces', () => {
	it('turns verification off once, says so with that snapshot, and never asks for a resnapshot for it', () => {
		const keeper = new OrderBooks();
		const unknown = checksumOf({ bid: 'BUY', ask: 'SELL' }, BIDS, ASKS);
		const first = expectUpdated(keeper.apply(snapshot(1, BIDS, ASKS, unknown)));
		expect(first.unverifiable).toEqual({ checksum: unknown, formsTried: ['b:normalized', 'bid:normalized', 'b:sent', 'bid:sent'] });
		expect(keeper.verifyingChecksums).toBe(false);
		const results = [2, 3, 4].map((seq) => keeper.apply(delta(seq, [[0.3, seq]], [], 12345)));
		expect(results.map((result) => result.kind)).toEqual(['updated', 'updated', 'updated']);
		expect(expectUpdated(keeper.apply(snapshot(9, BIDS, ASKS, 1))).unverifiable).toBeUndefined();
		// Sequence gaps are still caught.
		expect(keeper.apply(delta(11, [], [], 0)).kind).toBe('resnapshot');
	});

	it('does not calibrate on an empty book (every form hashes it to 0)', () => {
		const keeper = new OrderBooks();
		expectUpdated(keeper.apply(snapshot(1, [], [], 0)));
		const update = expectUpdated(keeper.apply(snapshot(2, BIDS, ASKS, checksumOf(LONG, BIDS, ASKS))));
		expect(update.unverifiable).toBeUndefined();
		expect(keeper.checksumForm).toBe('bid:normalized');
	});
});

describe('OrderBooks: the resnapshot cap', () => {
	it('asks at most 3 times per book in 60 s, reports the storm once, and asks again once the window allows', () => {
		let now = 1_000_000;
		const keeper = new OrderBooks({ now: () => now });
		const good = checksumOf(SHORT, BIDS, ASKS);
		keeper.apply(snapshot(1, BIDS, ASKS, good));
		const bad = (seq: number) => keeper.apply(snapshot(seq, BIDS, ASKS, (good ^ 1) >>> 0));
		const asked = [2, 3, 4].map((seq) => expectResnapshot(bad(seq)));
		expect(asked.map((result) => [result.send, result.storm])).toEqual([
			[true, undefined],
			[true, undefined],
			[true, undefined],
		]);
		now += 1000;
		const capped = expectResnapshot(bad(5));
		expect(capped.send).toBe(false);
		expect(capped.storm).toEqual({ resnapshots: 3, windowMs: 60_000, resumesAt: 1_000_000 + 60_000 });
		// Said once per pause; the retry timer leaves the book alone meanwhile.
		const held = expectResnapshot(bad(6));
		expect([held.send, held.storm]).toEqual([false, undefined]);
		expect(keeper.staleOutcomes()).toEqual(['o1']);
		expect(keeper.staleOutcomesDue()).toEqual([]);

		now = 1_000_000 + 60_001;
		expect(keeper.staleOutcomesDue()).toEqual(['o1']);
		const again = expectResnapshot(bad(7));
		expect([again.send, again.storm]).toEqual([true, undefined]);
		const back = expectUpdated(keeper.apply(snapshot(8, BIDS, ASKS, good)));
		expect(back.book.resynced?.cause).toBe('checksum');
	});
});
