import { ManualClock } from '../src/clock';
import { DIALECTS, type TotalisDialect } from '../src/dialects';
import { Random } from '../src/random';
import { LiveMarket } from '../src/totalis/liveMarket';
import { COMPETITOR_MM_ID, Market, type MarketEvents } from '../src/totalis/market';
import { TotalisError } from '../src/totalis/errors';

const MM = 'mm_sim_0001';

function setup(seed = 1, dialect: TotalisDialect = 'docs') {
	const clock = new ManualClock();
	const market = new Market(
		clock,
		new Random(seed),
		{
			confirmationWindowMs: 5000,
			executeDelayMs: 100,
			settleDelayMs: 2000,
			requestTtlMs: 60_000,
		},
		dialect,
	);
	const venueEvents: Array<MarketEvents['venue-event']> = [];
	const bookEvents: Array<MarketEvents['book-event']> = [];
	market.events.on('venue-event', (e) => venueEvents.push(e));
	market.events.on('book-event', (e) => bookEvents.push(e));
	const quote = (requestId: string, odds: number, mmId = MM) => {
		const { version, request_hash } = market.getQuoteRequest(requestId).quote_request;
		return market.submitQuote(mmId, requestId, { request_version: version, request_hash, payout_odds: odds, expires_in_ms: 30_000 }).quote;
	};
	return { clock, market, venueEvents, bookEvents, quote };
}

