/**
 * The OpenMarkets API credential, tested the way n8n's "Test credential" button does: the
 * credential has no `test` of its own, so n8n's CredentialsTester calls the method the OpenMarkets
 * nodes name in `testedBy`, on n8n-core's real CredentialTestContext, against the simulated
 * OpenMarkets. Every failure names the URL it called.
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import { OpenMarketsApi } from '../../credentials/OpenMarketsApi.credentials';
import { OpenMarkets } from '../../nodes/OpenMarkets/OpenMarkets.node';
import { OpenMarketsTrigger } from '../../nodes/OpenMarkets/OpenMarketsTrigger.node';
import { startSimulator, type VenueSimulator } from 'trading-venues-simulator';
import { closedPort, serveWebPage } from '../harness/localServers';
import { N8nHarness, allLogText, type CredentialTestResult } from '../harness/n8n';

const harness = new N8nHarness({ nodes: { openMarketsTrigger: OpenMarketsTrigger }, credentialTypes: [OpenMarketsApi] });
let sim: VenueSimulator;

beforeAll(async () => {
	sim = await startSimulator({ port: 0 });
});

afterAll(async () => {
	await sim.close();
});

beforeEach(() => sim.openmarkets.faults.reset());

function testCredential(values: ICredentialDataDecryptedObject): Promise<CredentialTestResult> {
	return harness.testCredential('openMarketsApi', values);
}

describe('OpenMarkets API credential', () => {
	it('declares the key, both URLs and the X-API-Key header, and is tested by the OpenMarkets nodes (testedBy)', async () => {
		const type = harness.credentialType('openMarketsApi');
		expect(type.displayName).toBe('OpenMarkets API');
		const byName = Object.fromEntries(type.properties.map((property) => [property.name, property]));
		expect(byName.apiKey).toMatchObject({ required: true, typeOptions: { password: true } });
		expect(byName.baseUrl.default).toBe('https://api.openmarkets.ai/flow/v1');
		expect(byName.streamUrl.default).toBe('wss://api.openmarkets.ai/flow/v1/stream');
		// A function, so it works without n8n's expression isolate (which a started trigger no longer holds).
		const authenticate = type.authenticate as (credentials: object, options: object) => Promise<{ headers: object }>;
		expect(typeof authenticate).toBe('function');
		await expect(authenticate({ apiKey: 'k_123' }, { url: '/x', headers: { Accept: 'application/json' } })).resolves.toMatchObject({
			headers: { Accept: 'application/json', 'X-API-Key': 'k_123' },
		});
		// n8n prefers a credential's own `test` to the nodes' testedBy: there must be none.
		expect(type.test).toBeUndefined();
		for (const node of [new OpenMarkets(), new OpenMarketsTrigger()]) {
			expect(node.description.credentials).toEqual([{ name: 'openMarketsApi', required: true, testedBy: 'testOpenMarketsCredential' }]);
			expect(typeof node.methods.credentialTest.testOpenMarketsCredential).toBe('function');
		}
	});

	it('passes for the simulator key, with one authenticated read', async () => {
		const requests: string[] = [];
		const off = sim.openmarkets.events.on('rest:request', ({ method, path, status }) => requests.push(`${method} ${path} ${status}`));
		const result = await testCredential({ apiKey: sim.openmarkets.apiKey, baseUrl: sim.openmarkets.restUrl });
		off();
		expect(result).toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(requests).toEqual(['GET /openmarkets/flow/v1/leagues 200']);
	});

	it('passes with a trailing slash on the base URL', async () => {
		expect((await testCredential({ apiKey: sim.openmarkets.apiKey, baseUrl: `${sim.openmarkets.restUrl}/` })).status).toBe('OK');
	});

	it('fails for a wrong or revoked key, saying the key was refused and never showing it', async () => {
		const wrong = await testCredential({ apiKey: 'om_data_live_wrong_key_0000', baseUrl: sim.openmarkets.restUrl });
		expect(wrong).toEqual({
			status: 'Error',
			message: `OpenMarkets did not accept this API key (401 at GET ${sim.openmarkets.restUrl}/leagues). Check the API Key and that it is not revoked.`,
		});
		sim.openmarkets.faults.revokeKey();
		const revoked = await testCredential({ apiKey: sim.openmarkets.apiKey, baseUrl: sim.openmarkets.restUrl });
		expect(revoked.message).toMatch(/did not accept this API key/);
		expect(`${wrong.message} ${revoked.message} ${allLogText()}`).not.toContain('om_data_live_wrong_key_0000');
		expect(allLogText()).not.toContain(sim.openmarkets.apiKey);
	});

	it('fails in words when OpenMarkets is rate-limiting or unavailable, and for a base URL without /flow/v1', async () => {
		sim.openmarkets.faults.failRest({ status: 429, retryAfterSeconds: 30 });
		expect((await testCredential({ apiKey: sim.openmarkets.apiKey, baseUrl: sim.openmarkets.restUrl })).message).toMatch(/rate-limiting/);
		sim.openmarkets.faults.failRest({ status: 503 });
		expect((await testCredential({ apiKey: sim.openmarkets.apiKey, baseUrl: sim.openmarkets.restUrl })).message).toMatch(
			/temporarily unavailable/,
		);
		const short = await testCredential({ apiKey: sim.openmarkets.apiKey, baseUrl: `${sim.baseUrl}/openmarkets` });
		expect(short).toEqual({
			status: 'Error',
			message: `GET ${sim.baseUrl}/openmarkets/leagues answered 404: the REST Base URL should be the API root ending in /flow/v1 (such as https://api.openmarkets.ai/flow/v1).`,
		});
	});

	it('fails with the network error when nothing listens at the base URL', async () => {
		const port = await closedPort();
		const result = await testCredential({ apiKey: sim.openmarkets.apiKey, baseUrl: `http://127.0.0.1:${port}/flow/v1` });
		expect(result).toEqual({
			status: 'Error',
			message: `Cannot reach GET http://127.0.0.1:${port}/flow/v1/leagues (ECONNREFUSED). Check the REST Base URL: its host and port, and whether the service speaks http or https there.`,
		});
	});

	it('fails naming the URL when the base URL answers, but not with JSON (a web page at the wrong host)', async () => {
		const page = await serveWebPage();
		try {
			const result = await testCredential({ apiKey: sim.openmarkets.apiKey, baseUrl: page.url });
			expect(result).toEqual({
				status: 'Error',
				message: `GET ${page.url}/leagues answered, but not with OpenMarkets' JSON. Check the REST Base URL: the API root ending in /flow/v1 (such as https://api.openmarkets.ai/flow/v1).`,
			});
		} finally {
			await page.stop();
		}
	});
});
