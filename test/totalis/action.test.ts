/**
 * The Totalis action node in real n8n workflow executions (n8n-core's WorkflowExecute), against
 * the simulator over loopback HTTP. What the simulator recorded is the evidence: its REST log
 * (with the time each answer went out), its market state and its events.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { TotalisApi } from '../../credentials/TotalisApi.credentials';
import { Totalis } from '../../nodes/Totalis/Totalis.node';
import { DIALECTS, startSimulator, type QuoteRequestPayload, type VenueSimulator } from 'trading-venues-simulator';
import { N8nHarness, allLogText } from '../harness/n8n';
import { expectRefusedBeforeAnyRequest, nodeRunner } from '../harness/nodeRuns';

const NO_SCOPE_KEY = 'api_live_taker_only_key_42';
const WRONG_KEY = 'api_live_not_a_real_key_0000';

const harness = new N8nHarness({ nodes: { totalis: Totalis }, credentialTypes: [TotalisApi] });
let sim: VenueSimulator;

interface Recorded {
	method: string;
	path: string;
	status: number;
	mmId?: string;
	/** When the simulator finished answering (Date.now()). */
	at: number;
	/** When the call reached the simulator (its clock is Date.now()). */
	receivedAt: number;
}
const requests: Recorded[] = [];
/** Every key any test used, for the "never leaks" checks. */
const secrets: string[] = [];

beforeAll(async () => {
	sim = await startSimulator({
		port: 0,
		totalis: { keys: { [NO_SCOPE_KEY]: { userId: 'did:privy:taker', mmId: 'mm_taker', scopes: [] } } },
	});
	secrets.push(sim.totalis.apiKey, NO_SCOPE_KEY, WRONG_KEY);
	sim.totalis.events.on('rest:request', (request) => requests.push({ ...request, at: Date.now() }));
});

beforeEach(() => {
	requests.length = 0;
	sim.totalis.faults.reset();
	useKey(sim.totalis.apiKey);
});

afterAll(async () => {
	await sim?.close();
});

function useKey(apiKey: string, baseUrl = sim.totalis.restUrl) {
	harness.setCredentials('totalisApi', { apiKey, baseUrl, wsUrl: sim.totalis.wsUrl });
}

const run = nodeRunner(harness, 'totalis', 'totalisApi', () => secrets);

/** A quote request with our market maker's quote on it, as the simulator's market holds it. */
function quotedRequest(payoutOdds = 3.5): { request: QuoteRequestPayload; draftQuoteId: string } {
	const request = sim.totalis.createQuoteRequest({ betAmount: 25 });
	const quote = sim.totalis.addOurQuote(request.id, { payoutOdds });
	return { request, draftQuoteId: quote.id };
}

/** A waitFor that may be left pending when an assertion fails first: never an unhandled rejection. */
function settled<T>(promise: Promise<T>): Promise<T> {
	promise.catch(() => undefined);
	return promise;
}

const confirmParameters: INodeParameters = {
	resource: 'quote',
	operation: 'confirm',
	quoteId: '={{ $json.data.quote_id }}',
	confirmationDeadline: '={{ $json.data.confirmation_deadline }}',
};

/** Submit Quote with the request's ID, version and hash mapped from a quote_request item, as the example maps them. */
const submitQuoteParameters: INodeParameters = {
	resource: 'quoteRequest',
	operation: 'submitQuote',
	quoteRequestId: '={{ $json.data.id }}',
	requestVersion: '={{ $json.data.version }}',
	requestHash: '={{ $json.data.request_hash }}',
};

/** What the Totalis Trigger emits for quote:accepted, reduced to what the node maps. */
function acceptedItem(quoteId: string, confirmationDeadline: string): IDataObject {
	return { venue: 'totalis', event: 'quote:accepted', data: { quote_id: quoteId, confirmation_deadline: confirmationDeadline } };
}

