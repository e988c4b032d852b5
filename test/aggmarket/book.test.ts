import { OrderBooks, resnapshotMessage, type BookResult } from '../../nodes/AggMarket/book/OrderBooks';
import { checksumOf, deltaFrame, expectUpdated, pairs, snapshotFrame, type Pair } from './bookHelpers';

const NOW = Date.parse('2025-01-02T03:04:05.000Z');
const books = (options: { verifyChecksum?: boolean } = {}) => new OrderBooks({ now: () => NOW, ...options });

const BIDS: Pair[] = [
	[0.55, 100],
	[0.54, 200],
	[0.5, 50],
];
const ASKS: Pair[] = [
	[0.56, 80],
	[0.6, 10],
];

describe('OrderBooks: snapshot and in-order deltas', () => {
	it('takes a snapshot in venue order, with best levels, midpoint and spread computed', () => {
		// Given out of order, with a zero level and a repeated price (the last one counts).
		const frame = snapshotFrame(
			'o1',
			10,
			[
				[0.5, 50],
				[0.55, 100],
				[0.54, 1],
				[0.53, 0],
				[0.54, 200],
			],
			[
				[0.6, 10],
				[0.56, 80],
			],
		);
		const update = expectUpdated(books().apply(frame));
		expect(update.from).toBe('snapshot');
		expect(update.topChanged).toBe(true);
		expect(pairs(update.book.bids)).toEqual(BIDS);
		expect(pairs(update.book.asks)).toEqual(ASKS);
		expect(update.book).toMatchObject({
			outcomeId: 'o1',
			seq: 10,
			bestBid: { price: 0.55, totalSize: 100, venues: ['kalshi'] },
			bestAsk: { price: 0.56, totalSize: 80 },
			midpoint: 0.555,
			spread: 0.01,
			updatedAt: '2025-01-02T03:04:05.000Z',
		});
		expect(update.book.resynced).toBeUndefined();
	});

	it('adds, changes and removes levels on both sides, verifying each checksum', () => {
		const keeper = books();
		keeper.apply(snapshotFrame('o1', 10, BIDS, ASKS));

		const afterAdd = {
			bids: [
				[0.55, 100],
				[0.54, 200],
				[0.52, 7],
				[0.5, 50],
			] as Pair[],
			asks: [
				[0.56, 80],
				[0.58, 3],
				[0.6, 10],
			] as Pair[],
		};
		const added = expectUpdated(keeper.apply(deltaFrame('o1', 11, { bids: [[0.52, 7]], asks: [[0.58, 3]] }, afterAdd)));
		expect(pairs(added.book.bids)).toEqual(afterAdd.bids);
		expect(pairs(added.book.asks)).toEqual(afterAdd.asks);
		expect(added.topChanged).toBe(false);
		expect(added.from).toBe('delta');

		const afterChange = {
			bids: [
				[0.55, 100],
				[0.54, 1],
				[0.52, 7],
				[0.5, 50],
			] as Pair[],
			asks: [
				[0.56, 80],
				[0.58, 3],
				[0.6, 99],
			] as Pair[],
		};
		const changed = expectUpdated(keeper.apply(deltaFrame('o1', 12, { bids: [[0.54, 1]], asks: [[0.6, 99]] }, afterChange)));
		expect(pairs(changed.book.bids)).toEqual(afterChange.bids);
		expect(pairs(changed.book.asks)).toEqual(afterChange.asks);

		// Removing the best bid and the best ask moves the top.
		const afterRemove = {
			bids: [
				[0.54, 1],
				[0.52, 7],
				[0.5, 50],
			] as Pair[],
			asks: [
				[0.58, 3],
				[0.6, 99],
			] as Pair[],
		};
		const removed = expectUpdated(keeper.apply(deltaFrame('o1', 13, { bids: [[0.55, 0]], asks: [[0.56, 0]] }, afterRemove)));
		expect(pairs(removed.book.bids)).toEqual(afterRemove.bids);
		expect(pairs(removed.book.asks)).toEqual(afterRemove.asks);
		expect(removed.book).toMatchObject({ seq: 13, bestBid: { price: 0.54 }, bestAsk: { price: 0.58 }, midpoint: 0.56, spread: 0.04 });
		expect(removed.topChanged).toBe(true);
	});

	it('never changes a book it has handed out', () => {
		const keeper = books();
		const first = expectUpdated(keeper.apply(snapshotFrame('o1', 1, BIDS, ASKS))).book;
		const copy = JSON.parse(JSON.stringify(first));
		const after = {
			bids: [
				[0.55, 1],
				[0.54, 200],
				[0.5, 50],
			] as Pair[],
			asks: [
				[0.57, 5],
				[0.6, 10],
			] as Pair[],
		};
		keeper.apply(
			deltaFrame(
				'o1',
				2,
				{
					bids: [[0.55, 1]],
					asks: [
						[0.56, 0],
						[0.57, 5],
					],
				},
				after,
			),
		);
		expect(JSON.parse(JSON.stringify(first))).toEqual(copy);
		expect(pairs(keeper.book('o1')!.asks)).toEqual(after.asks);
	});

	it('gives plain data that survives JSON (no Maps, no classes)', () => {
		const book = expectUpdated(books().apply(snapshotFrame('o1', 1, BIDS, []))).book;
		expect(JSON.parse(JSON.stringify(book))).toEqual(book);
		expect(book).toMatchObject({ bestAsk: null, midpoint: null, spread: null });
	});

	it('keeps one book per outcome', () => {
		const keeper = books();
		keeper.apply(snapshotFrame('a', 1, BIDS, ASKS));
		keeper.apply(snapshotFrame('b', 50, [[0.1, 1]], [[0.9, 1]]));
		const update = expectUpdated(keeper.apply(deltaFrame('a', 2, { bids: [[0.55, 0]] }, { bids: BIDS.slice(1), asks: ASKS })));
		expect(update.book.bestBid?.price).toBe(0.54);
		expect(keeper.book('b')).toMatchObject({ seq: 50, bestBid: { price: 0.1 } });
	});
});

