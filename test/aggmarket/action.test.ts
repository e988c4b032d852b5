/**
 * The agg.market action node in real n8n workflow executions, against the agg.market simulator
 * over loopback HTTP. The credential renews its token through its preAuthentication (run by
 * n8n-core's httpRequestWithAuthentication); the simulator's REST log and data are the evidence.
 */
import type { ICredentialDataDecryptedObject, IDataObject, IHttpRequestHelper } from 'n8n-workflow';
import { AggMarketApi } from '../../credentials/AggMarketApi.credentials';
import { AggMarket } from '../../nodes/AggMarket/AggMarket.node';
import { rawToDecimal } from '../../nodes/AggMarket/transport';
import { startSimulator, type VenueSimulator } from 'trading-venues-simulator';
import { N8nHarness, allLogText, useSimulatorCredentials } from '../harness/n8n';
import { nodeRunner } from '../harness/nodeRuns';

/** Every token preAuthentication obtained, for the "never leaks" checks. */
const tokens: string[] = [];

class RecordingAggMarketApi extends AggMarketApi {
	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const output = await AggMarketApi.prototype.preAuthentication.call(this, credentials);
		tokens.push(String(output.sessionToken), String(output.refreshToken ?? ''));
		return output;
	}
}

const POSITIONS = 250;
const harness = new N8nHarness({ nodes: { aggMarket: AggMarket }, credentialTypes: [RecordingAggMarketApi] });
let sim: VenueSimulator;
const requests: string[] = [];

beforeAll(async () => {
	sim = await startSimulator({ port: 0, agg: { positionCount: POSITIONS, orderStepMs: 1, seed: 7 } });
	tokens.push(sim.agg.accessToken, sim.agg.refreshToken);
	sim.agg.events.on('rest:request', ({ method, path, status }) => requests.push(`${method} ${path} ${status}`));
	useSimulatorCredentials(harness, sim, { types: ['aggMarketApi'], aggRefreshOnly: true });
});

beforeEach(() => {
	requests.length = 0;
	sim.agg.faults.reset();
});

afterAll(async () => {
	await sim?.close();
});

// Besides the recorded tokens, any token the simulator minted (agg_at_…, agg_rt_…) must not show.
const run = nodeRunner(harness, 'aggMarket', 'aggMarketApi', () => [...tokens.filter(Boolean), 'agg_at_', 'agg_rt_']);
const ops = (path: string) => requests.filter((entry) => !entry.includes('/auth/refresh') && entry.includes(path));

/** A decimal from a raw string, done by hand in the test: digits before and after the point. */
function byHand(raw: string, decimals: number): number {
	const padded = raw.padStart(decimals + 1, '0');
	return Number(`${padded.slice(0, -decimals)}.${padded.slice(-decimals)}`);
}

/** What the simulator answers for a path, read directly with a fresh token of its own. */
async function direct(path: string): Promise<IDataObject> {
	const pair = sim.agg.issueTokens();
	tokens.push(pair.accessToken, pair.refreshToken);
	const response = await fetch(`${sim.agg.restUrl}${path}`, {
		headers: { 'x-app-id': sim.agg.appId, Authorization: `Bearer ${pair.accessToken}` },
	});
	expect(response.status).toBe(200);
	return (await response.json()) as IDataObject;
}

describe('rawToDecimal', () => {
	it('divides on the digits', () => {
		expect(rawToDecimal('1500000', 6)).toBe(1.5);
		expect(rawToDecimal('5', 6)).toBe(0.000005);
		expect(rawToDecimal('123456789012345678', 6)).toBe(123456789012.345678);
		expect(rawToDecimal('42', 0)).toBe(42);
		expect(rawToDecimal('1.5', 6)).toBeUndefined();
	});
});