describe('Market Maker → Heartbeat', () => {
	it('posts the heartbeat and outputs status, mm_id and ttl_ms', async () => {
		expect(sim.totalis.lastHeartbeat()).toBeUndefined();
		const result = await run({ resource: 'marketMaker', operation: 'heartbeat' });
		expect(result.error).toBeUndefined();
		expect(result.items).toEqual([{ json: { status: 'ok', mm_id: sim.totalis.mmId, ttl_ms: 60_000 }, pairedItem: { item: 0 } }]);
		expect(sim.totalis.lastHeartbeat()).toBeInstanceOf(Date);
		expect(requests.map(({ method, path, status, mmId }) => ({ method, path, status, mmId }))).toEqual([
			{ method: 'POST', path: '/totalis/v1/mm/heartbeat', status: 200, mmId: sim.totalis.mmId },
		]);
	});

	it('a key without the mm:quote scope gets a 403 that explains the scope', async () => {
		useKey(NO_SCOPE_KEY);
		const result = await run({ resource: 'marketMaker', operation: 'heartbeat' });
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.httpCode).toBe('403');
		expect(result.error?.message).toBe(
			'Totalis could not send the market-maker heartbeat: API key lacks the mm:quote scope (FORBIDDEN, HTTP 403)',
		);
		expect(result.error?.description).toMatch(/mm:quote scope/);
		expect(result.error?.context).toMatchObject({ code: 'FORBIDDEN', httpStatus: 403, venue: 'Totalis' });
	});

	it('a wrong key gets a 401 that points at the credential, without showing the key', async () => {
		useKey(WRONG_KEY);
		const result = await run({ resource: 'marketMaker', operation: 'heartbeat' });
		expect(result.error?.httpCode).toBe('401');
		expect(result.error?.context).toMatchObject({ code: 'UNAUTHORIZED', venueMessage: 'Invalid API key' });
		expect(result.error?.description).toMatch(/check the API key in the Totalis API credential/);
		expect(requests.map((request) => request.status)).toEqual([401]);
	});
});

describe('Quote Request → Get', () => {
	it('outputs the data object: the request, its quotes and the best quote', async () => {
		const request = sim.totalis.createQuoteRequest({ betAmount: 40 });
		const low = sim.totalis.addCompetitorQuote(request.id, { payoutOdds: 2.5, mmId: 'mm_rival_a' });
		const high = sim.totalis.addCompetitorQuote(request.id, { payoutOdds: 3.25, mmId: 'mm_rival_b' });
		const result = await run({ resource: 'quoteRequest', operation: 'get', quoteRequestId: '={{ $json.data.id }}' }, [
			{ data: { id: request.id } },
		]);
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
		const data = result.items[0].json as { quote_request: IDataObject; quotes: IDataObject[]; best_quote: IDataObject };
		expect(data.quote_request).toMatchObject({ id: request.id, version: request.version, bet_amount: 40, status: 'active' });
		expect(data.quotes.map((quote) => quote.id).sort()).toEqual([low.id, high.id].sort());
		expect(data.best_quote).toMatchObject({ id: high.id, payout_odds: 3.25 });
		expect(result.items[0].pairedItem).toEqual({ item: 0 });
		expect(requests.map(({ method, path }) => `${method} ${path}`)).toEqual([`GET /totalis/v1/quote-requests/${request.id}`]);
	});

	it('maps the error envelope of an unknown ID to a NodeApiError with code and status', async () => {
		const id = '9b2f6c1e-0000-4000-8000-00000000abcd';
		const result = await run({ resource: 'quoteRequest', operation: 'get', quoteRequestId: id });
		expect(result.items).toEqual([]);
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.message).toBe(`Totalis could not get quote request "${id}": Quote request ${id} not found (NOT_FOUND, HTTP 404)`);
		expect(result.error?.httpCode).toBe('404');
		expect(result.error?.context).toMatchObject({
			venue: 'Totalis',
			code: 'NOT_FOUND',
			venueMessage: `Quote request ${id} not found`,
			httpStatus: 404,
			method: 'GET',
			url: `${sim.totalis.restUrl}/v1/quote-requests/${id}`,
			attempts: 1,
		});
	});
});

