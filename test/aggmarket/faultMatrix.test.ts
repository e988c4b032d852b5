/**
 * The fault matrix (issue 10) for the agg.market Trigger on user events: one socket, the token
 * sent with `authenticate` and renewed through n8n's credential. The driver and what each row
 * asserts: test/harness/faultMatrix.ts.
 */
import type { IDataObject } from 'n8n-workflow';
import type { VenueSimulator } from 'trading-venues-simulator';

import { AggMarketApi } from '../../credentials/AggMarketApi.credentials';
import { AggMarketTrigger } from '../../nodes/AggMarket/AggMarketTrigger.node';
import {
	describeFaultMatrix,
	dropRow,
	filteredFirstRow,
	hugeFrameRow,
	malformedFramesRow,
	onOrigin,
	outageRow,
	oversizedFrameRow,
	refusedCredentialsRow,
	silentSocketRow,
	type MatrixVenue,
} from '../harness/faultMatrix';
import { N8nHarness, simulatorCredentials } from '../harness/n8n';

/** agg.market sends its own heartbeat (every 200 ms here), which the watchdog listens to. */
const FAST = { silenceTimeoutMs: 800, connectTimeoutMs: 1500, reconnectMaxDelayMs: 50 };
const OUTCOME = 'vmo_fed_cut_july_yes';

/** An order placed elsewhere, as agg.market reports it; our id is its orderId. */
const orderSubmitted = (orderId: string, extra: IDataObject = {}) => ({
	type: 'order_submitted',
	venue: 'kalshi',
	orderId,
	side: 'buy',
	price: 0.5,
	size: 1,
	outcomeId: OUTCOME,
	timestamp: Date.now(),
	...extra,
});
const refreshCalls = (sim: VenueSimulator, status: number) => (listener: () => void) =>
	sim.agg.events.on('rest:request', (call) => call.path === `/agg${sim.agg.refreshPath}` && call.status === status && listener());

const aggMarket: MatrixVenue = {
	name: 'agg.market user events',
	harness: new N8nHarness({ nodes: { aggMarketTrigger: AggMarketTrigger }, credentialTypes: [AggMarketApi] }),
	nodeType: 'aggMarketTrigger',
	credentialType: 'aggMarketApi',
	simulator: { agg: { heartbeatIntervalMs: 200 } },
	credentials: (sim) => simulatorCredentials(sim).aggMarketApi,
	parameters: () => ({ source: 'userEvents', options: { ...FAST } }),
	connections: 1,
	mount: (sim) => sim.agg,
	openConnections: (sim) => sim.agg.openSockets(),
	connectionEvents: (sim) => (wake) => {
		const stops = [sim.agg.events.on('ws:connection', wake), sim.agg.events.on('ws:close', wake)];
		return () => stops.forEach((stop) => stop());
	},
	// User events flow once the socket is authenticated.
	onSubscribed: (sim, listener) => sim.agg.events.on('ws:authenticated', ({ connectionId }) => listener(connectionId)),
	publish: (sim, id) => sim.agg.sendUserEvent(orderSubmitted(`fm-${id}`)),
	idOf: (item) => {
		const orderId = (item.data as IDataObject).orderId;
		return item.event === 'order_submitted' && typeof orderId === 'string' && /^fm-\d+$/.test(orderId)
			? Number(orderId.slice(3))
			: undefined;
	},
	silence: (sim, on) => sim.agg.faults.silence(on),
	sendMalformed: (sim, kind) => sim.agg.faults.sendMalformed(kind),
	// With a stored session that is far from expiring the trigger goes straight to the socket
	// (no renewal over REST first): these rows are about the socket's endpoint.
	atOrigin: (sim, origin) => ({
		wsUrl: onOrigin(sim.agg.wsUrl, origin.ws),
		sessionToken: sim.agg.accessToken,
		sessionExpiresAt: Date.now() + 3_600_000,
	}),
};

describeFaultMatrix(aggMarket, {
	runtime: [
		dropRow(),
		silentSocketRow(),
		outageRow(3000),
		{
			fault: 'token expiry: agg.market ends the access tokens (faults.expireTokens), the socket is closed 4001',
			kind: 'connection',
			apply: ({ sim }) => {
				expect(sim.agg.faults.expireTokens().sockets).toBe(1);
			},
			connection: 'replaced',
			gap: { reason: /code 4001/ },
			// The new socket authenticated with a renewed token: the refresh went through n8n's credential.
			check: ({ venue }) => {
				expect(venue.harness.storedCredentials('aggMarketApi')?.sessionToken).toEqual(expect.any(String));
			},
		},
		malformedFramesRow(),
		oversizedFrameRow('replaced'),
		{
			fault: 'unknown event type: ignored (agg.market frames of other types are control traffic)',
			kind: 'frame',
			apply: ({ sim }) => {
				expect(sim.agg.sendUserEvent({ type: 'order_future_thing', orderId: 'future-1' })).toBe(1);
			},
			connection: 'kept',
			gap: null,
			check: ({ itemsSinceFault }) => {
				expect(itemsSinceFault().filter((item) => item.event === 'order_future_thing')).toEqual([]);
			},
		},
		{
			// Found by this matrix, not one of issue 10's sections: a stage that drops an event drops
			// the gap it carried. Passes once the filters hand the gap on to the next item.
			...filteredFirstRow({
				what: 'an order of a venue not in Venues',
				parameters: () => ({ venues: 'kalshi' }),
				sendFiltered: (sim) => sim.agg.sendUserEvent(orderSubmitted('filtered', { venue: 'polymarket' })),
			}),
		},
		{
			...refusedCredentialsRow({
				// The access token ends (close 4001) and the refresh answers 401 twice, then works again.
				refuse: (sim) => {
					sim.agg.faults.failRest({ method: 'POST', pathPrefix: sim.agg.refreshPath, status: 401, times: 2 });
					sim.agg.faults.expireTokens();
				},
				onRefused: (sim, listener) => refreshCalls(sim, 401)(listener),
			}),
		},
		hugeFrameRow((sim, bytes) => sim.agg.sendUserEvent(orderSubmitted('huge', { padding: 'x'.repeat(bytes) }))),
	],
	activation: [
		{
			fault: 'refused connection: nothing listens at the WebSocket URL',
			endpoint: 'refused',
			error: /^Cannot reach agg\.market: cannot connect to ws:\/\/127\.0\.0\.1:\d+\/agg\/ws\?appId=\S+: .*ECONNREFUSED/,
		},
		{
			fault: 'unresolvable host',
			endpoint: 'unresolvable',
			error: /^Cannot reach agg\.market: cannot connect to ws:\/\/fault-matrix\.invalid:\d+\/agg\/ws\?appId=\S+: .*(ENOTFOUND|EAI_AGAIN)/,
		},
		{
			fault: "TLS failure: wss:// to the simulator's plain HTTP port",
			endpoint: 'tls',
			error: /^Cannot reach agg\.market: cannot connect to wss:\/\/127\.0\.0\.1:\d+\/agg\/ws\?appId=\S+: .*TLS/,
		},
	],
});