describe('Balance → Get', () => {
	it('outputs the cash with totalRaw as a decimal total, per chain too, and the positions per venue', async () => {
		const result = await run({ resource: 'balance', operation: 'get' });
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
		expect(ops('/execution/balances')).toEqual(['GET /agg/execution/balances 200']);
		const json = result.items[0].json as IDataObject;
		const expected = await direct('/execution/balances');
		const cash = (expected.cash as IDataObject[])[0];
		const totalRaw = cash.totalRaw as string;
		expect(json.positions).toEqual(expected.positions);
		const out = (json.cash as IDataObject[])[0];
		expect(out).toMatchObject({ tokenSymbol: 'USDC', totalRaw, decimals: 6, total: byHand(totalRaw, 6) });
		expect(out.total).toBeGreaterThan(0);
		const chains = out.chains as IDataObject[];
		expect(chains).toHaveLength(2);
		for (const [index, chain] of chains.entries()) {
			const raw = (cash.chains as IDataObject[])[index].totalRaw as string;
			expect(chain).toMatchObject({ totalRaw: raw, total: byHand(raw, 6) });
		}
	});
});

describe('Position → Get Many', () => {
	it('Return All follows nextCursor over pages of 100', async () => {
		const result = await run({ resource: 'position', operation: 'getAll', returnAll: true });
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(POSITIONS);
		expect(ops('/execution/positions')).toEqual(Array(3).fill('GET /agg/execution/positions 200'));
		const ids = result.items.map((item) => item.json.positionId);
		expect(ids).toEqual(Array.from({ length: POSITIONS }, (_, i) => `pos_${sim.agg.userId}_${String(i + 1).padStart(4, '0')}`));
		const first = (await direct('/execution/positions?limit=2')).data as IDataObject[];
		expect(result.items.slice(0, 2).map((item) => item.json)).toEqual(first);
		expect(result.items.every((item) => (item.pairedItem as { item: number }).item === 0)).toBe(true);
	});

	it('a Limit above 100 reads two pages and stops there', async () => {
		const result = await run({ resource: 'position', operation: 'getAll', returnAll: false, limit: 120 });
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.positionId)).toEqual(
			Array.from({ length: 120 }, (_, i) => `pos_${sim.agg.userId}_${String(i + 1).padStart(4, '0')}`),
		);
		expect(ops('/execution/positions')).toHaveLength(2);
	});

	it('a small Limit reads one page', async () => {
		const result = await run({ resource: 'position', operation: 'getAll', returnAll: false, limit: 7 });
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(7);
		expect(ops('/execution/positions')).toHaveLength(1);
	});
});

describe('Get Many within bounds (a venue whose cursors misbehave)', () => {
	const positionIds = (count: number) => Array.from({ length: count }, (_, i) => `pos_${sim.agg.userId}_${String(i + 1).padStart(4, '0')}`);

	it('Return All stops at a cursor sent again, outputs what it read and says so on the last item', async () => {
		// The second page names its own cursor as the next one: followed, it would be served for ever.
		sim.agg.faults.misbehaveCursors('repeat');
		const result = await run({ resource: 'position', operation: 'getAll', returnAll: true });
		expect(result.error).toBeUndefined();
		expect(ops('/execution/positions')).toHaveLength(2);
		expect(result.items.map((item) => item.json.positionId)).toEqual(positionIds(200));
		const warnings = result.items.map((item) => item.json.warning);
		expect(warnings.slice(0, -1).every((warning) => warning === undefined)).toBe(true);
		expect(warnings.at(-1)).toBe(
			'Stopped paging after 200 records: the venue sent a next-page cursor it had sent before, so its next page would repeat one already read. The list may be incomplete.',
		);
		expect(allLogText()).toContain('Stopped paging after 200 records');
	});

	it('a Limit reached before the repeated cursor is no warning', async () => {
		// The second page (50 records, all still wanted) comes with the first page's cursor again.
		sim.agg.faults.misbehaveCursors('repeat');
		const result = await run({ resource: 'position', operation: 'getAll', returnAll: false, limit: 150 });
		expect(result.error).toBeUndefined();
		expect(ops('/execution/positions')).toHaveLength(2);
		expect(result.items.map((item) => item.json.positionId)).toEqual(positionIds(150));
		expect(result.items.some((item) => item.json.warning !== undefined)).toBe(false);
	});

	it('Return All stops after 1,000 pages when the venue offers a next page for ever', async () => {
		// Past its 250 positions the venue sends empty pages, each with a new cursor.
		sim.agg.faults.misbehaveCursors('endless');
		const result = await run({ resource: 'position', operation: 'getAll', returnAll: true });
		expect(result.error).toBeUndefined();
		expect(ops('/execution/positions')).toHaveLength(1000);
		expect(result.items.map((item) => item.json.positionId)).toEqual(positionIds(POSITIONS));
		expect(result.items.at(-1)?.json.warning).toBe(
			`Stopped paging after ${POSITIONS} records: the venue still offered a next page after 1000 pages, the most one Get Many reads. The list may be incomplete.`,
		);
	});
});