describe('Quote Request → Submit Quote', () => {
	it('puts the quote at the version and hash mapped from the stream item', async () => {
		const request = sim.totalis.createQuoteRequest({ betAmount: 25 });
		const submitted = settled(sim.totalis.waitFor('quote:submitted', (event) => event.requestId === request.id));
		const result = await run({ ...submitQuoteParameters, payoutOdds: 4.25, expiresInMs: 15_000 }, [
			{ event: 'quote_request', data: request as unknown as IDataObject },
		]);
		expect(result.error).toBeUndefined();
		const event = await submitted;
		expect(event.mmId).toBe(sim.totalis.mmId);
		const data = result.items[0].json as { quote: IDataObject; book_seq: number; replaced: boolean };
		expect(data.quote).toMatchObject({
			id: event.quote.id,
			market_maker_id: sim.totalis.mmId,
			request_version: request.version,
			request_hash: request.request_hash,
			payout_odds: 4.25,
			user_cost: 25,
			total_payout: 106.25,
			mm_cost: 81.25,
		});
		expect(data.replaced).toBe(false);
		expect(result.items[0].pairedItem).toEqual({ item: 0 });
		// The market now holds it as the best quote.
		expect(sim.totalis.getQuoteRequest(request.id).best_quote?.id).toBe(event.quote.id);
	});

	it('explains a 409 version mismatch: the request moved on to version N; re-price', async () => {
		const request = sim.totalis.createQuoteRequest();
		const updated = sim.totalis.updateQuoteRequest(request.id);
		expect(updated.version).toBe(request.version + 1);
		const result = await run({
			resource: 'quoteRequest',
			operation: 'submitQuote',
			quoteRequestId: request.id,
			requestVersion: request.version,
			requestHash: request.request_hash,
			payoutOdds: 3,
		});
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.httpCode).toBe('409');
		expect(result.error?.message).toBe(
			`Totalis refused the quote on quote request "${request.id}": the quote request moved on to version ${updated.version} (you priced version ${request.version}); re-price`,
		);
		expect(result.error?.context).toMatchObject({
			code: 'CONFLICT',
			details: { reason: 'version_mismatch', current_version: updated.version },
		});
		expect(sim.totalis.getQuoteRequest(request.id).quotes).toEqual([]);
	});
});

describe('Quote Request → Withdraw Quote', () => {
	it('withdraws (204 → withdrawn: true), then reports a second withdrawal as already expired', async () => {
		const { request } = quotedRequest();
		expect(sim.totalis.getQuoteRequest(request.id).quotes).toHaveLength(1);
		const parameters = { resource: 'quoteRequest', operation: 'withdrawQuote', quoteRequestId: request.id };

		const first = await run(parameters);
		expect(first.error).toBeUndefined();
		expect(first.items).toEqual([{ json: { withdrawn: true, quote_request_id: request.id }, pairedItem: { item: 0 } }]);
		expect(sim.totalis.getQuoteRequest(request.id).quotes).toEqual([]);

		const second = await run(parameters);
		expect(second.items).toEqual([
			{ json: { withdrawn: false, status: 'already_expired', quote_request_id: request.id }, pairedItem: { item: 0 } },
		]);
		expect(requests.map(({ method, status }) => `${method} ${status}`)).toEqual(['DELETE 204', 'DELETE 200']);
	});

	it('sends the optional version and hash: a quote for another version is reported as already expired', async () => {
		const { request } = quotedRequest();
		const result = await run({
			resource: 'quoteRequest',
			operation: 'withdrawQuote',
			quoteRequestId: request.id,
			additionalFields: { requestVersion: request.version + 5, requestHash: request.request_hash },
		});
		expect(result.items[0].json).toEqual({ withdrawn: false, status: 'already_expired', quote_request_id: request.id });
		// Still quoted: the simulator only withdraws a quote of the named version.
		expect(sim.totalis.getQuoteRequest(request.id).quotes).toHaveLength(1);
	});
});

