/**
 * The agg.market API credential, tested the way n8n's "Test credential" button does: the
 * credential has no `test` of its own, so n8n's CredentialsTester calls the method the agg.market
 * nodes name in `testedBy`, on n8n-core's real CredentialTestContext, against the simulated
 * agg.market. Every failure names the URL it called, and no test ever uses the refresh token,
 * which agg.market accepts only once (the simulator reports every refresh call).
 */

import { AggMarketApi } from '../../credentials/AggMarketApi.credentials';
import { AggMarket } from '../../nodes/AggMarket/AggMarket.node';
import { AggMarketTrigger } from '../../nodes/AggMarket/AggMarketTrigger.node';
import { startSimulator, type VenueSimulator } from 'trading-venues-simulator';
import { closedPort, serveLocally, serveWebPage } from '../harness/localServers';
import { allLogText, N8nHarness, type CredentialTestResult } from '../harness/n8n';

const harness = new N8nHarness({ nodes: { aggMarketTrigger: AggMarketTrigger }, credentialTypes: [AggMarketApi] });
let sim: VenueSimulator;
/** Every REST call the simulated agg.market answered during the test: "METHOD /path status". */
let calls: string[];
let stopListening: () => void;

beforeEach(async () => {
	sim = await startSimulator({ port: 0 });
	calls = [];
	let listening = true;
	sim.agg.events.on('rest:request', ({ method, path, status }) => {
		if (listening) calls.push(`${method} ${path} ${status}`);
	});
	stopListening = () => (listening = false);
});

afterEach(async () => {
	stopListening();
	// The test never spends the single-use refresh token: no refresh call reached agg.market.
	expect(calls.filter((call) => call.startsWith(`POST /agg${sim.agg.refreshPath}`))).toEqual([]);
	await sim.close();
});

const balancesUrl = () => `${sim.agg.restUrl}/execution/balances`;

function testCredential(overrides: Record<string, unknown> = {}): Promise<CredentialTestResult> {
	return harness.testCredential('aggMarketApi', {
		appId: sim.agg.appId,
		accessToken: sim.agg.accessToken,
		refreshToken: sim.agg.refreshToken,
		baseUrl: sim.agg.restUrl,
		wsUrl: sim.agg.wsUrl,
		refreshPath: sim.agg.refreshPath,
		...overrides,
	} as never);
}