describe('OrderBooks: sequence rules', () => {
	it('drops a delta at or before the book seq, without touching the book', () => {
		const keeper = books();
		keeper.apply(snapshotFrame('o1', 10, BIDS, ASKS));
		for (const seq of [10, 3]) {
			const result = keeper.apply(deltaFrame('o1', seq, { bids: [[0.55, 0]] }, { checksum: 1 }));
			expect(result).toMatchObject({ kind: 'dropped', outcomeId: 'o1', reason: 'old' });
		}
		expect(pairs(keeper.book('o1')!.bids)).toEqual(BIDS);
		expect(keeper.book('o1')!.seq).toBe(10);
	});

	it('on a gap asks for a resnapshot once, ignores deltas while stale, and resyncs on the next snapshot', () => {
		const keeper = books();
		keeper.apply(snapshotFrame('o1', 10, BIDS, ASKS));
		const gap = keeper.apply(deltaFrame('o1', 12, { bids: [[0.55, 0]] }, { bids: BIDS.slice(1), asks: ASKS }));
		expect(gap).toEqual({ kind: 'resnapshot', outcomeId: 'o1', reason: { cause: 'gap', detail: 'delta seq 12 after seq 10' }, send: true });
		expect(keeper.book('o1')).toBeUndefined();
		expect(keeper.staleOutcomes()).toEqual(['o1']);

		// Even the "right" next seq is ignored: the book is no longer trusted.
		const later = [11, 13, 14].map((seq) => keeper.apply(deltaFrame('o1', seq, {}, { bids: BIDS, asks: ASKS })));
		expect(later.map((result) => result.kind)).toEqual(['dropped', 'dropped', 'dropped']);
		expect(later[0]).toMatchObject({ reason: 'awaitingSnapshot' });

		const restored = expectUpdated(keeper.apply(snapshotFrame('o1', 20, [[0.4, 1]], [[0.7, 2]])));
		expect(restored.book.resynced).toEqual({ cause: 'gap', detail: 'delta seq 12 after seq 10' });
		expect(restored.topChanged).toBe(true);
		expect(keeper.staleOutcomes()).toEqual([]);

		// Live again: the next in-order delta applies and no longer says resynced.
		const next = expectUpdated(
			keeper.apply(
				deltaFrame(
					'o1',
					21,
					{ bids: [[0.41, 5]] },
					{
						bids: [
							[0.41, 5],
							[0.4, 1],
						],
						asks: [[0.7, 2]],
					},
				),
			),
		);
		expect(next.book.resynced).toBeUndefined();
		expect(pairs(next.book.bids)).toEqual([
			[0.41, 5],
			[0.4, 1],
		]);
	});

	it('asks for a snapshot once when deltas come before any snapshot', () => {
		const keeper = books();
		const results = [5, 6, 7].map((seq) => keeper.apply(deltaFrame('o9', seq, { bids: [[0.1, 1]] }, { bids: [[0.1, 1]], asks: [] })));
		expect(results[0]).toMatchObject({ kind: 'resnapshot', outcomeId: 'o9', reason: { cause: 'noSnapshot' } });
		expect(results.slice(1).map((result) => result.kind)).toEqual(['dropped', 'dropped']);
		const first = expectUpdated(keeper.apply(snapshotFrame('o9', 8, [[0.1, 1]], [])));
		expect(first.book.resynced?.cause).toBe('noSnapshot');
	});

	it('on a wrong checksum asks for a resnapshot and never returns the bad book', () => {
		const keeper = books();
		keeper.apply(snapshotFrame('o1', 10, BIDS, ASKS));
		const wrong = checksumOf(BIDS, ASKS); // the checksum before the change, not after
		const result = keeper.apply(deltaFrame('o1', 11, { bids: [[0.55, 7]] }, { checksum: wrong }));
		expect(result).toMatchObject({ kind: 'resnapshot', outcomeId: 'o1', reason: { cause: 'checksum' } });
		expect((result as Extract<BookResult, { kind: 'resnapshot' }>).reason.detail).toContain(String(wrong));
		expect(keeper.book('o1')).toBeUndefined();

		const afterwards = keeper.apply(deltaFrame('o1', 12, {}, { bids: [[0.55, 7], ...BIDS.slice(1)], asks: ASKS }));
		expect(afterwards).toMatchObject({ kind: 'dropped', reason: 'awaitingSnapshot' });
		const restored = expectUpdated(keeper.apply(snapshotFrame('o1', 30, BIDS, ASKS)));
		expect(restored.book.resynced?.cause).toBe('checksum');
	});

	it('accepts a checksum printed as a signed 32-bit integer', () => {
		const keeper = books();
		keeper.apply(snapshotFrame('o1', 1, [], []));
		const after: Pair[] = [[0.3, 2]];
		const unsigned = checksumOf(after, []);
		const signed = unsigned | 0;
		const frame = deltaFrame('o1', 2, { bids: after }, { checksum: signed });
		expect(keeper.apply(frame).kind).toBe('updated');
	});

	it('does not check checksums when verification is off', () => {
		const keeper = books({ verifyChecksum: false });
		keeper.apply(snapshotFrame('o1', 10, BIDS, ASKS));
		const update = expectUpdated(keeper.apply(deltaFrame('o1', 11, { bids: [[0.55, 7]] }, { checksum: 12345 })));
		expect(update.book.bestBid).toMatchObject({ price: 0.55, totalSize: 7 });
		// Sequence rules still hold.
		expect(keeper.apply(deltaFrame('o1', 13, {}, { checksum: 0 })).kind).toBe('resnapshot');
	});

	it('applies a delta without a checksum (nothing to verify)', () => {
		const keeper = books();
		keeper.apply(snapshotFrame('o1', 1, BIDS, ASKS));
		const { checksum: _ignored, ...frame } = deltaFrame('o1', 2, { asks: [[0.56, 1]] }, { checksum: 0 });
		expect(keeper.apply(frame).kind).toBe('updated');
	});

	it('marks live books stale after a reconnect, so the next snapshot says resynced', () => {
		const keeper = books();
		keeper.apply(snapshotFrame('o1', 1, BIDS, ASKS));
		keeper.invalidateAll('connection replaced');
		expect(keeper.book('o1')).toBeUndefined();
		expect(keeper.apply(deltaFrame('o1', 2, {}, { bids: BIDS, asks: ASKS })).kind).toBe('dropped');
		const back = expectUpdated(keeper.apply(snapshotFrame('o1', 1, BIDS, ASKS)));
		expect(back.book.resynced).toEqual({ cause: 'reconnect', detail: 'connection replaced' });
	});

	it('builds the resnapshot message', () => {
		expect(resnapshotMessage(['o1', 'o2'])).toEqual({ action: 'resnapshot', channel: 'orderbook', outcomeIds: ['o1', 'o2'] });
	});
});