describe('Order → Get Many', () => {
	it('outputs the orders newest first with filledAmountRaw as shares (6 decimals), over several pages', async () => {
		const [yes, no] = sim.agg.outcomes;
		const done = (orderId: string) =>
			sim.agg.waitFor('user:event', (event) => event.message.orderId === orderId && event.message.event === 'dag_completed', 5000);
		const filled = sim.agg.placeOrder({
			venue: 'polymarket',
			side: 'buy',
			price: 0.5,
			size: 1.5,
			outcomeId: yes.outcomeId,
			outcome: 'fill',
			retry: false,
		});
		const waitFilled = done(filled.orderId);
		const partial = sim.agg.placeOrder({
			venue: 'kalshi',
			side: 'buy',
			price: 0.4,
			size: 3.25,
			outcomeId: no.outcomeId,
			outcome: 'partial',
			retry: false,
		});
		const waitPartial = done(partial.orderId);
		await Promise.all([waitFilled, waitPartial]);
		// Enough failing orders for a second page.
		for (let i = 0; i < 100; i++) {
			sim.agg.placeOrder({ venue: 'opinion', side: 'sell', price: 0.3, size: 1, outcomeId: yes.outcomeId, outcome: 'fail', retry: false });
		}
		const result = await run({ resource: 'order', operation: 'getAll', returnAll: true });
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(102);
		expect(ops('/execution/orders')).toEqual(['GET /agg/execution/orders 200', 'GET /agg/execution/orders 200']);
		const byId = new Map(result.items.map((item) => [item.json.orderId, item.json]));
		expect(byId.get(filled.orderId)).toMatchObject({
			status: 'filled',
			filledAmountRaw: '1500000',
			filledAmount: 1.5,
			size: 1.5,
			venue: 'polymarket',
		});
		expect(byId.get(partial.orderId)).toMatchObject({ status: 'partially_filled', filledAmountRaw: '1625000', filledAmount: 1.625 });
		// Newest first: the first two placed are the last two.
		expect(result.items.slice(-2).map((item) => item.json.orderId)).toEqual([partial.orderId, filled.orderId]);

		const limited = await run({ resource: 'order', operation: 'getAll', returnAll: false, limit: 5 });
		expect(limited.items).toHaveLength(5);
		expect(limited.items.map((item) => item.json.orderId)).toEqual(result.items.slice(0, 5).map((item) => item.json.orderId));
	});
});