describe('Quote → Confirm', () => {
	it('confirms the accepted quote mapped from the trigger item', async () => {
		const { draftQuoteId } = quotedRequest();
		const acceptance = sim.totalis.acceptQuote(draftQuoteId, { deadlineMs: 5_000 });
		const confirmed = settled(sim.totalis.waitFor('quote:confirmed', (event) => event.quoteId === acceptance.quoteId));
		const result = await run(confirmParameters, [acceptedItem(acceptance.quoteId, acceptance.confirmationDeadline)]);
		expect(result.error).toBeUndefined();
		const event = await confirmed;
		expect(result.items).toHaveLength(1);
		expect(result.items[0].json).toMatchObject({
			status: 'confirmed',
			quote_id: acceptance.quoteId,
			execution_id: event.executionId,
			attempts: 1,
		});
		expect(result.items[0].json.latencyMs).toEqual(expect.any(Number));
		expect(result.items[0].pairedItem).toEqual({ item: 0 });
		expect(requests.map(({ method, path, status }) => `${method} ${path} ${status}`)).toEqual([
			`POST /totalis/mm/quotes/${acceptance.quoteId}/confirm 200`,
		]);
	});

	it('retries a 503 while the deadline allows, then confirms', async () => {
		const { draftQuoteId } = quotedRequest();
		const acceptance = sim.totalis.acceptQuote(draftQuoteId, { deadlineMs: 5_000 });
		sim.totalis.faults.failRest({ method: 'POST', pathPrefix: '/mm/quotes/', status: 503, times: 2 });
		const result = await run(confirmParameters, [acceptedItem(acceptance.quoteId, acceptance.confirmationDeadline)]);
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ status: 'confirmed', quote_id: acceptance.quoteId, attempts: 3 });
		expect(requests.map((request) => request.status)).toEqual([503, 503, 200]);
		expect(sim.totalis.faults.pendingRestFaults()).toBe(0);
	});

	it('fails clearly on a 503 that lasts past the deadline, and sends nothing after it', async () => {
		const { draftQuoteId } = quotedRequest();
		// 2 s: room for at least three attempts (0, 100, 300 ms) on a busy machine too.
		const acceptance = sim.totalis.acceptQuote(draftQuoteId, { deadlineMs: 2_000 });
		const deadline = Date.parse(acceptance.confirmationDeadline);
		sim.totalis.faults.failRest({ method: 'POST', pathPrefix: '/mm/quotes/', status: 503, times: 1000 });
		const result = await run(confirmParameters, [acceptedItem(acceptance.quoteId, acceptance.confirmationDeadline)]);
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.httpCode).toBe('503');
		expect(result.error?.message).toMatch(
			new RegExp(`^Totalis could not confirm quote "${acceptance.quoteId}": .* \\(SERVICE_UNAVAILABLE, HTTP 503\\)$`),
		);
		expect(result.error?.description).toContain(`the deadline ${acceptance.confirmationDeadline} leaves no time for another`);
		// It retried, and gave up because of the deadline (the description above), not after a count.
		expect(requests.length).toBeGreaterThanOrEqual(3);
		expect(requests.every((request) => request.status === 503)).toBe(true);
		// Every attempt reached Totalis before the deadline, by the simulator's clock.
		for (const request of requests) expect(request.receivedAt).toBeLessThan(deadline);
		expect(result.error?.context).toMatchObject({ attempts: requests.length });
	});

	/** Totalis sends X-RateLimit-Reset on every reply; these 503s say the window resets in an hour. */
	const farReset = () => ({ 'X-RateLimit-Reset': String(Math.ceil(Date.now() / 1000) + 3600) });

	it('retries a 503 on its short backoff, not at the X-RateLimit-Reset the answer carries', async () => {
		const { draftQuoteId } = quotedRequest();
		const acceptance = sim.totalis.acceptQuote(draftQuoteId, { deadlineMs: 3_000 });
		const deadline = Date.parse(acceptance.confirmationDeadline);
		sim.totalis.faults.failRest({ method: 'POST', pathPrefix: '/mm/quotes/', status: 503, times: 2, headers: farReset() });
		const result = await run(confirmParameters, [acceptedItem(acceptance.quoteId, acceptance.confirmationDeadline)]);
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ status: 'confirmed', quote_id: acceptance.quoteId, attempts: 3 });
		// Following the hint (an hour away) would leave no retry before the deadline: three attempts, the
		// last one confirmed, show the short backoff. The 200 is itself before the deadline: Totalis
		// (the simulator) refuses a confirm once its acceptance expired.
		expect(requests.map((request) => request.status)).toEqual([503, 503, 200]);
		for (const request of requests) expect(request.receivedAt).toBeLessThan(deadline);
	});

	it('keeps the short backoff under lasting 503s with a far X-RateLimit-Reset, and sends nothing at or after the deadline', async () => {
		const { draftQuoteId } = quotedRequest();
		const acceptance = sim.totalis.acceptQuote(draftQuoteId, { deadlineMs: 2_000 });
		const deadline = Date.parse(acceptance.confirmationDeadline);
		sim.totalis.faults.failRest({ method: 'POST', pathPrefix: '/mm/quotes/', status: 503, times: 1000, headers: farReset() });
		const result = await run(confirmParameters, [acceptedItem(acceptance.quoteId, acceptance.confirmationDeadline)]);
		expect(result.error?.httpCode).toBe('503');
		expect(result.error?.description).toContain(`the deadline ${acceptance.confirmationDeadline} leaves no time for another`);
		// 100, 200, 400, 800 ms apart, then a last one before the deadline (about 6; fewer on a busy
		// machine), where following the hint made 2: more than 2 is the short backoff.
		expect(requests.length).toBeGreaterThanOrEqual(3);
		expect(requests.every((request) => request.status === 503)).toBe(true);
		// By the simulator's clock, nothing reached Totalis at or after the deadline.
		for (const request of requests) expect(request.receivedAt).toBeLessThan(deadline);
		expect(result.error?.context).toMatchObject({ attempts: requests.length });
		// Nothing comes after the node gave up.
		const sent = requests.length;
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(requests).toHaveLength(sent);
	});

	it('without a deadline, a 503 is not retried and the error says why', async () => {
		sim.totalis.faults.failRest({ method: 'POST', pathPrefix: '/mm/quotes/', status: 503, times: 5 });
		const result = await run({ resource: 'quote', operation: 'confirm', quoteId: 'q-without-deadline' });
		expect(result.error?.httpCode).toBe('503');
		expect(result.error?.description).toMatch(/No Confirmation Deadline was given, so the node did not retry/);
		expect(requests).toHaveLength(1);
	});

	it('a second confirmation is refused with the 409 explained', async () => {
		const { draftQuoteId } = quotedRequest();
		const acceptance = sim.totalis.acceptQuote(draftQuoteId, { deadlineMs: 5_000 });
		const items = [acceptedItem(acceptance.quoteId, acceptance.confirmationDeadline)];
		expect((await run(confirmParameters, items)).error).toBeUndefined();
		const again = await run(confirmParameters, items);
		expect(again.error?.httpCode).toBe('409');
		expect(again.error?.context).toMatchObject({ code: 'CONFLICT', details: { reason: 'not_accepted', status: 'confirmed' } });
		expect(again.error?.description).toMatch(/already confirmed, or its confirmation deadline passed/);
	});
});