describe('OrderBooks: market_resolved', () => {
	it('ends the book once and ignores everything after', () => {
		const keeper = books();
		keeper.apply(snapshotFrame('o1', 1, BIDS, ASKS));
		expect(keeper.apply({ type: 'market_resolved', outcomeId: 'o1' })).toEqual({ kind: 'ended', outcomeId: 'o1' });
		expect(keeper.book('o1')).toBeUndefined();
		const after = [
			keeper.apply({ type: 'market_resolved', outcomeId: 'o1' }),
			keeper.apply(deltaFrame('o1', 2, {}, { bids: BIDS, asks: ASKS })),
			keeper.apply(snapshotFrame('o1', 3, BIDS, ASKS)),
		];
		for (const result of after) expect(result).toMatchObject({ kind: 'dropped', reason: 'ended' });
		expect(keeper.staleOutcomes()).toEqual([]);
	});

	it('ends an outcome it never had a book for', () => {
		const keeper = books();
		expect(keeper.apply({ type: 'market_resolved', outcomeId: 'x' }).kind).toBe('ended');
		expect(keeper.apply(snapshotFrame('x', 1, BIDS, ASKS)).kind).toBe('dropped');
	});

	it('starts over for an outcome that was forgotten', () => {
		const keeper = books();
		keeper.apply({ type: 'market_resolved', outcomeId: 'x' });
		keeper.forget('x');
		expect(keeper.apply(snapshotFrame('x', 1, BIDS, ASKS)).kind).toBe('updated');
	});
});

