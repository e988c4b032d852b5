/**
 * n8n's "Custom API Call" (issue 15): n8n offers it on a node, and offers the node's credential as
 * a "predefined credential type" in the HTTP Request node, only when the credential's
 * `authenticate` is one of its own properties (n8n's LoadNodesAndCredentials reads a spread copy
 * of the credential, which drops prototype methods). The HTTP Request node then sends the request
 * through n8n-core's `httpRequestWithAuthentication`, as the small node below does, against the
 * simulator: the venue must answer as to an authenticated caller.
 */
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { startSimulator, type VenueSimulator } from 'trading-venues-simulator';

import { AggMarketApi } from '../../credentials/AggMarketApi.credentials';
import { HelioApi } from '../../credentials/HelioApi.credentials';
import { OpenMarketsApi } from '../../credentials/OpenMarketsApi.credentials';
import { TotalisApi } from '../../credentials/TotalisApi.credentials';
import { N8nHarness, simulatorCredentials } from '../harness/n8n';

/** What the HTTP Request node does with a predefined credential type: one authenticated request, its full answer as the item. */
class PredefinedCredentialRequest implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Predefined Credential Request',
		name: 'predefinedCredentialRequest',
		group: ['transform'],
		version: 1,
		description: 'Test helper',
		defaults: { name: 'Request' },
		inputs: ['main'],
		outputs: ['main'],
		credentials: ['totalisApi', 'helioApi', 'aggMarketApi', 'openMarketsApi'].map((name) => ({ name, required: false })),
		properties: [
			{ displayName: 'Credential Type', name: 'credentialType', type: 'string', default: '' },
			{ displayName: 'URL', name: 'url', type: 'string', default: '' },
		],
	} as unknown as INodeTypeDescription;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const credentialType = this.getNodeParameter('credentialType', 0) as string;
		const url = this.getNodeParameter('url', 0) as string;
		const response = (await this.helpers.httpRequestWithAuthentication.call(this, credentialType, {
			method: 'GET',
			url,
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
		})) as { statusCode: number; body: unknown };
		return [[{ json: { statusCode: response.statusCode, body: response.body as never } }]];
	}
}

const harness = new N8nHarness({
	nodes: { predefinedCredentialRequest: PredefinedCredentialRequest },
	credentialTypes: [TotalisApi, HelioApi, AggMarketApi, OpenMarketsApi],
});
let sim: VenueSimulator;
let credentials: ReturnType<typeof simulatorCredentials>;

beforeAll(async () => {
	sim = await startSimulator({ port: 0 });
	credentials = simulatorCredentials(sim);
});

afterAll(async () => {
	await sim.close();
});

async function customCall(credentialType: string, url: string) {
	const run = await harness.executeNode('predefinedCredentialRequest', { credentialType, url }, credentialType);
	if (run.error) throw run.error;
	return run.items[0].json as { statusCode: number; body: Record<string, unknown> };
}

describe('Custom API Call through each credential', () => {
	it.each([
		['totalisApi', TotalisApi],
		['helioApi', HelioApi],
		['aggMarketApi', AggMarketApi],
		['openMarketsApi', OpenMarketsApi],
	])('%s carries authenticate as its own property, which n8n needs to offer Custom API Call', (_name, credentialClass) => {
		// LoadNodesAndCredentials.postProcessLoaders: `{ ...credential }`, then `authenticate !== undefined`.
		const asN8nSeesIt = { ...new credentialClass() } as { authenticate?: unknown };
		expect(asN8nSeesIt.authenticate).toBeDefined();
	});

	it('Totalis: the API key reaches the venue as X-API-Key (the request is answered for the key’s market maker)', async () => {
		harness.setCredentials('totalisApi', credentials.totalisApi);
		const seen: Array<{ status: number; mmId?: string }> = [];
		const off = sim.totalis.events.on('rest:request', ({ status, mmId }) => seen.push({ status, mmId }));
		const answer = await customCall('totalisApi', `${sim.totalis.restUrl}/v1/quote-requests/00000000-0000-0000-0000-000000000000`);
		off();
		// 404 NOT_FOUND, not 401: the key was read and accepted.
		expect(answer.statusCode).toBe(404);
		expect(seen).toEqual([{ status: 404, mmId: sim.totalis.mmId }]);
	});

	it('Totalis: without the right key the venue answers 401 (the header decides)', async () => {
		harness.setCredentials('totalisApi', { ...credentials.totalisApi, apiKey: 'api_live_wrong_key_000000' });
		const answer = await customCall('totalisApi', `${sim.totalis.restUrl}/v1/quote-requests/00000000-0000-0000-0000-000000000000`);
		expect(answer.statusCode).toBe(401);
	});

	it('OpenMarkets: the API key reaches the venue as X-API-Key', async () => {
		harness.setCredentials('openMarketsApi', credentials.openMarketsApi);
		const answer = await customCall('openMarketsApi', `${sim.openmarkets.restUrl}/leagues?limit=1`);
		expect(answer.statusCode).toBe(200);
		expect(Array.isArray(answer.body.data)).toBe(true);

		harness.setCredentials('openMarketsApi', { ...credentials.openMarketsApi, apiKey: 'om_data_live_wrong_key_0000' });
		expect((await customCall('openMarketsApi', `${sim.openmarkets.restUrl}/leagues?limit=1`)).statusCode).toBe(401);
	});

	it('agg.market: the refresh token gets a session token (preAuthentication), sent as a Bearer with x-app-id', async () => {
		// As n8n saves the form: the access token and the hidden session fields empty.
		harness.setCredentials('aggMarketApi', {
			...credentials.aggMarketApi,
			accessToken: '',
			origin: '',
			sessionToken: '',
			sessionExpiresAt: 0,
		});
		const seen: Array<{ path: string; status: number; userId?: string }> = [];
		const off = sim.agg.events.on('rest:request', ({ path, status, userId }) => seen.push({ path, status, userId }));
		const answer = await customCall('aggMarketApi', `${sim.agg.restUrl}/execution/balances`);
		off();
		expect(answer.statusCode).toBe(200);
		const balances = seen.filter((request) => request.path.endsWith('/execution/balances'));
		expect(balances).toEqual([expect.objectContaining({ status: 200, userId: expect.any(String) })]);
		// n8n kept the session token the refresh returned, for the next call.
		expect(harness.storedCredentials('aggMarketApi')?.sessionToken).toEqual(expect.any(String));
	});

	it('Helio: the login (preAuthentication) gives the Bearer token the venue accepts', async () => {
		harness.setCredentials('helioApi', { ...credentials.helioApi, accessToken: '' });
		const login = (await customCall('helioApi', `${sim.helio.restUrl}/api/v1/accounts`)) as { statusCode: number };
		expect(login.statusCode).not.toBe(401);
		expect(harness.storedCredentials('helioApi')?.accessToken).toEqual(expect.any(String));
	});
});
