/**
 * The Helio API credential, tested the way n8n's "Test credential" button does: the credential's
 * `test.request` runs through n8n-core's RoutingNode (httpRequestWithAuthentication, so the
 * credential's preAuthentication and `authenticate` apply) against the Helio simulator, then the
 * rules are applied as n8n's CredentialsTester (packages/cli/src/services/
 * credentials-tester.service.ts, n8n 2.x) applies them.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ICredentialDataDecryptedObject, IHttpRequestHelper, IHttpRequestOptions } from 'n8n-workflow';
import { HelioApi } from '../../credentials/HelioApi.credentials';
import { startSimulator, type VenueSimulator } from 'trading-venues-simulator';
import { N8nHarness, type CredentialTestResult } from '../harness/n8n';

const harness = new N8nHarness({ nodes: {}, credentialTypes: [HelioApi] });
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
	it('declares the fields, the hidden expirable token, the Bearer header and the login as its test', () => {
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
		expect(type.test?.request).toMatchObject({ method: 'POST', url: '/api/v1/login' });
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

	it('passes for the simulator login: preAuthentication and the test request both log in', async () => {
		const logins: boolean[] = [];
		const off = sim.helio.events.on('login', (event) => logins.push(event.ok));
		const result = await testCredential({ baseUrl: sim.helio.restUrl, email: sim.helio.email, password: sim.helio.password });
		off();
		expect(result).toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(logins).toEqual([true, true]);
		expect(requests).toEqual([
			{ method: 'POST', path: LOGIN, status: 200 },
			{ method: 'POST', path: LOGIN, status: 200 },
		]);
	});

	it('passes with a trailing slash on the Trader Host', async () => {
		const result = await testCredential({ baseUrl: `${sim.helio.restUrl}/`, email: sim.helio.email, password: sim.helio.password });
		expect(result.status).toBe('OK');
	});

	it('fails for a wrong password, in plain words, without the password', async () => {
		const result = await testCredential({ baseUrl: sim.helio.restUrl, email: sim.helio.email, password: 'wrong-password-123' });
		expect(result).toEqual({ status: 'Error', message: 'Helio refused the login: Invalid email or password' });
		expect(requests).toEqual([{ method: 'POST', path: LOGIN, status: 401 }]);
	});

	it('fails for a wrong password even when a token from the old password is still stored', async () => {
		// preAuthentication does not run when a token is stored and not expired (outside n8n's own
		// test detection): the login request of the test still judges the password.
		const { access_token: oldToken } = sim.helio.issueToken();
		const result = await testCredential({
			baseUrl: sim.helio.restUrl,
			email: sim.helio.email,
			password: 'changed-since-password-9',
			accessToken: oldToken,
		});
		expect(result).toEqual({ status: 'Error', message: 'Helio refused the login: invalid email or password.' });
		expect(requests).toEqual([{ method: 'POST', path: LOGIN, status: 401 }]);
	});

	it('with a stored token, the rules judge the login answer: 500 and a host that is not Helio fail, each said', async () => {
		const { access_token: storedToken } = sim.helio.issueToken();
		sim.helio.faults.failRest({ method: 'POST', pathPrefix: '/api/v1/login', status: 500 });
		const unavailable = await testCredential({
			baseUrl: sim.helio.restUrl,
			email: sim.helio.email,
			password: sim.helio.password,
			accessToken: storedToken,
		});
		expect(unavailable).toEqual({ status: 'Error', message: 'Helio could not log in now (internal error); test again shortly.' });

		const server: Server = createServer((_req, res) => {
			res.writeHead(200, { 'Content-Type': 'text/html' });
			res.end('<html><body>Welcome</body></html>');
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		try {
			const { port } = server.address() as AddressInfo;
			const result = await testCredential({
				baseUrl: `http://127.0.0.1:${port}`,
				email: sim.helio.email,
				password: sim.helio.password,
				accessToken: storedToken,
			});
			expect(result).toEqual({
				status: 'Error',
				message: expect.stringMatching(/^The Trader Host answered, but not like a Helio trader platform/),
			});
		} finally {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		}

		const good = await testCredential({
			baseUrl: sim.helio.restUrl,
			email: sim.helio.email,
			password: sim.helio.password,
			accessToken: storedToken,
		});
		expect(good.status).toBe('OK');
	});

	it('fails while Helio refuses every login', async () => {
		sim.helio.faults.rejectLogin(true);
		const result = await testCredential({ baseUrl: sim.helio.restUrl, email: sim.helio.email, password: sim.helio.password });
		expect(result).toEqual({ status: 'Error', message: 'Helio refused the login: Invalid email or password' });
	});

	it('fails when Helio cannot log in now (500), saying so', async () => {
		sim.helio.faults.failRest({ method: 'POST', pathPrefix: '/api/v1/login', status: 500, message: 'auth service down' });
		const result = await testCredential({ baseUrl: sim.helio.restUrl, email: sim.helio.email, password: sim.helio.password });
		expect(result).toEqual({ status: 'Error', message: 'Helio could not log in now: auth service down (HTTP 500)' });
		expect(sim.helio.faults.pendingRestFaults()).toBe(0);
	});

	it('fails when the Trader Host answers, but not like Helio (a web page)', async () => {
		const server: Server = createServer((_req, res) => {
			res.writeHead(200, { 'Content-Type': 'text/html' });
			res.end('<html><body>Welcome</body></html>');
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		try {
			const { port } = server.address() as AddressInfo;
			const result = await testCredential({ baseUrl: `http://127.0.0.1:${port}`, email: sim.helio.email, password: sim.helio.password });
			expect(result.status).toBe('Error');
			expect(result.message).toBe('Helio answered the login without access_token and expires_at');
		} finally {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		}
	});

	it('fails when nothing listens at the Trader Host', async () => {
		const server = createServer();
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const { port } = server.address() as AddressInfo;
		await new Promise<void>((resolve) => server.close(() => resolve()));
		const result = await testCredential({
			baseUrl: `http://127.0.0.1:${port}/helio`,
			email: sim.helio.email,
			password: sim.helio.password,
		});
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/refused the connection/);
	});
});