describe('OrderBooks: top-of-book change detection', () => {
	it('reports a change of best price or best size on either side, and nothing else', () => {
		const keeper = books({ verifyChecksum: false });
		keeper.apply(snapshotFrame('o1', 1, BIDS, ASKS));
		let seq = 1;
		const delta = (changes: { bids?: Pair[]; asks?: Pair[] }) =>
			expectUpdated(keeper.apply(deltaFrame('o1', ++seq, changes, { checksum: 0 }))).topChanged;
		expect(delta({ bids: [[0.5, 999]] })).toBe(false); // deep level
		expect(delta({ asks: [[0.6, 1]] })).toBe(false);
		expect(delta({})).toBe(false); // empty delta
		expect(delta({ bids: [[0.55, 101]] })).toBe(true); // best bid size
		expect(delta({ asks: [[0.555, 1]] })).toBe(true); // new best ask price
		expect(delta({ asks: [[0.555, 1]] })).toBe(false); // same again
		expect(delta({ asks: [[0.555, 0]] })).toBe(true); // back to 0.56
		expect(
			delta({
				bids: [
					[0.55, 0],
					[0.54, 0],
					[0.5, 0],
				],
			}),
		).toBe(true); // bid side emptied
		expect(delta({ bids: [[0.1, 0]] })).toBe(false); // removing a missing level
	});

	it('compares a snapshot with the last book', () => {
		const keeper = books();
		keeper.apply(snapshotFrame('o1', 1, BIDS, ASKS));
		expect(expectUpdated(keeper.apply(snapshotFrame('o1', 5, [BIDS[0]], ASKS))).topChanged).toBe(false);
		expect(expectUpdated(keeper.apply(snapshotFrame('o1', 6, [[0.55, 3]], ASKS))).topChanged).toBe(true);
	});
});

