/**
 * The fault matrix (issue 10) for the Helio Trigger: a login before every connection, the token in
 * the socket's URL. The driver and what each row asserts: test/harness/faultMatrix.ts.
 */
import type { IDataObject } from 'n8n-workflow';

import { HelioApi } from '../../credentials/HelioApi.credentials';
import { HelioTrigger } from '../../nodes/Helio/HelioTrigger.node';
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

const FAST = { heartbeatIntervalMs: 100, silenceTimeoutMs: 800, connectTimeoutMs: 1500, reconnectMaxDelayMs: 50 };

/** A quote carries our id in its bid: 1.<id, three digits>, which EURUSD's five digits keep as is. */
const bidOf = (id: number) => Number((1 + id / 1000).toFixed(3));

const helio: MatrixVenue = {
	name: 'Helio',
	harness: new N8nHarness({ nodes: { helioTrigger: HelioTrigger }, credentialTypes: [HelioApi] }),
	nodeType: 'helioTrigger',
	credentialType: 'helioApi',
	simulator: { helio: { pingIntervalMs: 200 } },
	credentials: (sim) => simulatorCredentials(sim).helioApi,
	parameters: () => ({ symbols: 'EURUSD', events: ['quoteEvent'], metrics: 'none', options: { ...FAST } }),
	connections: 1,
	mount: (sim) => sim.helio,
	openConnections: (sim) => sim.helio.openSockets(),
	connectionEvents: (sim) => (wake) => {
		const stops = [sim.helio.events.on('ws:connection', wake), sim.helio.events.on('ws:close', wake)];
		return () => stops.forEach((stop) => stop());
	},
	onSubscribed: (sim, listener) => sim.helio.events.on('ws:subscribe', ({ connectionId }) => listener(connectionId)),
	publish: (sim, id) => {
		let recipients = 0;
		const stop = sim.helio.events.on('ws:event', (event) => {
			if (event.type === 'quoteEvent') recipients += event.recipients;
		});
		sim.helio.setQuote('EURUSD', bidOf(id), bidOf(id) + 0.0002);
		stop();
		return recipients;
	},
	idOf: (item) => {
		const bid = (item.data as IDataObject).bid;
		return item.event === 'quoteEvent' && typeof bid === 'number' ? Math.round((bid - 1) * 1000) : undefined;
	},
	silence: (sim, on) => sim.helio.faults.silence(on),
	sendMalformed: (sim, kind) => sim.helio.faults.sendMalformed(kind),
	// The Trader Host serves both the login and the socket.
	atOrigin: (sim, origin) => ({ baseUrl: onOrigin(sim.helio.restUrl, origin.http) }),
};

describeFaultMatrix(helio, {
	runtime: [
		dropRow(),
		silentSocketRow(),
		outageRow(3000),
		{
			fault: 'token expiry: Helio ends every token (faults.expireTokens), the socket is closed 1008',
			kind: 'connection',
			apply: ({ sim }) => {
				expect(sim.helio.faults.expireTokens().sockets).toBe(1);
			},
			connection: 'replaced',
			// The new socket subscribed, so it came with a fresh login: the sim refuses a dead token.
			gap: { reason: /token expired/ },
		},
		malformedFramesRow(),
		oversizedFrameRow('replaced'),
		{
			fault: 'unknown event type: ignored (Helio delivers only the subscribed events)',
			kind: 'frame',
			apply: ({ sim }) => {
				expect(sim.helio.faults.sendUnknownEvent('futureEvent', { note: 'new' })).toBe(1);
			},
			connection: 'kept',
			gap: null,
			check: ({ itemsSinceFault }) => {
				expect(itemsSinceFault().filter((item) => item.event === 'futureEvent')).toEqual([]);
			},
		},
		{
			// Found by this matrix, not one of issue 10's sections: a stage that drops an event drops
			// the gap it carried. Passes once the filters hand the gap on to the next item.
			...filteredFirstRow({
				what: 'an error message with Include Errors off',
				parameters: () => ({ includeErrors: false }),
				sendFiltered: (sim) => sim.helio.faults.sendError('RATE_LIMIT', 'slow down'),
			}),
		},
		{
			...refusedCredentialsRow({
				refuse: (sim) => {
					sim.helio.faults.rejectLogin(true);
					sim.helio.faults.dropConnections();
				},
				accept: (sim) => sim.helio.faults.rejectLogin(false),
				onRefused: (sim, listener) => sim.helio.events.on('login', ({ ok }) => !ok && listener()),
			}),
		},
		hugeFrameRow((sim, bytes) => sim.helio.faults.sendUnknownEvent('futureEvent', { padding: 'x'.repeat(bytes) })),
	],
	activation: [
		{
			fault: 'refused connection: nothing listens at the Trader Host',
			endpoint: 'refused',
			error: /^Cannot reach Helio: cannot reach the Helio trader host http:\/\/127\.0\.0\.1:\d+\/helio \(ECONNREFUSED\)/,
		},
		{
			fault: 'unresolvable host',
			endpoint: 'unresolvable',
			error: /^Cannot reach Helio: cannot reach the Helio trader host http:\/\/fault-matrix\.invalid:\d+\/helio \((ENOTFOUND|EAI_AGAIN)\)/,
		},
		{
			// Found by this matrix: the login used to keep only the error's code, so a TLS failure
			// read "(ECONNRESET)" and never said TLS.
			fault: "TLS failure: https:// to the simulator's plain HTTP port",
			endpoint: 'tls',
			error: /^Cannot reach Helio: cannot reach the Helio trader host https:\/\/127\.0\.0\.1:\d+\/helio \(.*TLS.*\)/,
		},
	],
});
