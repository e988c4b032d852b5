import { startSimulator, type VenueSimulator } from '../src';
import { DIALECTS } from '../src/dialects';
import { ISO_TIMESTAMP, WsClient, rest, submitQuote } from './helpers';

const RIVAL_KEY = 'api_live_sim_rival000000000000';
const RIVAL = { userId: 'did:privy:cmrival0000000000000000001', mmId: 'mm_rival_0003' };
const BASE58 = /^[1-9A-HJ-NP-Za-km-z]+$/;

describe('Totalis trade lifecycle', () => {
	let sim: VenueSimulator;
	let mm: WsClient;

	beforeEach(async () => {
		sim = await startSimulator({
			totalis: { seed: 11, keys: { [RIVAL_KEY]: RIVAL }, executeDelayMs: 10, settleDelayMs: 30, confirmationWindowMs: 5000 },
		});
		mm = await WsClient.authenticated(sim.totalis);
		await mm.subscribe(`mm:quotes:${sim.totalis.userId}`);
	});

	afterEach(async () => {
		await mm.close();
		await sim.close();
	});

	async function quoteAndAccept(options: Parameters<VenueSimulator['totalis']['acceptQuote']>[1] = {}) {
		const request = sim.totalis.createQuoteRequest({ betAmount: 50 });
		const submitted = await submitQuote(sim.totalis, request.id, 7.08);
		const acceptance = sim.totalis.acceptQuote(submitted.quote.id, options);
		return { request, submitted, acceptance };
	}

	it('acceptance → confirm → executed → position created → settled', async () => {
		const { request, submitted, acceptance } = await quoteAndAccept({ order: 'accepted-first', settlement: 'win' });

		const accepted = await mm.next();
		expect(accepted).toEqual({
			type: 'quote:accepted',
			data: { quote_id: acceptance.quoteId, rfq_id: acceptance.rfqId, confirmation_deadline: acceptance.confirmationDeadline },
		});
		const deadlineIn = Date.parse(acceptance.confirmationDeadline) - Date.parse(acceptance.acceptedAt);
		expect(deadlineIn).toBe(5000);

		const details = await mm.next();
		expect(details).toEqual({
			type: 'mm_quote:accepted',
			data: {
				rfq_id: acceptance.rfqId,
				quote_id: acceptance.quoteId,
				market_maker_id: sim.totalis.mmId,
				user_id: expect.stringMatching(/^did:privy:/),
				source: 'quote_request_commit',
				quote_request_id: request.id,
				draft_quote_id: submitted.quote.id,
				request_version: 1,
				request_hash: request.request_hash,
				confirmation_deadline: acceptance.confirmationDeadline,
				accepted_at: expect.stringMatching(ISO_TIMESTAMP),
				quote: { payout_odds: 7.08, user_cost: 50, total_payout: 354, mm_cost: 304, valid_until: submitted.quote.valid_until },
				exposure_legs: request.legs.map(({ venue, event_ticker, market_ticker, side }) => ({ venue, event_ticker, market_ticker, side })),
			},
		});
		expect(acceptance.quoteId).not.toBe(submitted.quote.id);

		const rfqWatcher = await WsClient.authenticated(sim.totalis);
		await rfqWatcher.subscribe(`rfq:${acceptance.rfqId}`);

		const confirmedEvent = sim.totalis.waitFor('quote:confirmed');
		const confirm = await rest(sim.totalis, 'POST', `/mm/quotes/${acceptance.quoteId}/confirm`);
		expect(confirm.status).toBe(200);
		expect(confirm.body).toEqual({ data: { status: 'confirmed', quote_id: acceptance.quoteId, execution_id: expect.any(String) } });
		const { latencyMs, executionId } = await confirmedEvent;
		expect(executionId).toBe(confirm.body.data.execution_id);
		expect(latencyMs).toBeGreaterThanOrEqual(0);
		expect(latencyMs).toBeLessThan(5000);

		expect(await mm.next()).toEqual({
			type: 'quote:confirmed',
			data: { quote_id: acceptance.quoteId, rfq_id: acceptance.rfqId, execution_id: executionId },
		});
		expect(await mm.next()).toEqual({ type: 'quote:executed', data: { quote_id: acceptance.quoteId, rfq_id: acceptance.rfqId } });
		// Position events go to rfq:<rfq_id> only (the default dialect follows the docs' channel table).
		const created = await rfqWatcher.next();
		expect(created).toEqual({
			type: 'position:created',
			data: { rfq_id: acceptance.rfqId, position_pda: expect.stringMatching(BASE58), timestamp: expect.stringMatching(ISO_TIMESTAMP) },
		});
		const settled = await rfqWatcher.next();
		expect(settled).toEqual({
			type: 'position:settled',
			data: {
				rfq_id: acceptance.rfqId,
				position_pda: created.data?.position_pda,
				outcome: 'win',
				tx_signature: expect.stringMatching(BASE58),
				timestamp: expect.stringMatching(ISO_TIMESTAMP),
			},
		});

		// Quote events stay on the market maker's channel, position events on the trade's.
		await Promise.all([rfqWatcher.barrier(), mm.barrier()]);
		expect(rfqWatcher.pendingOf('quote:confirmed', 'quote:executed')).toHaveLength(0);
		expect(mm.pendingOf('position:created', 'position:settled')).toHaveLength(0);
		await rfqWatcher.close();
	});

	it('answers 409 CONFLICT to a second confirm or a draft id, 404 to an unknown id, 403 to another market maker', async () => {
		const { submitted, acceptance } = await quoteAndAccept();
		const rival = await rest(sim.totalis, 'POST', `/mm/quotes/${acceptance.quoteId}/confirm`, { key: RIVAL_KEY });
		expect(rival.status).toBe(403);
		expect(rival.body.error.code).toBe('FORBIDDEN');
		const draft = await rest(sim.totalis, 'POST', `/mm/quotes/${submitted.quote.id}/confirm`);
		expect(draft.status).toBe(409);
		expect(draft.body.error).toEqual({
			code: 'CONFLICT',
			message: expect.stringMatching(/not in accepted state/),
			details: { reason: 'not_accepted', status: 'draft' },
		});
		expect((await rest(sim.totalis, 'POST', '/mm/quotes/nope/confirm')).status).toBe(404);

		expect((await rest(sim.totalis, 'POST', `/mm/quotes/${acceptance.quoteId}/confirm`)).status).toBe(200);
		const again = await rest(sim.totalis, 'POST', `/mm/quotes/${acceptance.quoteId}/confirm`);
		expect(again.status).toBe(409);
		expect(again.body.error).toEqual({
			code: 'CONFLICT',
			message: expect.any(String),
			details: { reason: 'not_accepted', status: 'confirmed' },
		});
	});

	it('sends quote:expired when the deadline passes unconfirmed, and confirm then answers 409', async () => {
		const { acceptance } = await quoteAndAccept({ deadlineMs: 60, order: 'accepted-only' });
		expect((await mm.next()).type).toBe('quote:accepted');
		expect(await mm.next()).toEqual({ type: 'quote:expired', data: { quote_id: acceptance.quoteId, rfq_id: acceptance.rfqId } });
		const late = await rest(sim.totalis, 'POST', `/mm/quotes/${acceptance.quoteId}/confirm`);
		expect(late.status).toBe(409);
		expect(late.body.error.details).toEqual({ reason: 'not_accepted', status: 'expired' });
	});

	it.each([
		['accepted-first', ['quote:accepted', 'mm_quote:accepted']],
		['mm-first', ['mm_quote:accepted', 'quote:accepted']],
		['accepted-only', ['quote:accepted']],
		['mm-only', ['mm_quote:accepted']],
	] as const)('sends the acceptance events in %s order', async (order, expected) => {
		const { acceptance } = await quoteAndAccept({ order });
		expect(acceptance.order).toBe(order);
		const received = [];
		for (let i = 0; i < expected.length; i++) received.push((await mm.next()).type);
		expect(received).toEqual(expected);
		await mm.barrier();
		expect(mm.pendingOf('quote:accepted', 'mm_quote:accepted')).toHaveLength(0);
		// Either event's quote_id confirms.
		expect((await rest(sim.totalis, 'POST', `/mm/quotes/${acceptance.quoteId}/confirm`)).status).toBe(200);
	});

	it('sends quote:rejected to the market makers whose quotes lost', async () => {
		const rivalSocket = await WsClient.authenticated(sim.totalis, RIVAL_KEY);
		await rivalSocket.subscribe(`mm:quotes:${RIVAL.mmId}`);
		const request = sim.totalis.createQuoteRequest();
		const ours = await submitQuote(sim.totalis, request.id, 4.1);
		const theirs = await submitQuote(sim.totalis, request.id, 3.9, { key: RIVAL_KEY });
		expect(sim.totalis.getQuoteRequest(request.id).best_quote?.id).toBe(ours.quote.id);
		const acceptance = sim.totalis.acceptQuote(ours.quote.id, { order: 'accepted-only' });
		expect(await rivalSocket.next()).toEqual({
			type: 'quote:rejected',
			data: { quote_id: theirs.quote.id, rfq_id: acceptance.rfqId, reason: 'another_quote_accepted' },
		});
		expect((await mm.next()).type).toBe('quote:accepted');
		await mm.barrier();
		expect(mm.pendingOf('quote:rejected')).toHaveLength(0);
		await rivalSocket.close();
	});

	it.each([
		['cancelled', 'position:cancelled', { reason: 'market_voided' }],
		['error', 'position:error', { error: expect.any(String) }],
	] as const)('settlement %s ends the trade with %s', async (settlement, type, fields) => {
		const { acceptance } = await quoteAndAccept({ settlement, order: 'accepted-only' });
		await mm.next('quote:accepted');
		await mm.subscribe(`rfq:${acceptance.rfqId}`);
		expect((await rest(sim.totalis, 'POST', `/mm/quotes/${acceptance.quoteId}/confirm`)).status).toBe(200);
		const end = await mm.next(type);
		expect(end.data).toMatchObject({ rfq_id: acceptance.rfqId, timestamp: expect.stringMatching(ISO_TIMESTAMP), ...fields });
		await mm.barrier();
		expect(mm.pendingOf('position:settled')).toHaveLength(0);
	});

	it('refuses to accept a quote that is void, withdrawn or already accepted', async () => {
		const request = sim.totalis.createQuoteRequest();
		const { quote } = await submitQuote(sim.totalis, request.id, 3);
		sim.totalis.updateQuoteRequest(request.id);
		expect(() => sim.totalis.acceptQuote(quote.id)).toThrow(/not live/);
		const fresh = await submitQuote(sim.totalis, request.id, 3);
		sim.totalis.acceptQuote(fresh.quote.id);
		expect(() => sim.totalis.acceptQuote(fresh.quote.id)).toThrow(/no longer active/);
		expect(() => sim.totalis.acceptQuote('nope')).toThrow(/not found/);
	});
});

