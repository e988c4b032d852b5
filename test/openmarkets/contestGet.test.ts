/**
 * Contest → Get against each dialect of the simulated OpenMarkets: `GET /contests/{id}` is not
 * documented, so a 404 there falls back on the documented list (docs/venues/openmarkets.md#undocumented-details-and-what-the-nodes-accept).
 */
import { OpenMarketsApi } from '../../credentials/OpenMarketsApi.credentials';
import { OpenMarkets } from '../../nodes/OpenMarkets/OpenMarkets.node';
import { DIALECTS, startSimulator, type VenueSimulator } from 'trading-venues-simulator';
import { N8nHarness } from '../harness/n8n';
import { nodeRunner } from '../harness/nodeRuns';

describe.each(DIALECTS.openmarkets)('OpenMarkets Contest → Get, dialect %s', (dialect) => {
	const harness = new N8nHarness({ nodes: { openMarkets: OpenMarkets }, credentialTypes: [OpenMarketsApi] });
	let sim: VenueSimulator;
	const calls: string[] = [];
	const run = nodeRunner(harness, 'openMarkets', 'openMarketsApi', () => [sim.openmarkets.apiKey]);
	const useBaseUrl = (baseUrl: string) =>
		harness.setCredentials('openMarketsApi', { apiKey: sim.openmarkets.apiKey, baseUrl, streamUrl: sim.openmarkets.streamUrl });

	beforeAll(async () => {
		sim = await startSimulator({ openmarkets: { seed: 5, dialect } });
		// More than one page of the list, so the fallback has to follow the cursor.
		sim.openmarkets.addContests(150, { league_id: 'lg_nhl', startsInMs: 5 * 3_600_000 });
		sim.openmarkets.events.on('rest:request', ({ method, path, status }) => calls.push(`${method} ${path} ${status}`));
	});

	beforeEach(() => {
		calls.length = 0;
		useBaseUrl(sim.openmarkets.restUrl);
	});

	afterAll(async () => {
		await sim?.close();
	});

	it('outputs the contest as OpenMarkets sends it, from the list when GET /contests/{id} answers 404', async () => {
		// The last in id order: the variant lists by id, so the fallback reads every page to find it.
		const target = sim.openmarkets
			.contests()
			.sort((a, b) => a.id.localeCompare(b.id))
			.at(-1)!;
		const result = await run({ resource: 'contest', operation: 'get', contestId: target.id });
		expect(result.error).toBeUndefined();
		const { starts_at, ...rest } = target;
		expect(result.items.map((item) => item.json)).toEqual([dialect === 'docs' ? target : { ...rest, start_time: starts_at }]);
		const one = `GET /openmarkets/flow/v1/contests/${target.id}`;
		if (dialect === 'docs') expect(calls).toEqual([`${one} 200`]);
		else {
			expect(calls[0]).toBe(`${one} 404`);
			expect(calls.slice(1).every((call) => call === 'GET /openmarkets/flow/v1/contests 200')).toBe(true);
			expect(calls.length).toBeGreaterThan(2);
		}
	});

	it('an unknown contest is a not-found error naming it, after looking in the list; Continue On Fail goes on', async () => {
		const [known] = sim.openmarkets.contests();
		const result = await run(
			{ resource: 'contest', operation: 'get', contestId: '={{ $json.id }}' },
			[{ id: 'ct_nope' }, { id: known.id }],
			{ onError: 'continueRegularOutput' },
		);
		expect(result.items[0]).toEqual({
			json: {
				error: 'OpenMarkets has no contest ct_nope',
				code: 'not_found',
				description:
					'GET /contests/{id} answered 404 and its contest list does not include it. Contest → Get Many lists the contests with their IDs.',
				httpCode: '404',
			},
			pairedItem: { item: 0 },
		});
		expect(result.items[1]).toMatchObject({ json: { id: known.id }, pairedItem: { item: 1 } });
		const pages = sim.openmarkets.contests().length / 100;
		expect(calls.slice(0, 1 + Math.ceil(pages))).toEqual([
			'GET /openmarkets/flow/v1/contests/ct_nope 404',
			...Array.from({ length: Math.ceil(pages) }, () => 'GET /openmarkets/flow/v1/contests 200'),
		]);
	});

	it('a 404 from the list too (a base URL without /flow/v1) is a not-found error naming the contest', async () => {
		useBaseUrl(sim.openmarkets.restUrl.replace('/flow/v1', ''));
		const result = await run({ resource: 'contest', operation: 'get', contestId: 'ct_abc' });
		expect(result.error?.message).toBe('OpenMarkets has no contest ct_abc');
		expect(result.error?.description).toBe(
			'GET /contests answered 404 too. A 404 on every call usually means a REST Base URL without /flow/v1.',
		);
		expect(result.error?.httpCode).toBe('404');
		expect(calls).toEqual(['GET /openmarkets/contests/ct_abc 404', 'GET /openmarkets/contests 404']);
	});
});
