/**
 * The Helio API credential, tested the way n8n's "Test credential" button does: the credential has
 * no `test` of its own, so n8n's CredentialsTester (packages/cli/src/services/
 * credentials-tester.service.ts, n8n 2.x) calls the method the Helio nodes name in `testedBy`, on
 * n8n-core's real CredentialTestContext, against the Helio simulator. It logs in with the Email and
 * Password as typed; every failure names the URL it called.
 */
import type { ICredentialDataDecryptedObject, IHttpRequestHelper, IHttpRequestOptions } from 'n8n-workflow';
import { HelioApi } from '../../credentials/HelioApi.credentials';
import { Helio } from '../../nodes/Helio/Helio.node';
import { HelioTrigger } from '../../nodes/Helio/HelioTrigger.node';
import { startSimulator, type VenueSimulator } from 'trading-venues-simulator';
import { closedPort, serveWebPage } from '../harness/localServers';
import { N8nHarness, type CredentialTestResult } from '../harness/n8n';

const harness = new N8nHarness({ nodes: { helio: Helio }, credentialTypes: [HelioApi] });
let sim: VenueSimulator;
const requests: Array<{ method: string; path: string; status: number }> = [];

beforeAll(async () => {
	sim = await startSimulator({ port: 0 });
	sim.helio.events.on('rest:request', ({ method, path, status }) => requests.push({ method, path, status }));
});

beforeEach(() => {
	requests.length = 0;
	sim.helio.faults.reset();
});

afterAll(async () => {
	await sim.close();
});

/** Runs a credential test as n8n's CredentialsTester does, with these credential values. */
function testCredential(values: ICredentialDataDecryptedObject): Promise<CredentialTestResult> {
	return harness.testCredential('helioApi', values);
}

const LOGIN = '/helio/api/v1/login';