describe.each(DIALECTS.totalis)('Quote → Confirm with the draft ID Submit Quote returned (dialect %s)', (dialect) => {
	let dialectSim: VenueSimulator;
	beforeAll(async () => {
		dialectSim = await startSimulator({ port: 0, totalis: { dialect } });
	});
	afterAll(async () => {
		await dialectSim?.close();
	});
	beforeEach(() => useKey(dialectSim.totalis.apiKey, dialectSim.totalis.restUrl));

	it('explains the 409: confirm with the quote_id of the quote:accepted event, and the accepted one still confirms', async () => {
		expect(dialectSim.totalis.dialect).toBe(dialect);
		const request = dialectSim.totalis.createQuoteRequest();
		const quote = dialectSim.totalis.addOurQuote(request.id, { payoutOdds: 3.5 });
		const acceptance = dialectSim.totalis.acceptQuote(quote.id, { deadlineMs: 5_000 });
		const draft = await run(confirmParameters, [acceptedItem(quote.id, acceptance.confirmationDeadline)]);
		expect(draft.error?.httpCode).toBe('409');
		expect(draft.error?.description).toMatch(/confirm with the quote_id of the quote:accepted event instead/);
		// A 409 without details (a venue that says less) still points at the accepted quote's id.
		dialectSim.totalis.faults.failRest({ method: 'POST', pathPrefix: '/mm/quotes/', status: 409, times: 1 });
		const bare = await run(confirmParameters, [acceptedItem(quote.id, acceptance.confirmationDeadline)]);
		expect(bare.error?.httpCode).toBe('409');
		expect(bare.error?.description).toMatch(/or your balance does not cover it\. .*quote_id of the quote:accepted event/);
		const accepted = await run(confirmParameters, [acceptedItem(acceptance.quoteId, acceptance.confirmationDeadline)]);
		expect(accepted.error).toBeUndefined();
		expect(accepted.items[0].json).toMatchObject({ status: 'confirmed', quote_id: acceptance.quoteId });
	});
});

