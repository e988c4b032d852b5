/**
 * The agg.market API credential against the simulated agg.market: the test request proves both
 * the app id and a user token, and the token is renewed through the refresh token (the path is
 * configurable because agg.market's public docs do not pin it).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { AggMarketApi } from '../../credentials/AggMarketApi.credentials';
import { startSimulator, type VenueSimulator } from 'trading-venues-simulator';
import { allLogText, N8nHarness } from '../harness/n8n';

describe('agg.market API credential', () => {
	const harness = new N8nHarness({ nodes: {}, credentialTypes: [AggMarketApi] });
	let sim: VenueSimulator;
	beforeEach(async () => (sim = await startSimulator()));
	afterEach(async () => sim.close());

	const values = (overrides: Record<string, string> = {}) => ({
		appId: sim.agg.appId,
		refreshToken: sim.agg.refreshToken,
		baseUrl: sim.agg.restUrl,
		wsUrl: sim.agg.wsUrl,
		refreshPath: sim.agg.refreshPath,
		...overrides,
	});

	it('passes with a valid app and refresh token, renewing the access token on the way', async () => {
		const refreshed = sim.agg.events.waitFor('token:refreshed');
		expect(await harness.testCredential('aggMarketApi', values())).toMatchObject({ status: 'OK' });
		await refreshed;
	});

	it('passes with an access token alone (no refresh token)', async () => {
		expect(await harness.testCredential('aggMarketApi', values({ refreshToken: '', accessToken: sim.agg.accessToken }))).toMatchObject({
			status: 'OK',
		});
	});

	it('fails for an unknown app id', async () => {
		const result = await harness.testCredential('aggMarketApi', values({ appId: 'app_not_registered' }));
		expect(result.status).toBe('Error');
	});

	it('fails in plain words for a refresh token agg.market refuses, without showing it', async () => {
		const result = await harness.testCredential('aggMarketApi', values({ refreshToken: 'rt_not_a_real_refresh_token_42' }));
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/agg\.market refused the token refresh/);
		expect(`${result.message} ${allLogText()}`).not.toContain('rt_not_a_real_refresh_token_42');
	});

	it('fails when the refresh path is wrong, saying so', async () => {
		const result = await harness.testCredential('aggMarketApi', values({ refreshPath: '/no/such/path' }));
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/refresh/);
	});

	it('names the refresh URL and what to check when nothing listens at the REST Base URL', async () => {
		const server = createServer();
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const { port } = server.address() as AddressInfo;
		await new Promise<void>((resolve) => server.close(() => resolve()));
		const result = await harness.testCredential('aggMarketApi', values({ baseUrl: `http://127.0.0.1:${port}/agg` }));
		expect(result.status).toBe('Error');
		expect(result.message).toContain(
			`cannot reach POST http://127.0.0.1:${port}/agg${sim.agg.refreshPath} to refresh the token (connection refused): check the REST Base URL's host and port, and http vs https`,
		);
	});

	it('says which token or app to check when agg.market refuses the balances read (401)', async () => {
		const result = await harness.testCredential('aggMarketApi', values({ refreshToken: '', accessToken: 'at_not_a_real_token_7' }));
		expect(result).toEqual({
			status: 'Error',
			message:
				'agg.market did not accept the token or the App ID (401 at GET <REST Base URL>/execution/balances). Check the App ID and the Access Token or Refresh Token.',
		});
	});
});
