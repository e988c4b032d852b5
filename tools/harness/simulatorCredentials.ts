/**
 * Each venue's credential pointing at a running simulator, as a user would fill it in from what
 * `npm run simulator` prints: one place for the wiring the tests and the demo hand the harness.
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import type { VenueSimulator } from 'trading-venues-simulator';

import type { N8nHarness } from './harness';

export type VenueCredentialType = 'totalisApi' | 'helioApi' | 'aggMarketApi' | 'openMarketsApi';

const VENUE_CREDENTIAL_TYPES: readonly VenueCredentialType[] = ['totalisApi', 'helioApi', 'aggMarketApi', 'openMarketsApi'];

export interface SimulatorCredentialOptions {
	/**
	 * agg.market without its access token, as a credential saved with a refresh token only: the
	 * first call gets a session through the refresh.
	 */
	aggRefreshOnly?: boolean;
}

/** The four credentials' values for `sim`. Helio's carries no token: the first call logs in. */
export function simulatorCredentials(
	sim: VenueSimulator,
	options: SimulatorCredentialOptions = {},
): Record<VenueCredentialType, ICredentialDataDecryptedObject> {
	return {
		totalisApi: { apiKey: sim.totalis.apiKey, baseUrl: sim.totalis.restUrl, wsUrl: sim.totalis.wsUrl },
		helioApi: { baseUrl: sim.helio.restUrl, email: sim.helio.email, password: sim.helio.password },
		aggMarketApi: {
			appId: sim.agg.appId,
			...(options.aggRefreshOnly ? {} : { accessToken: sim.agg.accessToken }),
			refreshToken: sim.agg.refreshToken,
			baseUrl: sim.agg.restUrl,
			wsUrl: sim.agg.wsUrl,
			refreshPath: sim.agg.refreshPath,
		},
		openMarketsApi: { apiKey: sim.openmarkets.apiKey, baseUrl: sim.openmarkets.restUrl, streamUrl: sim.openmarkets.streamUrl },
	};
}

/** Gives the harness the simulator's credentials of `types` (every venue's unless given). */
export function useSimulatorCredentials(
	harness: N8nHarness,
	sim: VenueSimulator,
	options: SimulatorCredentialOptions & { types?: readonly VenueCredentialType[] } = {},
): void {
	const values = simulatorCredentials(sim, options);
	for (const type of options.types ?? VENUE_CREDENTIAL_TYPES) harness.setCredentials(type, values[type]);
}
