/**
 * The agg.market API credential against the simulated agg.market: the test request proves both
 * the app id and a user token, and the token is renewed through the refresh token (the path is
 * configurable because agg.market's public docs do not pin it).
 */
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
});
