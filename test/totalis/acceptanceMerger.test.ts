/**
 * Totalis' acceptance merge stage on its own, on jest's fake clock: it merges the pair and keeps
 * each quote's events in the order they came.
 */
import type { IDataObject } from 'n8n-workflow';
import type { Delivered } from '../../nodes/shared/items';
import { AcceptanceMerger } from '../../nodes/Totalis/stream/acceptanceMerger';

let sequence = 0;
function event(name: string, data: IDataObject): Delivered {
	sequence += 1;
	return {
		item: {
			venue: 'totalis',
			source: 'websocket',
			event: name,
			data,
			receivedAt: new Date(0).toISOString(),
			connection: { id: 1, sequence },
			gap: null,
		},
	};
}

const accepted = (quoteId: string, rfqId = `rfq-${quoteId}`) =>
	event('quote:accepted', { quote_id: quoteId, rfq_id: rfqId, confirmation_deadline: '2026-06-05T12:00:05.000Z' });
const mmAccepted = (quoteId: string, rfqId = `rfq-${quoteId}`) =>
	event('mm_quote:accepted', { quote_id: quoteId, rfq_id: rfqId, quote: { payout_odds: 3.5 } });
const confirmed = (quoteId: string, rfqId = `rfq-${quoteId}`) =>
	event('quote:confirmed', { quote_id: quoteId, rfq_id: rfqId, execution_id: `exec-${quoteId}` });
const executed = (quoteId: string, rfqId = `rfq-${quoteId}`) => event('quote:executed', { quote_id: quoteId, rfq_id: rfqId });

