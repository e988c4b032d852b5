/**
 * Each venue's trigger keeps its streams to the credential's "Allowed HTTP Request Domains"
 * (issue 15): the check lives in the shared transport, so this proves each venue hands its
 * credential's list over, including Helio, whose WebSocket URL comes with a login, and agg.market,
 * whose connections are shards. Through n8n-core's TriggerContext against the simulator.
 */
import type { IDataObject } from 'n8n-workflow';
import { startSimulator, type VenueSimulator } from 'trading-venues-simulator';

import { AggMarketApi } from '../../credentials/AggMarketApi.credentials';
import { HelioApi } from '../../credentials/HelioApi.credentials';
import { OpenMarketsApi } from '../../credentials/OpenMarketsApi.credentials';
import { AggMarketTrigger } from '../../nodes/AggMarket/AggMarketTrigger.node';
import { HelioTrigger } from '../../nodes/Helio/HelioTrigger.node';
import { OpenMarketsTrigger } from '../../nodes/OpenMarkets/OpenMarketsTrigger.node';
import { N8nHarness, type ActiveTrigger } from '../harness/n8n';

const FAST = { heartbeatIntervalMs: 100, silenceTimeoutMs: 800, connectTimeoutMs: 1500, reconnectMaxDelayMs: 50 };

const harness = new N8nHarness({
	nodes: { helioTrigger: HelioTrigger, aggMarketTrigger: AggMarketTrigger, openMarketsTrigger: OpenMarketsTrigger },
	credentialTypes: [HelioApi, AggMarketApi, OpenMarketsApi],
});
let sim: VenueSimulator;
const triggers: ActiveTrigger[] = [];

beforeAll(async () => {
	sim = await startSimulator({ openmarkets: { contests: 2 } });
});

afterEach(async () => {
	for (const trigger of triggers.splice(0)) await trigger.close();
});

afterAll(async () => {
	await sim.close();
});

interface Venue {
	type: string;
	credentialType: string;
	credentialName: string;
	credentials: () => IDataObject;
	parameters: () => IDataObject;
}

const venues: Venue[] = [
	{
		type: 'helioTrigger',
		credentialType: 'helioApi',
		credentialName: 'Helio API',
		credentials: () => ({ baseUrl: sim.helio.restUrl, email: sim.helio.email, password: sim.helio.password }),
		parameters: () => ({ symbols: 'EURUSD', events: ['quoteEvent'], metrics: 'none' }),
	},
	{
		type: 'aggMarketTrigger',
		credentialType: 'aggMarketApi',
		credentialName: 'agg.market API',
		credentials: () => ({
			appId: sim.agg.appId,
			// No refresh token: a refresh rotates it, and each test here starts from the values above.
			accessToken: sim.agg.accessToken,
			baseUrl: sim.agg.restUrl,
			wsUrl: sim.agg.wsUrl,
			refreshPath: sim.agg.refreshPath,
		}),
		parameters: () => ({}),
	},
	{
		type: 'openMarketsTrigger',
		credentialType: 'openMarketsApi',
		credentialName: 'OpenMarkets API',
		credentials: () => ({ apiKey: sim.openmarkets.apiKey, baseUrl: sim.openmarkets.restUrl, streamUrl: sim.openmarkets.streamUrl }),
		parameters: () => ({ contests: 'list', contestIds: sim.openmarkets.contests()[0].id, channels: ['liquidity'] }),
	},
];

async function start(venue: Venue, allowedDomains: string) {
	harness.setCredentials(venue.credentialType, { ...venue.credentials(), allowedHttpRequestDomains: 'domains', allowedDomains });
	const trigger = await harness.startTrigger(venue.type, { options: { ...FAST }, ...venue.parameters() } as never, venue.credentialType);
	triggers.push(trigger);
	return trigger;
}

describe.each(venues)('$type and the allowed domains', (venue) => {
	it('refuses the stream host outside the list at activation, naming the credential and the host', async () => {
		await expect(start(venue, 'venue.example, *.venue.example')).rejects.toThrow(
			new RegExp(
				`Domain not allowed: the ${venue.credentialName.replace('.', '\\.')} credential's "Allowed HTTP Request Domains" .* the stream host 127\\.0\\.0\\.1 is not one of them`,
			),
		);
	});

	it('connects when the host is in the list', async () => {
		await expect(start(venue, 'venue.example, 127.0.0.1')).resolves.toBeDefined();
	});
});