describe('OrderBooks: malformed input', () => {
	const cases: Array<[string, unknown, RegExp]> = [
		['not an object', 'hello', /\(frame\): expected an object/],
		['null', null, /\(frame\)/],
		['missing outcomeId', { type: 'orderbook_delta', seq: 1 }, /^outcomeId:/],
		['empty outcomeId', { type: 'orderbook_snapshot', outcomeId: '', seq: 1 }, /^outcomeId:/],
		['missing seq', { type: 'orderbook_delta', outcomeId: 'o1', bidChanges: [] }, /^seq: .*nothing/],
		['negative seq', { type: 'orderbook_delta', outcomeId: 'o1', seq: -1 }, /^seq:/],
		['fractional seq', { type: 'orderbook_snapshot', outcomeId: 'o1', seq: 1.5 }, /^seq:/],
		[
			'non-numeric price',
			{ type: 'orderbook_delta', outcomeId: 'o1', seq: 2, bidChanges: [{ price: 'abc', totalSize: 1 }] },
			/^bidChanges\.0\.price:/,
		],
		[
			'NaN size',
			{ type: 'orderbook_snapshot', outcomeId: 'o1', seq: 2, asks: [{ price: 0.5, totalSize: Number.NaN }] },
			/^asks\.0\.totalSize:/,
		],
		[
			'negative size',
			{ type: 'orderbook_delta', outcomeId: 'o1', seq: 2, askChanges: [{ price: 0.5, totalSize: -1 }] },
			/^askChanges\.0\.totalSize:/,
		],
		['level not an object', { type: 'orderbook_snapshot', outcomeId: 'o1', seq: 2, bids: [7] }, /^bids\.0:/],
		['changes not an array', { type: 'orderbook_delta', outcomeId: 'o1', seq: 2, bidChanges: {} }, /^bidChanges:/],
		['bad checksum', { type: 'orderbook_delta', outcomeId: 'o1', seq: 2, checksum: 'x' }, /^checksum:/],
		['other type', { type: 'heartbeat', outcomeId: 'o1' }, /^type:/],
	];

	it.each(cases)('reports %s as invalid, without throwing', (_name, frame, reason) => {
		const result = books().apply(frame);
		expect(result.kind).toBe('invalid');
		expect((result as Extract<BookResult, { kind: 'invalid' }>).reason).toMatch(reason);
	});

	it('names the outcome when it could read it, and leaves the book alone', () => {
		const keeper = books();
		keeper.apply(snapshotFrame('o1', 1, BIDS, ASKS));
		const result = keeper.apply({ type: 'orderbook_delta', outcomeId: 'o1', seq: 2, bidChanges: [{ price: null, totalSize: 1 }] });
		expect(result).toMatchObject({ kind: 'invalid', outcomeId: 'o1' });
		expect(pairs(keeper.book('o1')!.bids)).toEqual(BIDS);
		// The lost seq 2 then shows up as a gap.
		expect(keeper.apply(deltaFrame('o1', 3, {}, { bids: BIDS, asks: ASKS })).kind).toBe('resnapshot');
	});

	it('accepts numeric strings for numbers', () => {
		const frame = { type: 'orderbook_snapshot', outcomeId: 'o1', seq: '4', bids: [{ price: '0.55', totalSize: '10' }], asks: [] };
		const update = expectUpdated(books().apply(frame));
		expect(update.book).toMatchObject({ seq: 4, bestBid: { price: 0.55, totalSize: 10 } });
	});
});