describe('rate limits (429)', () => {
	it('waits the retry_after Totalis asks for, then succeeds', async () => {
		const request = sim.totalis.createQuoteRequest();
		sim.totalis.faults.failRest({ method: 'GET', pathPrefix: '/v1/quote-requests/', status: 429, retryAfterSeconds: 0.4 });
		const result = await run({ resource: 'quoteRequest', operation: 'get', quoteRequestId: request.id });
		expect(result.error).toBeUndefined();
		expect((result.items[0].json.quote_request as IDataObject).id).toBe(request.id);
		expect(requests.map((entry) => entry.status)).toEqual([429, 200]);
		// The retry left only after the wait: the gap between the simulator's two answers covers it.
		expect(requests[1].at - requests[0].at).toBeGreaterThanOrEqual(400);
	});

	it('refuses to wait longer than Rate Limit Max Wait and says when to retry', async () => {
		const before = Date.now();
		const lastHeartbeat = sim.totalis.lastHeartbeat();
		sim.totalis.faults.failRest({ method: 'POST', pathPrefix: '/v1/mm/heartbeat', status: 429, retryAfterSeconds: 120 });
		const result = await run({ resource: 'marketMaker', operation: 'heartbeat', options: { rateLimitMaxWaitSeconds: 2 } });
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.httpCode).toBe('429');
		const retryAt = Date.parse(String(result.error?.context?.retryAt));
		expect(retryAt).toBeGreaterThanOrEqual(before + 120_000);
		expect(result.error?.message).toBe(
			`Totalis rate limit: could not send the market-maker heartbeat; retry after ${new Date(retryAt).toISOString()}`,
		);
		expect(result.error?.description).toMatch(/asked to wait 120 s, more than the 2 s this node may wait/);
		expect(requests).toHaveLength(1);
		expect(sim.totalis.lastHeartbeat()).toEqual(lastHeartbeat);
	});
});

describe('input validation: refused before any request, naming the field', () => {
	const cases: Array<[string, INodeParameters, RegExp]> = [
		// Empty values arrive through expressions (a literal empty required field is refused by n8n itself).
		[
			'empty quote ID',
			{ resource: 'quote', operation: 'confirm', quoteId: '={{ $json.missing ?? "  " }}' },
			/^Quote ID: expected the quote_id of an accepted quote, got an empty value$/,
		],
		[
			'unparseable deadline',
			{ resource: 'quote', operation: 'confirm', quoteId: 'q1', confirmationDeadline: 'in five seconds' },
			/^Confirmation Deadline: expected an ISO 8601 date .* or epoch milliseconds, got "in five seconds"$/,
		],
		[
			'empty quote request ID',
			{ resource: 'quoteRequest', operation: 'get', quoteRequestId: '={{ "" }}' },
			/^Quote Request ID: expected the ID of a quote request, got an empty value$/,
		],
		[
			'odds of 1',
			{ resource: 'quoteRequest', operation: 'submitQuote', quoteRequestId: 'r1', requestVersion: 1, requestHash: 'h', payoutOdds: 1 },
			/^Payout Odds: expected a number greater than 1 \(the payout multiplier\), at most 10000, got 1$/,
		],
		[
			'odds below 1',
			{ resource: 'quoteRequest', operation: 'submitQuote', quoteRequestId: 'r1', requestVersion: 1, requestHash: 'h', payoutOdds: 0.5 },
			/^Payout Odds: expected a number greater than 1/,
		],
		[
			'expiry of 0 ms',
			{
				resource: 'quoteRequest',
				operation: 'submitQuote',
				quoteRequestId: 'r1',
				requestVersion: 1,
				requestHash: 'h',
				payoutOdds: 2,
				expiresInMs: 0,
			},
			/^Expires In \(Milliseconds\): expected a whole number of milliseconds from 1 to 600000 \(ten minutes\), got 0$/,
		],
		[
			'version 0 (not mapped)',
			{ resource: 'quoteRequest', operation: 'submitQuote', quoteRequestId: 'r1', requestVersion: 0, requestHash: 'h', payoutOdds: 2 },
			/^Request Version: expected a whole number, 1 or more, got 0$/,
		],
		[
			'empty hash',
			{
				resource: 'quoteRequest',
				operation: 'submitQuote',
				quoteRequestId: 'r1',
				requestVersion: 2,
				requestHash: '={{ $json.data?.request_hash }}',
				payoutOdds: 2,
			},
			/^Request Hash: expected the request_hash of the version you priced, got nothing$/,
		],
		[
			'negative max wait',
			{ resource: 'marketMaker', operation: 'heartbeat', options: { rateLimitMaxWaitSeconds: -1 } },
			/^Rate Limit Max Wait \(Seconds\): expected a number of seconds from 0 to 3600, got -1$/,
		],
	];

	it.each(cases)('%s', (_name, parameters, message) => expectRefusedBeforeAnyRequest(run, requests, parameters, message));
});