describe('Quote → Get', () => {
	it('posts the quote and outputs the splits priced at the top of the book plus slippage', async () => {
		const outcome = sim.agg.outcomes[0];
		const top = sim.agg.book(outcome.outcomeId).asks[0];
		const result = await run({
			resource: 'quote',
			operation: 'get',
			venue: 'polymarket',
			marketId: outcome.marketId,
			tokenId: outcome.outcomeId,
			side: 'buy',
			amount: 25,
			slippageBps: 100,
		});
		expect(result.error).toBeUndefined();
		const json = result.items[0].json as IDataObject;
		expect(json.canExecute).toBe(true);
		expect(json.quoteId).toMatch(/^q_/);
		expect(Date.parse(json.expiresAt as string)).toBeGreaterThan(Date.now());
		const splits = json.splits as Array<{ venue: string; amount: number; price: number }>;
		const price = Math.min(0.99, Math.round(top.price * 1.01 * 10_000) / 10_000);
		expect(splits.map((split) => split.venue)).toEqual(top.venues.map((venue) => venue.venue));
		for (const split of splits) expect(split.price).toBe(price);
		expect(splits.reduce((sum, split) => sum + split.amount, 0)).toBeCloseTo(25, 1);
		expect(ops('/execution/quote')).toEqual(['POST /agg/execution/quote 200']);
	});

	it('maps a venue error (unknown token) to a NodeApiError with code and field', async () => {
		const outcome = sim.agg.outcomes[0];
		const result = await run({
			resource: 'quote',
			operation: 'get',
			venue: 'kalshi',
			marketId: outcome.marketId,
			tokenId: 'no_such_token',
			side: 'sell',
			amount: 3,
			slippageBps: 50,
		});
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.message).toBe(
			'agg.market could not quote a sell of token no_such_token: Unknown tokenId no_such_token (NOT_FOUND, field "tokenId", HTTP 404)',
		);
		expect(result.error?.httpCode).toBe('404');
		expect(result.error?.context).toMatchObject({ code: 'NOT_FOUND', field: 'tokenId', venue: 'agg.market' });
	});

	const valid = () => ({
		resource: 'quote',
		operation: 'get',
		venue: 'polymarket',
		marketId: sim.agg.outcomes[0].marketId,
		tokenId: sim.agg.outcomes[0].outcomeId,
		side: 'buy',
		amount: 10,
		slippageBps: 50,
	});

	it.each([
		['Market ID', { marketId: '  ' }],
		['Token ID', { tokenId: ' ' }],
		['Amount', { amount: 0 }],
		['Amount', { amount: -2 }],
		// Plain decimals only: Number() read "0x10" as 16 and "1e3" as 1000.
		['Amount', { amount: '={{ "0x10" }}' }],
		['Amount', { amount: '={{ "1e3" }}' }],
		['Amount', { amount: '={{ "Infinity" }}' }],
		['Amount', { amount: '={{ "" }}' }],
		['Amount', { amount: 1e308 }],
		['Amount', { amount: 1_000_000_001 }],
		['Slippage (Basis Points)', { slippageBps: -1 }],
		['Slippage (Basis Points)', { slippageBps: 10001 }],
		['Slippage (Basis Points)', { slippageBps: '={{ "1e2" }}' }],
		['Venue', { venue: 'nasdaq' }],
		['Side', { side: 'hold' }],
	])('refuses a bad %s (%j) before any request', async (field, override) => {
		const result = await run({ ...valid(), ...override });
		expect(result.error?.name).toBe('NodeOperationError');
		expect(result.error?.message.startsWith(`${field}: expected`)).toBe(true);
		expect(requests).toEqual([]);
	});

	it('says what Amount expects: greater than 0, at most 1000000000', async () => {
		const result = await run({ ...valid(), amount: '={{ "0x10" }}' });
		expect(result.error?.message).toBe('Amount: expected a number greater than 0, at most 1000000000, got "0x10"');
	});

	it('reads plain decimal text from an expression as the number it shows', async () => {
		const result = await run({ ...valid(), amount: '={{ " 12.5 " }}', slippageBps: '={{ "75" }}' });
		expect(result.error).toBeUndefined();
		const splits = (result.items[0].json as { splits: Array<{ amount: number }> }).splits;
		expect(splits.reduce((sum, split) => sum + split.amount, 0)).toBeCloseTo(12.5, 1);
		expect(ops('/execution/quote')).toEqual(['POST /agg/execution/quote 200']);
	});
});