describe('AcceptanceMerger', () => {
	let out: Delivered[];
	let merger: AcceptanceMerger;
	const push = (...events: Delivered[]) => events.forEach((delivered) => merger.push(delivered, (d) => out.push(d)));
	/** What left, as "event quote_id" (and mergedFrom for a merged acceptance). */
	const left = () =>
		out.map(({ item }) => {
			const id = item.data.quote_id ?? item.data.rfq_id;
			return item.mergedFrom ? `${item.event} ${id} [${(item.mergedFrom as string[]).join('+')}]` : `${item.event} ${id}`;
		});

	beforeEach(() => {
		jest.useFakeTimers();
		out = [];
		merger = new AcceptanceMerger(150);
	});

	afterEach(() => {
		merger.dispose();
		jest.useRealTimers();
	});

	it('keeps accepted, confirmed, executed in that order when the partner never comes', () => {
		push(accepted('q1'), confirmed('q1'), executed('q1'));
		expect(out).toEqual([]);
		jest.advanceTimersByTime(150);
		expect(left()).toEqual(['quote:accepted q1 [quote:accepted]', 'quote:confirmed q1', 'quote:executed q1']);
	});

	it('still merges a partner that comes after later events of its quote, and releases them right after', () => {
		push(accepted('q1'), confirmed('q1'));
		jest.advanceTimersByTime(50);
		push(mmAccepted('q1'));
		expect(left()).toEqual(['quote:accepted q1 [quote:accepted+mm_quote:accepted]', 'quote:confirmed q1']);
		expect(out[0].item.data).toMatchObject({ quote_id: 'q1', confirmation_deadline: expect.any(String), quote: { payout_odds: 3.5 } });
		expect(out[0].deduplicationKey).toBe('totalis:accepted:q1');
		// The held events left with it: nothing is waiting on a timer any more.
		jest.advanceTimersByTime(1000);
		expect(out).toHaveLength(2);
	});

	it('merges the pair in either order and passes later events at once', () => {
		push(mmAccepted('q1'), accepted('q1'), confirmed('q1'), executed('q1'));
		expect(left()).toEqual(['quote:accepted q1 [mm_quote:accepted+quote:accepted]', 'quote:confirmed q1', 'quote:executed q1']);
	});

	it('does not delay the events of other quotes', () => {
		push(accepted('q1'), confirmed('q1'), event('quote:expired', { quote_id: 'q2', rfq_id: 'rfq-q2' }), executed('q3'));
		expect(left()).toEqual(['quote:expired q2', 'quote:executed q3']);
		jest.advanceTimersByTime(150);
		expect(left()).toEqual(['quote:expired q2', 'quote:executed q3', 'quote:accepted q1 [quote:accepted]', 'quote:confirmed q1']);
	});

	it("holds a position event (no quote_id) behind the held acceptance of its rfq_id, and no other trade's", () => {
		const created = event('position:created', { rfq_id: 'rfq-q1', position_pda: 'pda-1', timestamp: '2026-06-05T12:00:00.000Z' });
		const otherTrade = event('position:created', { rfq_id: 'rfq-q9', position_pda: 'pda-9', timestamp: '2026-06-05T12:00:00.000Z' });
		push(accepted('q1'), executed('q1'), created, otherTrade);
		expect(left()).toEqual(['position:created rfq-q9']);
		push(mmAccepted('q1'));
		expect(left()).toEqual([
			'position:created rfq-q9',
			'quote:accepted q1 [quote:accepted+mm_quote:accepted]',
			'quote:executed q1',
			'position:created rfq-q1',
		]);
	});

	it('drops a partner that comes after its acceptance left, and lets later events pass at once', () => {
		push(accepted('q1'));
		jest.advanceTimersByTime(150);
		push(mmAccepted('q1'), confirmed('q1'));
		expect(left()).toEqual(['quote:accepted q1 [quote:accepted]', 'quote:confirmed q1']);
		expect(merger.latePartners).toBe(1);
	});

	it('forgets a quote once its pair merged: an acceptance repeated after that is an item of its own', () => {
		push(accepted('q1'), mmAccepted('q1'));
		push(accepted('q1'), confirmed('q1'));
		expect(left()).toEqual(['quote:accepted q1 [quote:accepted+mm_quote:accepted]']);
		jest.advanceTimersByTime(150);
		expect(left()).toEqual([
			'quote:accepted q1 [quote:accepted+mm_quote:accepted]',
			'quote:accepted q1 [quote:accepted]',
			'quote:confirmed q1',
		]);
		// A partner after a lone acceptance left is still dropped.
		push(mmAccepted('q1'));
		expect(merger.latePartners).toBe(1);
		expect(out).toHaveLength(3);
	});

	it('with no wait, emits each acceptance at once, in order', () => {
		merger = new AcceptanceMerger(0);
		push(accepted('q1'), confirmed('q1'), mmAccepted('q1'), executed('q1'));
		expect(left()).toEqual(['quote:accepted q1 [quote:accepted]', 'quote:confirmed q1', 'quote:executed q1']);
	});

	it('builds the merged item as before: MM fields first, the plain event winning where both have a field, gaps merged', () => {
		const gap = (reason: string) => ({ reconnects: 1, droppedFrames: 0, reasons: [reason], since: '2026-06-05T12:00:00.000Z' });
		const plain = () => ({
			...event('quote:accepted', { quote_id: 'q1', rfq_id: 'r1', confirmation_deadline: 'plain', shared: 'plain' }),
			key: 'q1',
			deduplicationKey: 'totalis:quote:accepted:q1',
			bytes: 100,
		});
		const mm = () => ({
			...event('mm_quote:accepted', { quote_id: 'q1', rfq_id: 'r1', shared: 'mm', quote: { payout_odds: 2 }, exposure_legs: [] }),
			key: 'q1',
			deduplicationKey: 'totalis:mm_quote:accepted:q1',
			bytes: 200,
		});
		const mergedData =
			'{"quote_id":"q1","rfq_id":"r1","shared":"plain","quote":{"payout_odds":2},"exposure_legs":[],"confirmation_deadline":"plain"}';
		for (const [first, second] of [
			[plain(), mm()],
			[mm(), plain()],
		]) {
			out = [];
			merger = new AcceptanceMerger(150);
			first.item.gap = gap('first');
			second.item.gap = gap('second');
			const { receivedAt, connection } = first.item;
			const mergedFrom = [first.item.event, second.item.event];
			push(first, second);
			expect(out).toHaveLength(1);
			const [{ item, ...delivery }] = out;
			// The item as n8n gets it, field order included.
			expect(JSON.stringify(item)).toBe(
				JSON.stringify({
					venue: 'totalis',
					source: 'websocket',
					event: 'quote:accepted',
					data: JSON.parse(mergedData),
					receivedAt,
					connection,
					gap: { reconnects: 2, droppedFrames: 0, reasons: ['first', 'second'], since: '2026-06-05T12:00:00.000Z' },
					mergedFrom,
				}),
			);
			expect(delivery).toEqual({ key: 'q1', deduplicationKey: 'totalis:accepted:q1' });
			merger.dispose();
		}
		// Alone, after the wait: the event's own data, under the merged name.
		out = [];
		merger = new AcceptanceMerger(150);
		push(mm());
		jest.advanceTimersByTime(150);
		expect(JSON.stringify(out[0].item.data)).toBe(
			'{"quote_id":"q1","rfq_id":"r1","shared":"mm","quote":{"payout_odds":2},"exposure_legs":[]}',
		);
		expect(out[0].item).toMatchObject({ event: 'quote:accepted', mergedFrom: ['mm_quote:accepted'] });
		expect({ ...out[0], item: undefined }).toEqual({ item: undefined, key: 'q1', deduplicationKey: 'totalis:accepted:q1' });
	});

	it("holds a position event behind its trade's held acceptance only while it is held, however many acceptances came before", () => {
		const position = (rfqId: string) => event('position:created', { rfq_id: rfqId, position_pda: 'p' });
		// Many acceptances held at once, past the bound of the rfq_id memory, each merged later: none is lost or mixed up.
		const quotes = Array.from({ length: 2500 }, (_, index) => `q${index}`);
		push(...quotes.map((quoteId) => accepted(quoteId)));
		push(position('rfq-q0'), position('rfq-q2499'));
		expect(out).toEqual([]);
		push(...quotes.map((quoteId) => mmAccepted(quoteId)));
		expect(out).toHaveLength(2502);
		expect(left().slice(0, 2)).toEqual(['quote:accepted q0 [quote:accepted+mm_quote:accepted]', 'position:created rfq-q0']);
		expect(left().slice(-2)).toEqual(['quote:accepted q2499 [quote:accepted+mm_quote:accepted]', 'position:created rfq-q2499']);
		// Once left, a trade's acceptance holds nothing back.
		out = [];
		push(position('rfq-q5'), accepted('q-new', 'rfq-q5'), position('rfq-q5'));
		expect(left()).toEqual(['position:created rfq-q5']);
		jest.advanceTimersByTime(150);
		expect(left()).toEqual(['position:created rfq-q5', 'quote:accepted q-new [quote:accepted]', 'position:created rfq-q5']);
	});

	it('reuses the entries of acceptances that left without mixing trades up, also while one is always held', () => {
		const position = (rfqId: string) => event('position:created', { rfq_id: rfqId, position_pda: 'p' });
		const expected: string[] = [];
		push(accepted('q0'), position('rfq-q0'));
		for (let index = 1; index < 1000; index++) {
			const [previous, current] = [`q${index - 1}`, `q${index}`];
			// The next acceptance is held before the previous one's partner comes: the queue never empties.
			push(accepted(current), position(`rfq-${current}`), confirmed(previous), mmAccepted(previous), position(`rfq-${previous}`));
			expected.push(
				`quote:accepted ${previous} [quote:accepted+mm_quote:accepted]`,
				`position:created rfq-${previous}`,
				`quote:confirmed ${previous}`,
				// Its acceptance left: the trade's next position event passes at once, whichever entry is reused.
				`position:created rfq-${previous}`,
			);
		}
		expect(left()).toEqual(expected);
		jest.advanceTimersByTime(150);
		expect(left().slice(expected.length)).toEqual(['quote:accepted q999 [quote:accepted]', 'position:created rfq-q999']);
	});

	it('keeps held acceptances apart when the queue moves those still waiting to its front', () => {
		const quotes = Array.from({ length: 200 }, (_, index) => `q${index}`);
		// 100 held, the first 70 leave, then 100 more are held in the entries the first ones left.
		push(...quotes.slice(0, 100).map((quoteId) => accepted(quoteId)));
		push(...quotes.slice(0, 70).map((quoteId) => mmAccepted(quoteId)));
		push(...quotes.slice(100).map((quoteId) => accepted(quoteId)));
		push(...quotes.slice(70).map((quoteId) => mmAccepted(quoteId)));
		expect(left()).toEqual(quotes.map((quoteId) => `quote:accepted ${quoteId} [quote:accepted+mm_quote:accepted]`));
		expect(merger.latePartners).toBe(0);
	});

	it('finds a held acceptance however many came after it: the oldest and the latest merge, their later events waiting behind them', () => {
		const quotes = Array.from({ length: 20 }, (_, index) => `q${index}`);
		push(...quotes.map((quoteId) => accepted(quoteId)));
		push(confirmed('q0'), confirmed('q19'), mmAccepted('q0'), mmAccepted('q19'));
		expect(left()).toEqual([
			'quote:accepted q0 [quote:accepted+mm_quote:accepted]',
			'quote:confirmed q0',
			'quote:accepted q19 [quote:accepted+mm_quote:accepted]',
			'quote:confirmed q19',
		]);
		jest.advanceTimersByTime(150);
		expect(out).toHaveLength(4 + 18);
		// The rest left alone: a late partner of the oldest or the latest of them is dropped.
		push(mmAccepted('q1'), mmAccepted('q18'));
		expect(merger.latePartners).toBe(2);
		expect(out).toHaveLength(4 + 18);
	});

	it('dispose() forgets what it held, timers included', () => {
		push(accepted('q1'), confirmed('q1'));
		merger.dispose();
		jest.advanceTimersByTime(1000);
		expect(out).toEqual([]);
		expect(jest.getTimerCount()).toBe(0);
	});
});
