import { startSimulator, type VenueSimulator } from '../src';
import { ISO_TIMESTAMP, WsClient, rest, submitQuote } from './helpers';

const OTHER_KEY = 'api_live_sim_other000000000000';
const OTHER = { userId: 'did:privy:cmother0000000000000000001', mmId: 'mm_other_0002' };
const TAKER_ONLY_KEY = 'api_live_sim_taker00000000000';

const LEGS = [
	{ event_ticker: 'KXBTC-26JUN01', market_ticker: 'KXBTC-26JUN01-T72500', side: 'yes' as const, venue: 'kalshi' as const },
	{
		event_ticker: 'nba-champion-2026',
		market_ticker: 'will-the-knicks-win-the-2026-nba-finals',
		side: 'no' as const,
		venue: 'polymarket' as const,
	},
];

describe('Totalis REST', () => {
	let sim: VenueSimulator;

	beforeEach(async () => {
		sim = await startSimulator({
			totalis: {
				seed: 42,
				keys: {
					[OTHER_KEY]: OTHER,
					[TAKER_ONLY_KEY]: { userId: 'did:privy:taker', mmId: 'mm_none', scopes: [] },
				},
			},
		});
	});

	afterEach(async () => {
		await sim.close();
	});

	describe('GET /v1/quote-requests/{id}', () => {
		it('answers the documented shape (docs/venues/totalis.md#get-a-quote-request), with best_quote null before any quote', async () => {
			const created = sim.totalis.createQuoteRequest({ betAmount: 25, legs: LEGS });
			const response = await rest(sim.totalis, 'GET', `/v1/quote-requests/${created.id}`);
			expect(response.status).toBe(200);
			expect(response.body).toEqual({
				data: {
					quote_request: {
						id: created.id,
						version: 1,
						request_hash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
						book_seq: 1,
						status: 'active',
						bet_amount: 25,
						legs: LEGS.map((leg) => ({ id: expect.any(String), ...leg })),
						input_legs: LEGS.map(({ market_ticker, side, venue }) => ({ market_ticker, side, venue })),
						expires_at: expect.stringMatching(ISO_TIMESTAMP),
					},
					quotes: [],
					best_quote: null,
				},
			});
		});

		it('lists the live quotes of the current version and picks the highest payout_odds as best', async () => {
			const { id } = sim.totalis.createQuoteRequest({ betAmount: 25, legs: LEGS });
			const low = await submitQuote(sim.totalis, id, 3.5);
			const high = await submitQuote(sim.totalis, id, 4.25, { key: OTHER_KEY });
			const { body } = await rest(sim.totalis, 'GET', `/v1/quote-requests/${id}`);
			expect(body.data.quotes.map((q: { id: string }) => q.id)).toEqual([low.quote.id, high.quote.id]);
			expect(body.data.quotes[1]).toEqual({
				id: high.quote.id,
				market_maker_id: OTHER.mmId,
				payout_odds: 4.25,
				user_cost: 25,
				total_payout: 106.25,
				mm_cost: 81.25,
				valid_until: expect.stringMatching(ISO_TIMESTAMP),
				leg_prices: [
					{ leg_id: expect.any(String), leg_odds: expect.any(Number) },
					{ leg_id: expect.any(String), leg_odds: expect.any(Number) },
				],
			});
			expect(body.data.best_quote).toEqual({
				id: high.quote.id,
				payout_odds: 4.25,
				user_cost: 25,
				total_payout: 106.25,
				mm_cost: 81.25,
				valid_until: high.quote.valid_until,
			});
		});

		it('accepts Authorization: Bearer as well as X-API-Key', async () => {
			const { id } = sim.totalis.createQuoteRequest();
			const response = await rest(sim.totalis, 'GET', `/v1/quote-requests/${id}`, {
				key: null,
				headers: { Authorization: `Bearer ${sim.totalis.apiKey}` },
			});
			expect(response.status).toBe(200);
		});

		it('answers 401 without a key or with a wrong one, and 404 for an unknown id', async () => {
			const { id } = sim.totalis.createQuoteRequest();
			const missing = await rest(sim.totalis, 'GET', `/v1/quote-requests/${id}`, { key: null });
			expect(missing.status).toBe(401);
			expect(missing.body).toEqual({ error: { code: 'UNAUTHORIZED', message: expect.any(String) } });
			const wrong = await rest(sim.totalis, 'GET', `/v1/quote-requests/${id}`, { key: 'api_live_wrong' });
			expect(wrong.status).toBe(401);
			expect(wrong.body.error).toEqual({ code: 'UNAUTHORIZED', message: 'Invalid API key' });
			const unknown = await rest(sim.totalis, 'GET', '/v1/quote-requests/00000000-0000-4000-8000-000000000000');
			expect(unknown.status).toBe(404);
			expect(unknown.body.error.code).toBe('NOT_FOUND');
		});

		it('reports each call on rest:request', async () => {
			const seen = sim.totalis.waitFor('rest:request');
			await rest(sim.totalis, 'GET', '/v1/quote-requests/nope');
			expect(await seen).toEqual({
				method: 'GET',
				path: '/totalis/v1/quote-requests/nope',
				status: 404,
				mmId: sim.totalis.mmId,
				receivedAt: expect.any(Number),
			});
		});
	});

	describe('PUT /v1/mm/quote-requests/{id}/quote', () => {
		it('prices the quote from the bet amount and reports it', async () => {
			const request = sim.totalis.createQuoteRequest({ betAmount: 50, legs: LEGS });
			const submitted = sim.totalis.waitFor('quote:submitted');
			const response = await rest(sim.totalis, 'PUT', `/v1/mm/quote-requests/${request.id}/quote`, {
				body: { request_version: 1, request_hash: request.request_hash, payout_odds: 7.08, expires_in_ms: 10_000 },
			});
			expect(response.status).toBe(200);
			expect(response.body).toEqual({
				data: {
					quote: {
						id: expect.any(String),
						market_maker_id: sim.totalis.mmId,
						request_version: 1,
						request_hash: request.request_hash,
						payout_odds: 7.08,
						user_cost: 50,
						total_payout: 354,
						mm_cost: 304,
						valid_until: expect.stringMatching(ISO_TIMESTAMP),
					},
					book_seq: 2,
					replaced: false,
				},
			});
			const validFor = Date.parse(response.body.data.quote.valid_until) - Date.now();
			expect(validFor).toBeGreaterThan(8_000);
			expect(validFor).toBeLessThanOrEqual(10_000);
			expect(await submitted).toMatchObject({ requestId: request.id, mmId: sim.totalis.mmId, replaced: false });
		});

		it('replaces the previous quote of the same market maker', async () => {
			const { id } = sim.totalis.createQuoteRequest();
			const first = await submitQuote(sim.totalis, id, 3);
			const second = await submitQuote(sim.totalis, id, 3.2);
			expect(second.replaced).toBe(true);
			expect(second.book_seq).toBe(first.book_seq + 1);
			const { quotes } = sim.totalis.getQuoteRequest(id);
			expect(quotes.map((q) => q.id)).toEqual([second.quote.id]);
		});

		it('answers 409 version_mismatch once the request moved on', async () => {
			const request = sim.totalis.createQuoteRequest();
			const updated = sim.totalis.updateQuoteRequest(request.id);
			expect(updated.version).toBe(2);
			expect(updated.request_hash).not.toBe(request.request_hash);
			const stale = await rest(sim.totalis, 'PUT', `/v1/mm/quote-requests/${request.id}/quote`, {
				body: { request_version: 1, request_hash: request.request_hash, payout_odds: 3, expires_in_ms: 5000 },
			});
			expect(stale.status).toBe(409);
			expect(stale.body).toEqual({
				error: { code: 'CONFLICT', message: expect.any(String), details: { reason: 'version_mismatch', current_version: 2 } },
			});
			const staleHash = await rest(sim.totalis, 'PUT', `/v1/mm/quote-requests/${request.id}/quote`, {
				body: { request_version: 2, request_hash: request.request_hash, payout_odds: 3, expires_in_ms: 5000 },
			});
			expect(staleHash.status).toBe(409);
			expect(staleHash.body.error.details.reason).toBe('version_mismatch');
		});

		it('voids quotes of an earlier version', async () => {
			const { id } = sim.totalis.createQuoteRequest();
			await submitQuote(sim.totalis, id, 3);
			sim.totalis.updateQuoteRequest(id);
			expect(sim.totalis.getQuoteRequest(id)).toMatchObject({ quotes: [], best_quote: null });
		});

		it.each([
			['a missing field', { request_version: 1, payout_odds: 3, expires_in_ms: 5000 }, 'request_hash'],
			['odds as a string', { request_version: 1, request_hash: 'h', payout_odds: '3', expires_in_ms: 5000 }, 'payout_odds'],
			['odds of 1 or less', { request_version: 1, request_hash: 'h', payout_odds: 0.9, expires_in_ms: 5000 }, 'payout_odds'],
			['a fractional version', { request_version: 1.5, request_hash: 'h', payout_odds: 3, expires_in_ms: 5000 }, 'request_version'],
			['a negative lifetime', { request_version: 1, request_hash: 'h', payout_odds: 3, expires_in_ms: -1 }, 'expires_in_ms'],
		])('answers 400 VALIDATION_ERROR naming the field for %s', async (_label, body, field) => {
			const { id } = sim.totalis.createQuoteRequest();
			const response = await rest(sim.totalis, 'PUT', `/v1/mm/quote-requests/${id}/quote`, { body });
			expect(response.status).toBe(400);
			expect(response.body.error.code).toBe('VALIDATION_ERROR');
			expect(response.body.error.message).toMatch(new RegExp(`^${field}: `));
			expect(response.body.error.details.field).toBe(field);
		});

		it('answers 400 for a body that is not JSON or not an object', async () => {
			const { id } = sim.totalis.createQuoteRequest();
			const broken = await rest(sim.totalis, 'PUT', `/v1/mm/quote-requests/${id}/quote`, { rawBody: '{"request_version":' });
			expect(broken.status).toBe(400);
			expect(broken.body.error).toMatchObject({ code: 'VALIDATION_ERROR', message: 'Body is not valid JSON' });
			const list = await rest(sim.totalis, 'PUT', `/v1/mm/quote-requests/${id}/quote`, { body: [1] });
			expect(list.status).toBe(400);
			const empty = await rest(sim.totalis, 'PUT', `/v1/mm/quote-requests/${id}/quote`);
			expect(empty.status).toBe(400);
		});

		it('answers 413 PAYLOAD_TOO_LARGE over 256 KB', async () => {
			const { id } = sim.totalis.createQuoteRequest();
			const response = await rest(sim.totalis, 'PUT', `/v1/mm/quote-requests/${id}/quote`, {
				body: { request_version: 1, request_hash: 'h', payout_odds: 3, expires_in_ms: 5000, padding: 'x'.repeat(300 * 1024) },
			});
			expect(response.status).toBe(413);
			expect(response.body.error.code).toBe('PAYLOAD_TOO_LARGE');
		});

		it('answers 404 for an unknown request and 409 for a closed one', async () => {
			const missing = await rest(sim.totalis, 'PUT', '/v1/mm/quote-requests/nope/quote', {
				body: { request_version: 1, request_hash: 'h', payout_odds: 3, expires_in_ms: 5000 },
			});
			expect(missing.status).toBe(404);
			const request = sim.totalis.createQuoteRequest();
			sim.totalis.removeQuoteRequest(request.id, 'cancelled');
			const closed = await rest(sim.totalis, 'PUT', `/v1/mm/quote-requests/${request.id}/quote`, {
				body: { request_version: 1, request_hash: request.request_hash, payout_odds: 3, expires_in_ms: 5000 },
			});
			expect(closed.status).toBe(409);
			expect(closed.body.error.details).toEqual({ reason: 'request_not_active', status: 'cancelled' });
		});

		it('answers 403 to a key without the mm:quote scope', async () => {
			const request = sim.totalis.createQuoteRequest();
			const response = await rest(sim.totalis, 'PUT', `/v1/mm/quote-requests/${request.id}/quote`, {
				key: TAKER_ONLY_KEY,
				body: { request_version: 1, request_hash: request.request_hash, payout_odds: 3, expires_in_ms: 5000 },
			});
			expect(response.status).toBe(403);
			expect(response.body.error.code).toBe('FORBIDDEN');
			expect((await rest(sim.totalis, 'GET', `/v1/quote-requests/${request.id}`, { key: TAKER_ONLY_KEY })).status).toBe(200);
		});
	});

	describe('DELETE /v1/mm/quote-requests/{id}/quote', () => {
		it('withdraws a live quote with 204 and sends quote:withdrawn', async () => {
			const client = await WsClient.authenticated(sim.totalis);
			await client.subscribe(`mm:quotes:${sim.totalis.userId}`);
			const { id } = sim.totalis.createQuoteRequest();
			const { quote } = await submitQuote(sim.totalis, id, 3);
			const response = await rest(sim.totalis, 'DELETE', `/v1/mm/quote-requests/${id}/quote`);
			expect(response.status).toBe(204);
			expect(response.body).toBeUndefined();
			const event = await client.next('quote:withdrawn');
			expect(event.data).toEqual({ quote_id: quote.id, rfq_id: expect.any(String) });
			expect(sim.totalis.getQuoteRequest(id).quotes).toEqual([]);
			await client.close();
		});

		it('answers 200 already_expired when the quote is no longer live', async () => {
			const { id } = sim.totalis.createQuoteRequest();
			await submitQuote(sim.totalis, id, 3);
			sim.totalis.updateQuoteRequest(id);
			const response = await rest(sim.totalis, 'DELETE', `/v1/mm/quote-requests/${id}/quote`, {
				body: { request_version: 1 },
			});
			expect(response.status).toBe(200);
			expect(response.body).toEqual({ data: { status: 'already_expired' } });
		});

		it('answers 404 when this market maker never quoted, 400 for a bad body', async () => {
			const { id } = sim.totalis.createQuoteRequest();
			expect((await rest(sim.totalis, 'DELETE', `/v1/mm/quote-requests/${id}/quote`)).status).toBe(404);
			const bad = await rest(sim.totalis, 'DELETE', `/v1/mm/quote-requests/${id}/quote`, { body: { request_version: 'one' } });
			expect(bad.status).toBe(400);
			expect(bad.body.error.details.field).toBe('request_version');
		});
	});

	describe('POST /v1/mm/heartbeat', () => {
		it('answers ok with the mm_id and a 60 s ttl, and records it', async () => {
			expect(sim.totalis.lastHeartbeat()).toBeUndefined();
			const seen = sim.totalis.waitFor('heartbeat');
			const response = await rest(sim.totalis, 'POST', '/v1/mm/heartbeat');
			expect(response.status).toBe(200);
			expect(response.body).toEqual({ data: { status: 'ok', mm_id: sim.totalis.mmId, ttl_ms: 60000 } });
			expect((await seen).mmId).toBe(sim.totalis.mmId);
			expect(sim.totalis.lastHeartbeat()).toBeInstanceOf(Date);
			expect(sim.totalis.lastHeartbeat(OTHER.mmId)).toBeUndefined();
		});
	});

	describe('errors common to every route', () => {
		it('answers 404 NOT_FOUND for an unknown route', async () => {
			const response = await rest(sim.totalis, 'GET', '/v2/everything');
			expect(response.status).toBe(404);
			expect(response.body.error.code).toBe('NOT_FOUND');
		});

		it('sends X-RateLimit headers on every answer', async () => {
			const response = await rest(sim.totalis, 'POST', '/v1/mm/heartbeat');
			expect(response.headers.get('x-ratelimit-limit')).toBe('300');
			expect(response.headers.get('x-ratelimit-remaining')).toBe('299');
			expect(Number(response.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
		});
	});
});

describe('Totalis REST rate limit', () => {
	let sim: VenueSimulator;

	beforeEach(async () => {
		sim = await startSimulator({ totalis: { rateLimit: { withKey: 2, withoutKey: 1 } } });
	});

	afterEach(async () => {
		await sim.close();
	});

	it('answers 429 RATE_LIMITED with retry_after and the X-RateLimit headers', async () => {
		expect((await rest(sim.totalis, 'POST', '/v1/mm/heartbeat')).status).toBe(200);
		const last = await rest(sim.totalis, 'POST', '/v1/mm/heartbeat');
		expect(last.status).toBe(200);
		expect(last.headers.get('x-ratelimit-remaining')).toBe('0');
		const limited = await rest(sim.totalis, 'POST', '/v1/mm/heartbeat');
		expect(limited.status).toBe(429);
		expect(limited.body.error.code).toBe('RATE_LIMITED');
		expect(limited.body.error.retry_after).toBeGreaterThanOrEqual(1);
		expect(limited.body.error.retry_after).toBeLessThanOrEqual(60);
		expect(limited.headers.get('x-ratelimit-limit')).toBe('2');
		expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
		expect(limited.headers.get('retry-after')).toBe(String(limited.body.error.retry_after));
	});

	it('limits callers without a valid key separately, per address', async () => {
		expect((await rest(sim.totalis, 'POST', '/v1/mm/heartbeat', { key: null })).status).toBe(401);
		const limited = await rest(sim.totalis, 'POST', '/v1/mm/heartbeat', { key: 'api_live_wrong' });
		expect(limited.status).toBe(429);
		expect(limited.headers.get('x-ratelimit-limit')).toBe('1');
		expect((await rest(sim.totalis, 'POST', '/v1/mm/heartbeat')).status).toBe(200);
	});
});