describe('IDs that would move the request to another path', () => {
	// encodeURIComponent leaves "." and ".."; URL normalisation then drops the segment before them, so
	// Confirm with the quote ID ".." went to POST /mm/confirm. Refused before any request.
	const submit = { operation: 'submitQuote', requestVersion: 1, requestHash: 'h', payoutOdds: 2 };
	const cases: Array<[string, INodeParameters, RegExp]> = [
		['confirm, quote ID ".."', { resource: 'quote', operation: 'confirm', quoteId: '..' }, /^Quote ID: expected an ID .*, got "\.\."/],
		[
			'confirm, quote ID "." from an expression',
			{ resource: 'quote', operation: 'confirm', quoteId: '={{ "." }}' },
			/^Quote ID: expected an ID .*, got "\."/,
		],
		['get, quote request ID "."', { resource: 'quoteRequest', operation: 'get', quoteRequestId: '.' }, /^Quote Request ID: expected an ID/],
		[
			'get, quote request ID of 300 characters',
			{ resource: 'quoteRequest', operation: 'get', quoteRequestId: 'r'.repeat(300) },
			/^Quote Request ID: expected .*, got 300 characters$/,
		],
		[
			'get, quote request ID with a control character',
			{ resource: 'quoteRequest', operation: 'get', quoteRequestId: 'r1\u001b[2J' },
			/^Quote Request ID: expected .*\(a control character\)$/,
		],
		[
			'submit quote, quote request ID ".."',
			{ resource: 'quoteRequest', ...submit, quoteRequestId: '..' },
			/^Quote Request ID: expected an ID/,
		],
		[
			'withdraw quote, quote request ID ".."',
			{ resource: 'quoteRequest', operation: 'withdrawQuote', quoteRequestId: '..' },
			/^Quote Request ID: expected an ID/,
		],
	];

	it.each(cases)('%s', (_name, parameters, message) => expectRefusedBeforeAnyRequest(run, requests, parameters, message));
});

describe("numbers: plain decimals within each field's bounds, refused before any request", () => {
	const submit = (extra: IDataObject): INodeParameters => ({
		resource: 'quoteRequest',
		operation: 'submitQuote',
		quoteRequestId: 'r1',
		requestVersion: 1,
		requestHash: 'h',
		payoutOdds: 2,
		...extra,
	});
	const odds = (got: string) =>
		new RegExp(`^Payout Odds: expected a number greater than 1 \\(the payout multiplier\\), at most 10000, got ${got}$`);
	const cases: Array<[string, INodeParameters, RegExp]> = [
		['hex odds', submit({ payoutOdds: '={{ "0x10" }}' }), odds('"0x10"')],
		['exponent odds', submit({ payoutOdds: '={{ "1e1" }}' }), odds('"1e1"')],
		['odds 1e308', submit({ payoutOdds: 1e308 }), odds('1e\\+308')],
		['odds "Infinity"', submit({ payoutOdds: '={{ "Infinity" }}' }), odds('"Infinity"')],
		['empty odds', submit({ payoutOdds: '={{ "" }}' }), odds('an empty value')],
		['negative odds', submit({ payoutOdds: -3 }), odds('-3')],
		['odds over the maximum', submit({ payoutOdds: 10000.5 }), odds('10000.5')],
		[
			'expiry 1e308',
			submit({ expiresInMs: 1e308 }),
			/^Expires In \(Milliseconds\): expected a whole number of milliseconds from 1 to 600000 \(ten minutes\), got 1e\+308$/,
		],
		['exponent expiry', submit({ expiresInMs: '={{ "1e4" }}' }), /^Expires In \(Milliseconds\): expected .*, got "1e4"$/],
		['exponent version', submit({ requestVersion: '={{ "1e0" }}' }), /^Request Version: expected a whole number, 1 or more, got "1e0"$/],
		[
			'hex withdraw version',
			{ resource: 'quoteRequest', operation: 'withdrawQuote', quoteRequestId: 'r1', additionalFields: { requestVersion: '={{ "0x2" }}' } },
			/^Request Version: expected a whole number, 1 or more, got "0x2"$/,
		],
		[
			'max wait 1e308',
			{ resource: 'marketMaker', operation: 'heartbeat', options: { rateLimitMaxWaitSeconds: 1e308 } },
			/^Rate Limit Max Wait \(Seconds\): expected a number of seconds from 0 to 3600, got 1e\+308$/,
		],
		[
			// An epoch millisecond count no Date can hold: it was passed on as an Invalid Date.
			'deadline 1e308',
			{ resource: 'quote', operation: 'confirm', quoteId: 'q1', confirmationDeadline: '={{ 1e308 }}' },
			/^Confirmation Deadline: expected an ISO 8601 date .* or epoch milliseconds, got 1e\+308$/,
		],
		[
			'exponent deadline',
			{ resource: 'quote', operation: 'confirm', quoteId: 'q1', confirmationDeadline: '1.8e12' },
			/^Confirmation Deadline: expected .*, got "1.8e12"$/,
		],
	];

	it.each(cases)('%s', (_name, parameters, message) => expectRefusedBeforeAnyRequest(run, requests, parameters, message));

	it('plain decimal text from an expression is still a number', async () => {
		const request = sim.totalis.createQuoteRequest({ betAmount: 25 });
		const result = await run(
			submit({
				quoteRequestId: request.id,
				requestVersion: `={{ "${request.version}" }}`,
				requestHash: request.request_hash,
				payoutOdds: '={{ "4.25" }}',
				expiresInMs: '={{ "15000" }}',
			}),
		);
		expect(result.error).toBeUndefined();
		expect((result.items[0].json as { quote: IDataObject }).quote).toMatchObject({ request_version: request.version, payout_odds: 4.25 });
	});
});