describe('Totalis market (pure state on a manual clock)', () => {
	it('quoteAtCurrentVersion places a quote for that market maker against the request as it is now, after a re-price', () => {
		const { market, clock } = setup(7);
		const request = market.createQuoteRequest();
		market.updateQuoteRequest(request.id);
		const { version, request_hash } = market.getQuoteRequest(request.id).quote_request;
		expect(version).toBeGreaterThan(request.version);
		const placed = market.quoteAtCurrentVersion(MM, request.id, { payoutOdds: 2.5, expiresInMs: 10_000 });
		expect(placed).toMatchObject({ market_maker_id: MM, request_version: version, request_hash, payout_odds: 2.5 });
		expect(Date.parse(placed.valid_until) - clock.now()).toBe(10_000);
		expect(market.addCompetitorQuote(request.id).market_maker_id).toBe(COMPETITOR_MM_ID);
	});

	it('generates plausible parlays: 1–4 legs on distinct events, Kalshi tickers or Polymarket slugs', () => {
		const { market } = setup(99);
		for (let i = 0; i < 50; i++) {
			const request = market.createQuoteRequest();
			expect(request.legs.length).toBeGreaterThanOrEqual(1);
			expect(request.legs.length).toBeLessThanOrEqual(4);
			expect(new Set(request.legs.map((l) => l.event_ticker)).size).toBe(request.legs.length);
			for (const leg of request.legs) {
				expect(['yes', 'no']).toContain(leg.side);
				if (leg.venue === 'kalshi') {
					expect(leg.event_ticker).toMatch(/^KX[A-Z]+-\d{2}[A-Z]{3}(\d{2})?[A-Z]*$/);
					expect(leg.market_ticker.startsWith(`${leg.event_ticker}-`)).toBe(true);
				} else {
					expect(leg.venue).toBe('polymarket');
					expect(leg.market_ticker).toMatch(/^[a-z0-9-]+$/);
				}
			}
			expect(request.input_legs).toEqual(request.legs.map(({ market_ticker, side, venue }) => ({ market_ticker, side, venue })));
			expect([10, 25, 50, 100, 250]).toContain(request.bet_amount);
		}
	});

	it('replays the same market from the same seed', () => {
		const a = setup(1234).market.createQuoteRequest();
		const b = setup(1234).market.createQuoteRequest();
		const c = setup(4321).market.createQuoteRequest();
		expect(a).toEqual(b);
		expect(c.id).not.toBe(a.id);
	});

	it('expires a request exactly at expires_at', () => {
		const { clock, market, bookEvents } = setup();
		const request = market.createQuoteRequest({ ttlMs: 1000 });
		expect(Date.parse(request.expires_at)).toBe(clock.now() + 1000);
		clock.advance(999);
		expect(market.activeRequests()).toHaveLength(1);
		clock.advance(1);
		expect(market.activeRequests()).toHaveLength(0);
		expect(bookEvents.map((e) => e.event)).toEqual(['quote_request', 'quote_request:removed']);
		expect(bookEvents[1].data).toEqual({ id: request.id, reason: 'expired' });
	});

	it('drops a quote from the book when its valid_until passes', () => {
		const { clock, market, quote } = setup();
		const request = market.createQuoteRequest();
		const submitted = quote(request.id, 3);
		expect(market.bestQuoteId(request.id)).toBe(submitted.id);
		clock.advance(30_000);
		expect(market.bestQuoteId(request.id)).toBeUndefined();
		expect(() => market.acceptQuote(submitted.id)).toThrow(TotalisError);
	});

	it('expires an accepted quote at the confirmation deadline, not before', () => {
		const { clock, market, venueEvents, quote } = setup();
		const request = market.createQuoteRequest();
		const acceptance = market.acceptQuote(quote(request.id, 3).id, { order: 'accepted-only' });
		clock.advance(4999);
		expect(venueEvents.map((e) => e.type)).toEqual(['quote:accepted']);
		clock.advance(1);
		expect(venueEvents.map((e) => e.type)).toEqual(['quote:accepted', 'quote:expired']);
		expect(venueEvents[1]).toEqual({
			channels: [`mm:quotes:${MM}`],
			type: 'quote:expired',
			data: { quote_id: acceptance.quoteId, rfq_id: acceptance.rfqId },
		});
	});

	it.each(DIALECTS.totalis)('executes after executeDelayMs and settles settleDelayMs later (dialect %s)', (dialect) => {
		const { clock, market, venueEvents, quote } = setup(1, dialect);
		const request = market.createQuoteRequest();
		const acceptance = market.acceptQuote(quote(request.id, 3).id, { order: 'mm-only', settlement: 'loss' });
		clock.advance(1200);
		const confirmed = market.confirmQuote(MM, acceptance.quoteId);
		expect(confirmed.status).toBe('confirmed');
		expect(venueEvents.map((e) => e.type)).toEqual(['mm_quote:accepted', 'quote:confirmed']);
		// docs: position events only on rfq:<id>; mm-channel: a second frame on the market maker's channel.
		const positionChannels = dialect === 'docs' ? [[`rfq:${acceptance.rfqId}`]] : [[`rfq:${acceptance.rfqId}`], [`mm:quotes:${MM}`]];
		const created = positionChannels.map((channels) => ['position:created', channels]);
		clock.advance(100);
		expect(venueEvents.slice(2).map((e) => [e.type, e.channels])).toEqual([['quote:executed', [`mm:quotes:${MM}`]], ...created]);
		const before = venueEvents.length;
		clock.advance(1999);
		expect(venueEvents).toHaveLength(before);
		clock.advance(1);
		expect(venueEvents.slice(before).map((e) => [e.type, e.channels])).toEqual(
			positionChannels.map((channels) => ['position:settled', channels]),
		);
		expect(venueEvents[before]).toMatchObject({ type: 'position:settled', data: { outcome: 'loss' } });
		// The deadline timer was cancelled by the confirmation.
		clock.advance(10_000);
		expect(venueEvents).toHaveLength(before + positionChannels.length);
		expect(clock.pendingTimers()).toBe(0);
	});

	it('answers 409 to confirming the draft id the PUT returned, and 404 to an id it never issued', () => {
		const { market, quote } = setup();
		const request = market.createQuoteRequest();
		const draft = quote(request.id, 3);
		market.acceptQuote(draft.id, { order: 'accepted-only' });
		expect(() => market.confirmQuote(MM, draft.id)).toThrow(
			expect.objectContaining({ code: 'CONFLICT', details: { reason: 'not_accepted', status: 'draft' } }),
		);
		expect(() => market.confirmQuote('mm_someone_else', draft.id)).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
		expect(() => market.confirmQuote(MM, 'never-issued')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
	});

	it('reports the confirmation latency from acceptance', () => {
		const { clock, market, quote } = setup();
		const latencies: number[] = [];
		market.events.on('quote:confirmed', (e) => latencies.push(e.latencyMs));
		const request = market.createQuoteRequest();
		const acceptance = market.acceptQuote(quote(request.id, 3).id);
		clock.advance(1234);
		market.confirmQuote(MM, acceptance.quoteId);
		expect(latencies).toEqual([1234]);
	});

	it('treats a confirmation after the deadline as missed even before the timer fires', () => {
		const { market, quote } = setup();
		const request = market.createQuoteRequest();
		const acceptance = market.acceptQuote(quote(request.id, 3).id, { deadlineMs: -1 });
		expect(() => market.confirmQuote(MM, acceptance.quoteId)).toThrow(/not in accepted state \(expired\)/);
	});

	it('picks either acceptance order at random by default', () => {
		const { market, quote } = setup(77);
		const orders = new Set<string>();
		for (let i = 0; i < 20; i++) {
			const request = market.createQuoteRequest();
			orders.add(market.acceptQuote(quote(request.id, 3).id).order);
		}
		expect([...orders].sort()).toEqual(['accepted-first', 'mm-first']);
	});

	it('gives every quote event of one request the same rfq_id', () => {
		const { market, venueEvents, quote } = setup();
		const request = market.createQuoteRequest();
		quote(request.id, 3);
		market.withdrawQuote(MM, request.id);
		const ours = quote(request.id, 3.5);
		quote(request.id, 3.1, 'mm_rival');
		const acceptance = market.acceptQuote(ours.id);
		const rfqIds = new Set(venueEvents.map((e) => (e.data as { rfq_id: string }).rfq_id));
		expect([...rfqIds]).toEqual([acceptance.rfqId]);
		expect(venueEvents.map((e) => e.type).sort()).toEqual(['mm_quote:accepted', 'quote:accepted', 'quote:rejected', 'quote:withdrawn']);
	});

	it('dispose() cancels every pending timer', () => {
		const { clock, market, quote } = setup();
		const request = market.createQuoteRequest();
		market.createQuoteRequest();
		market.acceptQuote(quote(request.id, 3).id);
		expect(clock.pendingTimers()).toBeGreaterThan(0);
		market.dispose();
		expect(clock.pendingTimers()).toBe(0);
	});

	it('prune() forgets requests closed and trades finished longer ago than the retention', () => {
		const { clock, market, quote } = setup();
		const traded = market.createQuoteRequest();
		const acceptance = market.acceptQuote(quote(traded.id, 3).id);
		market.confirmQuote(MM, acceptance.quoteId);
		const open = market.createQuoteRequest({ ttlMs: 3_600_000 });
		clock.advance(5000);
		market.prune(60_000);
		expect(market.getQuoteRequest(traded.id).quote_request.status).toBe('committed');
		clock.advance(60_000);
		market.prune(60_000);
		expect(() => market.getQuoteRequest(traded.id)).toThrow(/not found/);
		expect(() => market.confirmQuote(MM, acceptance.quoteId)).toThrow(/not found/);
		expect(market.getQuoteRequest(open.id).quote_request.status).toBe('active');
	});
});

describe('Totalis live market (manual clock)', () => {
	function live(seed = 8) {
		const { clock, market, venueEvents, bookEvents, quote } = setup(seed);
		const runner = new LiveMarket(market, new Random(seed), clock);
		return { clock, market, venueEvents, bookEvents, quote, runner };
	}

	it('creates the initial requests, then one every newRequestEveryMs up to the cap, and updates versions', () => {
		const { clock, market, bookEvents, runner } = live();
		runner.start({
			initialRequests: 2,
			newRequestEveryMs: 1000,
			updateEveryMs: 2500,
			maxActiveRequests: 4,
			competitorProbability: 0,
			autoAccept: false,
		});
		expect(market.activeRequests()).toHaveLength(2);
		clock.advance(1000);
		expect(market.activeRequests()).toHaveLength(3);
		clock.advance(5000);
		expect(market.activeRequests()).toHaveLength(4);
		expect(bookEvents.filter((e) => e.event === 'quote_request:updated').length).toBe(2);
		runner.stop();
		expect(runner.running).toBe(false);
		expect(clock.pendingTimers()).toBe(4); // only the requests' own expiry timers remain
	});

	it('the taker accepts the best quote autoAccept.delayMs after a market maker quotes; the rival confirms its wins', () => {
		const { clock, market, venueEvents, quote, runner } = live();
		runner.start({
			initialRequests: 1,
			newRequestEveryMs: 60_000,
			updateEveryMs: 0,
			competitorProbability: 0,
			autoAccept: { delayMs: 500 },
		});
		const [request] = market.activeRequests();
		market.addCompetitorQuote(request.id, { payoutOdds: 9 });
		quote(request.id, 3);
		clock.advance(499);
		expect(venueEvents).toHaveLength(0);
		clock.advance(1);
		const accepted = venueEvents.find((e) => e.type === 'quote:accepted');
		expect(accepted?.channels).toEqual([`mm:quotes:${COMPETITOR_MM_ID}`]);
		expect(venueEvents.find((e) => e.type === 'quote:rejected')?.channels).toEqual([`mm:quotes:${MM}`]);
		clock.advance(300);
		expect(venueEvents.map((e) => e.type)).toContain('quote:confirmed');
		expect(venueEvents.map((e) => e.type)).not.toContain('quote:expired');
		runner.stop();
	});
});