describe('Helio API credential', () => {
	it('declares the fields, the hidden expirable token and the Bearer header, and is tested by the Helio nodes (testedBy)', () => {
		const type = harness.credentialType('helioApi');
		expect(type.displayName).toBe('Helio API');
		const byName = Object.fromEntries(type.properties.map((property) => [property.name, property]));
		expect(Object.keys(byName)).toEqual(['baseUrl', 'email', 'password', 'accessToken']);
		expect(byName.baseUrl).toMatchObject({
			displayName: 'Trader Host',
			required: true,
			default: '',
			placeholder: 'https://trader.your-broker.com',
		});
		expect(byName.baseUrl.description).toContain('http://127.0.0.1:5700/helio');
		expect(byName.password.typeOptions?.password).toBe(true);
		expect(byName.accessToken).toMatchObject({ type: 'hidden', default: '', typeOptions: { expirable: true, password: true } });
		expect(type.authenticate).toEqual({
			type: 'generic',
			properties: { headers: { Authorization: '=Bearer {{$credentials.accessToken}}' } },
		});
		// n8n prefers a credential's own `test` to the nodes' testedBy: there must be none.
		expect(type.test).toBeUndefined();
		for (const node of [new Helio(), new HelioTrigger()]) {
			expect(node.description.credentials).toEqual([{ name: 'helioApi', required: true, testedBy: 'testHelioCredential' }]);
			expect(typeof node.methods.credentialTest.testHelioCredential).toBe('function');
		}
	});

	it('preAuthentication logs in and returns only the token', async () => {
		// A minimal stand-in for n8n's helpers.httpRequest (JSON, full response, status errors ignored).
		const helpers = {
			helpers: {
				httpRequest: async (options: IHttpRequestOptions) => {
					const response = await fetch(options.url, {
						method: options.method,
						headers: { 'Content-Type': 'application/json' },
						body: JSON.stringify(options.body),
					});
					return { statusCode: response.status, body: await response.json() };
				},
			},
		} as unknown as IHttpRequestHelper;
		const output = await (harness.credentialType('helioApi').preAuthentication as NonNullable<HelioApi['preAuthentication']>).call(
			helpers,
			{
				baseUrl: `${sim.helio.restUrl}/`,
				email: sim.helio.email,
				password: sim.helio.password,
			},
		);
		expect(Object.keys(output)).toEqual(['accessToken']);
		expect(output.accessToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
		expect(requests).toEqual([{ method: 'POST', path: LOGIN, status: 200 }]);
	});

	const loginUrl = () => `POST ${sim.helio.restUrl}/api/v1/login`;

	it('passes for the simulator login: one login with the Email and Password as typed', async () => {
		const logins: boolean[] = [];
		const off = sim.helio.events.on('login', (event) => logins.push(event.ok));
		const result = await testCredential({ baseUrl: sim.helio.restUrl, email: sim.helio.email, password: sim.helio.password });
		off();
		expect(result).toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(logins).toEqual([true]);
		expect(requests).toEqual([{ method: 'POST', path: LOGIN, status: 200 }]);
	});

	it('passes with a trailing slash on the Trader Host', async () => {
		const result = await testCredential({ baseUrl: `${sim.helio.restUrl}/`, email: sim.helio.email, password: sim.helio.password });
		expect(result.status).toBe('OK');
	});

	it("fails for a wrong password in Helio's words, naming the URL, without the password", async () => {
		const result = await testCredential({ baseUrl: sim.helio.restUrl, email: sim.helio.email, password: 'wrong-password-123' });
		expect(result).toEqual({
			status: 'Error',
			message: `Helio refused the login: Invalid email or password (401 at ${loginUrl()}). Check the Email and Password.`,
		});
		expect(requests).toEqual([{ method: 'POST', path: LOGIN, status: 401 }]);
	});

	it('fails for a wrong password even when a token from the old password is still stored', async () => {
		const { access_token: oldToken } = sim.helio.issueToken();
		const result = await testCredential({
			baseUrl: sim.helio.restUrl,
			email: sim.helio.email,
			password: 'changed-since-password-9',
			accessToken: oldToken,
		});
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/^Helio refused the login/);
		expect(result.message).not.toContain('changed-since-password-9');
		expect(requests).toEqual([{ method: 'POST', path: LOGIN, status: 401 }]);
	});

	it('fails while Helio refuses every login', async () => {
		sim.helio.faults.rejectLogin(true);
		const result = await testCredential({ baseUrl: sim.helio.restUrl, email: sim.helio.email, password: sim.helio.password });
		expect(result.message).toMatch(/^Helio refused the login: Invalid email or password \(401 at POST /);
	});

	it('fails when Helio cannot log in now (500), in its words and naming the URL', async () => {
		sim.helio.faults.failRest({ method: 'POST', pathPrefix: '/api/v1/login', status: 500, message: 'auth service down' });
		const result = await testCredential({ baseUrl: sim.helio.restUrl, email: sim.helio.email, password: sim.helio.password });
		expect(result).toEqual({
			status: 'Error',
			message: `Helio could not log in now: auth service down (500 at ${loginUrl()}); test again shortly.`,
		});
		expect(sim.helio.faults.pendingRestFaults()).toBe(0);
	});

	it('fails when the Trader Host answers, but not like Helio (a web page): names the URL and the broker host to check', async () => {
		const page = await serveWebPage();
		try {
			const result = await testCredential({ baseUrl: page.url, email: sim.helio.email, password: sim.helio.password });
			expect(result).toEqual({
				status: 'Error',
				message: `POST ${page.url}/api/v1/login answered HTTP 200, but not like a Helio trader platform (no access token). Check the Trader Host: your broker's Helio host (such as https://trader.your-broker.com).`,
			});
		} finally {
			await page.stop();
		}
	});

	it('fails when nothing listens at the Trader Host, naming the URL and what to check', async () => {
		const port = await closedPort();
		const result = await testCredential({
			baseUrl: `http://127.0.0.1:${port}/helio`,
			email: sim.helio.email,
			password: sim.helio.password,
		});
		expect(result).toEqual({
			status: 'Error',
			message: `Cannot reach POST http://127.0.0.1:${port}/helio/api/v1/login (ECONNREFUSED). Check the Trader Host (your broker's Helio host): its host and port, and whether the service speaks http or https there.`,
		});
	});
});