describe('errors and the token', () => {
	it.each(['position', 'order'])('refuses a %s Limit below 1 before any request', async (resource) => {
		const result = await run({ resource, operation: 'getAll', returnAll: false, limit: 0 });
		expect(result.error?.name).toBe('NodeOperationError');
		expect(result.error?.message).toBe('Limit: expected a whole number, 1 or more, got 0');
		expect(requests).toEqual([]);
	});

	it('maps a venue failure to a NodeApiError', async () => {
		sim.agg.faults.failRest({ pathPrefix: '/execution/balances', status: 503, message: 'Down for maintenance' });
		const result = await run({ resource: 'balance', operation: 'get' });
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.message).toMatch(/^agg\.market could not get the balances: Down for maintenance/);
		expect(result.error?.httpCode).toBe('503');
		expect(result.error?.description).toMatch(/try again shortly/);
	});

	it('renews an expired token through the refresh token and sends the request once more', async () => {
		expect((await run({ resource: 'balance', operation: 'get' })).error).toBeUndefined();
		const before = tokens.length;
		requests.length = 0;
		expect(sim.agg.faults.expireTokens().tokens).toBeGreaterThan(0);
		const refreshed = sim.agg.waitFor('token:refreshed', undefined, 5000);
		const result = await run({ resource: 'balance', operation: 'get' });
		expect(result.error).toBeUndefined();
		await refreshed;
		expect(tokens.length).toBeGreaterThan(before);
		expect(requests).toEqual(['GET /agg/execution/balances 401', `POST /agg${sim.agg.refreshPath} 200`, 'GET /agg/execution/balances 200']);
		expect((result.items[0].json.cash as IDataObject[])[0].total).toBeGreaterThan(0);
	});

	it('survives another execution spending the single-use refresh token first: reads the credential again and retries once', async () => {
		expect((await run({ resource: 'balance', operation: 'get' })).error).toBeUndefined();
		expect(sim.agg.faults.expireTokens().tokens).toBeGreaterThan(0);
		// Both refreshes wait together, so both carry the same refresh token: the first served wins.
		sim.agg.faults.failRest({ method: 'POST', pathPrefix: sim.agg.refreshPath, delayMs: 300, times: 2 });
		requests.length = 0;
		const results = await Promise.all([run({ resource: 'balance', operation: 'get' }), run({ resource: 'balance', operation: 'get' })]);
		expect(results.map((result) => result.error?.message)).toEqual([undefined, undefined]);
		for (const result of results) expect((result.items[0].json.cash as IDataObject[])[0].total).toBeGreaterThan(0);
		// One refresh won, one was refused; the loser took the winner's tokens from the credential and did not refresh again.
		const refreshes = requests.filter((entry) => entry.includes(sim.agg.refreshPath)).sort();
		expect(refreshes).toEqual([`POST /agg${sim.agg.refreshPath} 200`, `POST /agg${sim.agg.refreshPath} 401`]);
		expect(ops('/execution/balances').filter((entry) => entry.endsWith(' 200'))).toHaveLength(2);
	});

	it('fails a refresh refused with the refresh token still stored, after one attempt', async () => {
		const stored = harness.storedCredentials('aggMarketApi');
		harness.setCredentials('aggMarketApi', { ...stored, sessionToken: '', refreshToken: 'agg_rt_spent_elsewhere' });
		try {
			requests.length = 0;
			const result = await run({ resource: 'balance', operation: 'get' });
			expect(result.error?.message).toMatch(/agg\.market refused the token refresh: Invalid refresh token/);
			expect(result.error?.context?.code).toBe('TOKEN_REFRESH_REFUSED');
			expect(requests.filter((entry) => entry.includes(sim.agg.refreshPath))).toEqual([`POST /agg${sim.agg.refreshPath} 401`]);
		} finally {
			harness.setCredentials('aggMarketApi', stored ?? {});
		}
	});

	it('never writes a token to the logs', () => {
		const text = allLogText();
		for (const secret of [...tokens.filter(Boolean), 'agg_at_', 'agg_rt_']) expect(text).not.toContain(secret);
	});
});
