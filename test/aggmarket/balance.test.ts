/**
 * Balance → Get in each dialect of the simulated agg.market, in real n8n executions over loopback
 * HTTP: raw amounts come as `totalRaw` (short) or `balanceRaw` with chains `{chain, balanceRaw}`
 * (long). The node adds a decimal `total` wherever a raw amount and its decimals are present and
 * passes everything else through as the venue sent it.
 */
import type { IDataObject } from 'n8n-workflow';
import { AggMarketApi } from '../../credentials/AggMarketApi.credentials';
import { AggMarket } from '../../nodes/AggMarket/AggMarket.node';
import { DIALECTS, startSimulator, type VenueSimulator } from 'trading-venues-simulator';
import { N8nHarness } from '../harness/n8n';
import { nodeRunner } from '../harness/nodeRuns';

/** A decimal from a raw string, done by hand in the test: digits before and after the point. */
function byHand(raw: string, decimals: number): number {
	const padded = raw.padStart(decimals + 1, '0');
	return Number(`${padded.slice(0, -decimals)}.${padded.slice(-decimals)}`);
}

describe.each(DIALECTS.agg)('Balance → Get in the %s dialect', (dialect) => {
	const harness = new N8nHarness({ nodes: { aggMarket: AggMarket }, credentialTypes: [AggMarketApi] });
	let sim: VenueSimulator;
	const run = nodeRunner(harness, 'aggMarket', 'aggMarketApi', () => [sim.agg.accessToken, sim.agg.refreshToken, 'agg_at_', 'agg_rt_']);

	beforeAll(async () => {
		sim = await startSimulator({ port: 0, agg: { seed: 11, dialect } });
		harness.setCredentials('aggMarketApi', {
			appId: sim.agg.appId,
			accessToken: sim.agg.accessToken,
			baseUrl: sim.agg.restUrl,
			wsUrl: sim.agg.wsUrl,
		});
	});

	afterAll(async () => {
		await sim?.close();
	});

	it('adds the decimal total of each raw amount, per chain too, and passes every other field through', async () => {
		const result = await run({ resource: 'balance', operation: 'get' });
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
		const json = result.items[0].json as IDataObject;
		expect(json).not.toHaveProperty('warning');

		const pair = sim.agg.issueTokens();
		const response = await fetch(`${sim.agg.restUrl}/execution/balances`, {
			headers: { 'x-app-id': sim.agg.appId, Authorization: `Bearer ${pair.accessToken}` },
		});
		const venue = (await response.json()) as { cash: Array<Record<string, unknown>>; positions: unknown };
		const raw = dialect === 'short' ? 'totalRaw' : 'balanceRaw';
		const expected = {
			...venue,
			cash: venue.cash.map((entry) => ({
				...entry,
				total: byHand(entry[raw] as string, 6),
				chains: (entry.chains as Array<Record<string, unknown>>).map((chain) => ({ ...chain, total: byHand(chain[raw] as string, 6) })),
			})),
		};
		expect(json).toEqual(expected);
		const usdc = (json.cash as IDataObject[])[0];
		expect(usdc.total).toBeGreaterThan(0);
	});
});
