/**
 * The Totalis API credential, tested the way n8n's "Test credential" button does: n8n's
 * CredentialsTester (packages/cli/src/services/credentials-tester.service.ts, n8n 2.x) finds no
 * `test` on the credential and calls the method the Totalis nodes name in `testedBy`, on n8n-core's
 * real CredentialTestContext, against the simulator. Every failure names the URL it called.
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import { TotalisApi } from '../../credentials/TotalisApi.credentials';
import { Totalis } from '../../nodes/Totalis/Totalis.node';
import { TotalisTrigger } from '../../nodes/Totalis/TotalisTrigger.node';
import { startSimulator, type VenueSimulator } from 'trading-venues-simulator';
import { closedPort, serveWebPage } from '../harness/localServers';
import { N8nHarness, type CredentialTestResult } from '../harness/n8n';

const harness = new N8nHarness({ nodes: { totalis: Totalis }, credentialTypes: [TotalisApi] });
let sim: VenueSimulator;

beforeAll(async () => {
	sim = await startSimulator({
		port: 0,
		totalis: { keys: { api_live_no_scope_key_123: { userId: 'did:privy:noscope', mmId: 'mm_noscope', scopes: [] } } },
	});
});

afterAll(async () => {
	await sim.close();
});

/** Runs a credential test as n8n's CredentialsTester does, with these credential values. */
function testCredential(values: ICredentialDataDecryptedObject): Promise<CredentialTestResult> {
	return harness.testCredential('totalisApi', values);
}

describe('Totalis API credential', () => {
	it('declares the fields and the X-API-Key header, and is tested by the Totalis nodes (testedBy)', async () => {
		const type = harness.credentialType('totalisApi');
		expect(type.displayName).toBe('Totalis API');
		const byName = Object.fromEntries(type.properties.map((property) => [property.name, property]));
		expect(byName.apiKey.typeOptions?.password).toBe(true);
		expect(byName.apiKey.required).toBe(true);
		expect(byName.baseUrl.default).toBe('https://api.totalis.trade');
		expect(byName.wsUrl.default).toBe('wss://api.totalis.trade/ws');
		// A function, so it works without n8n's expression isolate (which a started trigger no longer holds).
		const authenticate = type.authenticate as (credentials: object, options: object) => Promise<{ headers: object }>;
		expect(typeof authenticate).toBe('function');
		await expect(authenticate({ apiKey: 'k_123' }, { url: '/x', headers: { Accept: 'application/json' } })).resolves.toMatchObject({
			headers: { Accept: 'application/json', 'X-API-Key': 'k_123' },
		});
		// n8n prefers a credential's own `test` to the nodes' testedBy: there must be none.
		expect(type.test).toBeUndefined();
		for (const node of [new Totalis(), new TotalisTrigger()]) {
			expect(node.description.credentials).toEqual([{ name: 'totalisApi', required: true, testedBy: 'testTotalisCredential' }]);
			expect(typeof node.methods.credentialTest.testTotalisCredential).toBe('function');
		}
	});

	it('passes for the simulator key: the request reached Totalis, authenticated, and found nothing (404)', async () => {
		const requests: Array<{ method: string; path: string; status: number; mmId?: string }> = [];
		const off = sim.totalis.events.on('rest:request', ({ method, path, status, mmId }) => requests.push({ method, path, status, mmId }));
		const result = await testCredential({ apiKey: sim.totalis.apiKey, baseUrl: sim.totalis.restUrl });
		off();
		expect(result).toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(requests).toEqual([
			{
				method: 'GET',
				path: '/totalis/v1/quote-requests/00000000-0000-0000-0000-000000000000',
				status: 404,
				mmId: sim.totalis.mmId,
			},
		]);
		// A read only: no heartbeat was recorded.
		expect(sim.totalis.lastHeartbeat()).toBeUndefined();
	});

	it('passes with a trailing slash on the base URL', async () => {
		const result = await testCredential({ apiKey: sim.totalis.apiKey, baseUrl: `${sim.totalis.restUrl}/` });
		expect(result.status).toBe('OK');
	});

	it('fails for a wrong key with a message that says the key was refused', async () => {
		const statuses: number[] = [];
		const off = sim.totalis.events.on('rest:request', (request) => statuses.push(request.status));
		const result = await testCredential({ apiKey: 'api_live_wrong_key_000000', baseUrl: sim.totalis.restUrl });
		off();
		expect(statuses).toEqual([401]);
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/did not accept this API key/);
		expect(result.message).not.toContain('api_live_wrong_key_000000');
	});

	it('passes for a valid key without the mm:quote scope (the key is accepted; quoting will answer 403)', async () => {
		const result = await testCredential({ apiKey: 'api_live_no_scope_key_123', baseUrl: sim.totalis.restUrl });
		expect(result.status).toBe('OK');
	});

	it('fails when Totalis is rate-limiting or unavailable, since the key could not be judged', async () => {
		sim.totalis.faults.failRest({ method: 'GET', pathPrefix: '/v1/quote-requests/', status: 429, retryAfterSeconds: 30 });
		const limited = await testCredential({ apiKey: sim.totalis.apiKey, baseUrl: sim.totalis.restUrl });
		expect(limited).toEqual({ status: 'Error', message: expect.stringMatching(/rate-limiting/) });

		sim.totalis.faults.failRest({ method: 'GET', pathPrefix: '/v1/quote-requests/', status: 503 });
		const unavailable = await testCredential({ apiKey: sim.totalis.apiKey, baseUrl: sim.totalis.restUrl });
		expect(unavailable).toEqual({ status: 'Error', message: expect.stringMatching(/temporarily unavailable/) });
		expect(sim.totalis.faults.pendingRestFaults()).toBe(0);
	});

	it('fails when the base URL answers but not like Totalis (a proxy or web page)', async () => {
		const page = await serveWebPage();
		try {
			const result = await testCredential({ apiKey: sim.totalis.apiKey, baseUrl: page.url });
			expect(result.status).toBe('Error');
			expect(result.message).toBe(
				`GET ${page.url}/v1/quote-requests/00000000-0000-0000-0000-000000000000 answered HTTP 200, but not like the Totalis API. Check the REST Base URL: the Totalis API root (such as https://api.totalis.trade), without /v1.`,
			);
		} finally {
			await page.stop();
		}
	});

	it('fails with the network error when nothing listens at the base URL', async () => {
		const port = await closedPort();
		const result = await testCredential({ apiKey: sim.totalis.apiKey, baseUrl: `http://127.0.0.1:${port}` });
		expect(result).toEqual({
			status: 'Error',
			message: `Cannot reach GET http://127.0.0.1:${port}/v1/quote-requests/00000000-0000-0000-0000-000000000000 (ECONNREFUSED). Check the REST Base URL: its host and port, and whether the service speaks http or https there.`,
		});
	});

	it('names the URL in a refused key too, and says an empty key is empty without calling', async () => {
		const refused = await testCredential({ apiKey: 'api_live_wrong_key_000000', baseUrl: sim.totalis.restUrl });
		expect(refused.message).toContain(`401 UNAUTHORIZED at GET ${sim.totalis.restUrl}/v1/quote-requests/`);
		expect(await testCredential({ apiKey: '', baseUrl: sim.totalis.restUrl })).toEqual({
			status: 'Error',
			message: 'The API Key is empty: enter your Totalis API key.',
		});
	});
});