describe('Totalis live market', () => {
	it('creates requests by itself and the taker accepts the best quote after a market maker quotes', async () => {
		const sim = await startSimulator({ totalis: { seed: 5, executeDelayMs: 5, settleDelayMs: 5 } });
		const mm = await WsClient.authenticated(sim.totalis);
		try {
			await mm.subscribe(`mm:quotes:${sim.totalis.mmId}`);
			sim.totalis.startMarket({
				newRequestEveryMs: 60_000,
				updateEveryMs: 0,
				autoAccept: { delayMs: 20 },
				initialRequests: 2,
				competitorProbability: 0,
			});
			expect(sim.totalis.marketRunning).toBe(true);
			const [request] = sim.totalis.market.activeRequests();
			expect(request).toBeDefined();
			const { quote } = await submitQuote(sim.totalis, request.id, 50);
			const accepted = await mm.next('quote:accepted');
			const details = await mm.next('mm_quote:accepted');
			expect(details.data?.draft_quote_id).toBe(quote.id);
			await mm.subscribe(`rfq:${accepted.data?.rfq_id}`);
			expect((await rest(sim.totalis, 'POST', `/mm/quotes/${accepted.data?.quote_id}/confirm`)).status).toBe(200);
			expect((await mm.next('position:settled')).data?.outcome).toMatch(/^(win|loss)$/);
			sim.totalis.stopMarket();
			expect(sim.totalis.marketRunning).toBe(false);
		} finally {
			await mm.close();
			await sim.close();
		}
	});
});