describe('agg.market API credential', () => {
	it('is tested by the agg.market nodes (testedBy), with no declarative test n8n would prefer', () => {
		expect(harness.credentialType('aggMarketApi').test).toBeUndefined();
		for (const node of [new AggMarket(), new AggMarketTrigger()]) {
			expect(node.description.credentials).toEqual([{ name: 'aggMarketApi', required: true, testedBy: 'testAggMarketCredential' }]);
			expect(typeof node.methods.credentialTest.testAggMarketCredential).toBe('function');
		}
	});

	it('passes with the tokens as typed, in one balances read with the access token, and leaves the refresh token unspent', async () => {
		expect(await testCredential()).toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(calls).toEqual(['GET /agg/execution/balances 200']);
		// The refresh token still renews: agg.market would refuse a spent one. (This renewal is the
		// test's own, so the calls stop being recorded first.)
		stopListening();
		const renewal = await fetch(`${sim.agg.restUrl}${sim.agg.refreshPath}`, {
			method: 'POST',
			headers: { 'x-app-id': sim.agg.appId, 'Content-Type': 'application/json' },
			body: JSON.stringify({ refreshToken: sim.agg.refreshToken }),
		});
		expect(renewal.status).toBe(200);
	});

	it('passes with an access token alone, and reads with the live session token n8n stored rather than the typed one', async () => {
		expect((await testCredential({ refreshToken: '' })).status).toBe('OK');
		const session = sim.agg.issueTokens();
		const result = await testCredential({
			accessToken: 'agg_at_typed_long_ago_and_expired',
			sessionToken: session.accessToken,
			sessionExpiresAt: Date.now() + 60_000,
		});
		expect(result).toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(calls).toEqual(['GET /agg/execution/balances 200', 'GET /agg/execution/balances 200']);
	});

	it('when a renewal is due (session expired, or only a refresh token), checks that agg.market answers and says the refresh token is checked at first use', async () => {
		const expired = await testCredential({ sessionToken: 'agg_at_expired_session_token', sessionExpiresAt: Date.now() - 1_000 });
		const refreshOnly = await testCredential({ accessToken: '' });
		for (const result of [expired, refreshOnly]) {
			expect(result.status).toBe('OK');
			expect(result.message).toContain(
				`agg.market answered at the REST Base URL and asks for a user token: Missing bearer token (UNAUTHORIZED) (401 at GET ${balancesUrl()})`,
			);
			expect(result.message).toContain('it is checked at first use');
		}
		// Asked without a token: neither the expired session token nor the refresh token was sent.
		expect(calls).toEqual(['GET /agg/execution/balances 401', 'GET /agg/execution/balances 401']);
	});

	it('fails for a refused access token without a refresh token, in agg.market words, naming the URL and never the token', async () => {
		const result = await testCredential({ accessToken: 'agg_at_not_a_real_token_7', refreshToken: '' });
		expect(result).toEqual({
			status: 'Error',
			message: `agg.market refused the access token or the App ID: Invalid token (UNAUTHORIZED) (401 at GET ${balancesUrl()}). Check the App ID and the Access Token; an expired access token is renewed only with a Refresh Token.`,
		});
		expect(allLogText()).not.toContain('agg_at_not_a_real_token_7');
	});

	it('fails for an unknown App ID even with a refresh token, saying the token is renewed at first use, without spending or showing it', async () => {
		const result = await testCredential({ appId: 'app_not_registered' });
		expect(result.status).toBe('Error');
		expect(result.message).toBe(
			`agg.market refused the access token or the App ID: Unknown app: app_not_registered (UNAUTHORIZED) (401 at GET ${balancesUrl()}). Check the App ID. If the access token has expired, it is renewed with the Refresh Token at first use; clear the Access Token to test without it. The Refresh Token is not used by this test, because agg.market accepts each refresh token only once: it is checked at first use, when the access token is renewed.`,
		);
		expect(`${result.message} ${allLogText()}`).not.toContain(sim.agg.refreshToken);
		expect(`${result.message} ${allLogText()}`).not.toContain(sim.agg.accessToken);
	});

	it('fails naming the URL and the REST Base URL when the host is wrong: a path agg.market does not serve, or a host that is not agg.market', async () => {
		const wrongPath = await testCredential({ baseUrl: `${sim.agg.restUrl}/v2` });
		expect(wrongPath).toEqual({
			status: 'Error',
			message: `GET ${sim.agg.restUrl}/v2/execution/balances answered 404: No route for GET /v2/execution/balances (NOT_FOUND). Check the REST Base URL: the API root (such as https://api.agg.market).`,
		});
		const page = await serveWebPage();
		const { url } = page;
		try {
			for (const overrides of [{}, { accessToken: '' }]) {
				expect(await testCredential({ baseUrl: url, ...overrides })).toEqual({
					status: 'Error',
					message: `GET ${url}/execution/balances answered HTTP 200, but not with agg.market's JSON. Check the REST Base URL: the API root (such as https://api.agg.market).`,
				});
			}
		} finally {
			await page.stop();
		}
	});

	it('fails when a host answers the balances read without asking for a user token, unlike agg.market', async () => {
		const other = await serveLocally((_req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}'));
		const { url } = other;
		try {
			expect(await testCredential({ baseUrl: url, accessToken: '' })).toEqual({
				status: 'Error',
				message: `GET ${url}/execution/balances answered without a user token, which agg.market never does. Check the REST Base URL: the API root (such as https://api.agg.market).`,
			});
		} finally {
			await other.stop();
		}
	});

	it('fails naming the URL and what to check when nothing listens at the REST Base URL, with or without a token to send', async () => {
		const port = await closedPort();
		for (const overrides of [{}, { accessToken: '' }]) {
			expect(await testCredential({ baseUrl: `http://127.0.0.1:${port}/agg`, ...overrides })).toEqual({
				status: 'Error',
				message: `Cannot reach GET http://127.0.0.1:${port}/agg/execution/balances (ECONNREFUSED). Check the REST Base URL: its host and port, and whether the service speaks http or https there.`,
			});
		}
	});

	it('fails in plain words for an empty App ID, an empty REST Base URL, or no token at all', async () => {
		expect(await testCredential({ appId: '' })).toEqual({
			status: 'Error',
			message: 'The App ID is empty: enter the ID of your agg.market app.',
		});
		expect((await testCredential({ baseUrl: ' ' })).message).toMatch(/^The REST Base URL is empty/);
		expect(await testCredential({ accessToken: '', refreshToken: '' })).toEqual({
			status: 'Error',
			message: "The Access Token and the Refresh Token are both empty: enter the user's tokens.",
		});
		expect(calls).toEqual([]);
	});
});