describe('continueOnFail', () => {
	it('turns a failed item into an error item and goes on with the next, each paired to its input', async () => {
		const request = sim.totalis.createQuoteRequest();
		const result = await run(
			{ resource: 'quoteRequest', operation: 'get', quoteRequestId: '={{ $json.id }}' },
			[{ id: 'no-such-request' }, { id: request.id }, { id: '' }],
			{ onError: 'continueRegularOutput' },
		);
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(3);
		expect(result.items[0]).toEqual({
			json: {
				error: 'Totalis could not get quote request "no-such-request": Quote request no-such-request not found (NOT_FOUND, HTTP 404)',
				description: expect.any(String),
				code: 'NOT_FOUND',
				httpCode: '404',
			},
			pairedItem: { item: 0 },
		});
		expect((result.items[1].json.quote_request as IDataObject).id).toBe(request.id);
		expect(result.items[1].pairedItem).toEqual({ item: 1 });
		expect(result.items[2].json.error).toMatch(/^Quote Request ID: expected/);
		expect(result.items[2].pairedItem).toEqual({ item: 2 });
		expect(requests.map((entry) => entry.status)).toEqual([404, 200]);
	});
	it('sends a refused item to the error output under "Continue (using error output)": the reason under details, beside the input item', async () => {
		// The market-making example's race: the request moved on between pricing and the quote.
		const request = sim.totalis.createQuoteRequest();
		const updated = sim.totalis.updateQuoteRequest(request.id);
		const result = await run(
			{ ...submitQuoteParameters, payoutOdds: 3 },
			[{ data: { id: request.id, version: request.version, request_hash: request.request_hash } }],
			{ onError: 'continueErrorOutput' },
		);
		expect(result.error).toBeUndefined();
		expect(result.outputs[0]).toEqual([]);
		expect(result.outputs[1]).toHaveLength(1);
		expect(result.outputs[1][0].json).toMatchObject({
			error: expect.stringContaining(`moved on to version ${updated.version}`),
			details: { code: 'CONFLICT', reason: 'version_mismatch', httpCode: '409', description: expect.any(String) },
			// n8n adds the input item's fields, so the branch knows which request raced.
			data: { id: request.id, version: request.version },
		});
		expect(result.outputs[1][0].pairedItem).toEqual({ item: 0 });
	});
});

describe('unreachable host', () => {
	it('names the host, never the key, even when the base URL carries it', async () => {
		const server = createServer();
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const { port } = server.address() as AddressInfo;
		await new Promise<void>((resolve) => server.close(() => resolve()));
		useKey(sim.totalis.apiKey, `http://127.0.0.1:${port}/totalis?api_key=${sim.totalis.apiKey}`);
		const result = await run({ resource: 'marketMaker', operation: 'heartbeat' });
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.message).toBe(
			`Could not reach Totalis at 127.0.0.1:${port} to send the market-maker heartbeat: the connection was refused (is the service running, and is the REST Base URL right?)`,
		);
		expect(result.error?.httpCode).toBeNull();
		expect(result.error?.context).toMatchObject({ code: 'ECONNREFUSED' });
	});
});

describe('secrets', () => {
	it('no API key appears in anything logged during these executions', () => {
		const logs = allLogText();
		for (const secret of secrets) expect(logs).not.toContain(secret);
		// The retries above were logged, so this checked real log lines.
		expect(logs).toMatch(/answered 429 .* waiting 400 ms as asked/);
		expect(logs).toMatch(/answered 503 .* retrying in/);
	});
});