describe.each(DIALECTS.totalis)('Totalis position events (dialect %s)', (dialect) => {
	it('go to rfq:<rfq_id>, and in mm-channel also to the market maker channel as frames of their own', async () => {
		const sim = await startSimulator({ totalis: { dialect, executeDelayMs: 5, settleDelayMs: 5 } });
		const both = await WsClient.authenticated(sim.totalis);
		const mmOnly = await WsClient.authenticated(sim.totalis);
		try {
			expect(sim.totalis.dialect).toBe(dialect);
			await both.subscribe(`mm:quotes:${sim.totalis.userId}`);
			await mmOnly.subscribe(`mm:quotes:${sim.totalis.mmId}`);
			const request = sim.totalis.createQuoteRequest();
			const { quote } = await submitQuote(sim.totalis, request.id, 3);
			const acceptance = sim.totalis.acceptQuote(quote.id, { order: 'accepted-only', settlement: 'win' });
			await both.subscribe(`rfq:${acceptance.rfqId}`);
			expect((await rest(sim.totalis, 'POST', `/mm/quotes/${acceptance.quoteId}/confirm`)).status).toBe(200);
			const settled = await both.next('position:settled');
			// A marker after the settlement: every frame sent before it has arrived once it does.
			await Promise.all([both.barrier(), mmOnly.barrier()]);
			const copies = dialect === 'docs' ? 1 : 2;
			expect([settled, ...both.pendingOf('position:settled')]).toHaveLength(copies);
			expect(both.pendingOf('position:created')).toHaveLength(copies);
			expect(mmOnly.pendingOf('position:created', 'position:settled')).toHaveLength(dialect === 'docs' ? 0 : 2);
		} finally {
			await both.close();
			await mmOnly.close();
			await sim.close();
		}
	});
});
