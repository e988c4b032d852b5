/**
 * A trigger's login before connecting is bounded by the connect timeout and ends when the trigger
 * closes: Helio logs in before every connection (the token rides in the URL), agg.market renews
 * its token before connecting through n8n's credential. Against the simulator holding the login
 * (or the token refresh) answer, through n8n-core's real TriggerContext. No elapsed time is
 * measured: the error names the deadline that fired, and a close must not wait for a connect
 * timeout set far beyond the test's own timeout.
 */
import type { IDataObject } from 'n8n-workflow';

import { AggMarketApi } from '../../credentials/AggMarketApi.credentials';
import { HelioApi } from '../../credentials/HelioApi.credentials';
import { AggMarketTrigger } from '../../nodes/AggMarket/AggMarketTrigger.node';
import { HelioTrigger } from '../../nodes/Helio/HelioTrigger.node';
import { startSimulator, type VenueSimulator } from 'trading-venues-simulator';
import { allLogText, N8nHarness, useSimulatorCredentials, type ActiveTrigger } from '../harness/n8n';

const CONNECT_TIMEOUT_MS = 1_500;
/** Far beyond the test's timeout: a close that waited for it would fail the test. */
const NEVER_MS = 10 * 60_000;
const FAST = { heartbeatIntervalMs: 100, silenceTimeoutMs: 800, connectTimeoutMs: CONNECT_TIMEOUT_MS, reconnectMaxDelayMs: 50 };

const harness = new N8nHarness({
	nodes: { helioTrigger: HelioTrigger, aggMarketTrigger: AggMarketTrigger },
	credentialTypes: [HelioApi, AggMarketApi],
});
let sim: VenueSimulator;
const triggers: ActiveTrigger[] = [];
/** REST calls as the simulator reported them; status 0: the client left before any answer. */
const calls: string[] = [];

beforeEach(async () => {
	calls.length = 0;
	sim = await startSimulator({ helio: { pingIntervalMs: 200 }, agg: { heartbeatIntervalMs: 200, orderStepMs: 2 } });
	sim.helio.events.on('rest:request', ({ method, path, status }) => calls.push(`${method} ${path} ${status}`));
	sim.agg.events.on('rest:request', ({ method, path, status }) => calls.push(`${method} ${path} ${status}`));
	useSimulatorCredentials(harness, sim, { types: ['helioApi', 'aggMarketApi'] });
});

afterEach(async () => {
	for (const trigger of triggers.splice(0)) await trigger.close();
	await sim.close();
});

async function start(type: 'helioTrigger' | 'aggMarketTrigger', options: IDataObject = {}, parameters: IDataObject = {}) {
	const defaults = type === 'helioTrigger' ? { symbols: 'EURUSD', events: ['quoteEvent'], metrics: 'none' } : {};
	const credential = type === 'helioTrigger' ? 'helioApi' : 'aggMarketApi';
	const trigger = await harness.startTrigger(type, { ...defaults, options: { ...FAST, ...options }, ...parameters } as never, credential);
	triggers.push(trigger);
	return trigger;
}

/** Runs `work`, returning what it gave or threw. */
async function outcome<T>(work: () => Promise<T>): Promise<T | Error> {
	return work().catch((error: Error) => error);
}

/** Resolves once the simulator has taken the held call (its fault rule is used up). */
async function held(pending: () => number) {
	while (pending() > 0) await new Promise((resolve) => setTimeout(resolve, 10));
}

/** Resolves once the simulator reported `call`. */
async function reported(call: string) {
	for (let waited = 0; waited < 2_000 && !calls.includes(call); waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
	expect(calls).toContain(call);
}

describe('Helio Trigger: the login before every connection', () => {
	it('a login that gets no answer fails activation within the connect timeout, naming the login, and is hung up', async () => {
		sim.helio.faults.holdLogin();
		const error = await outcome(() => start('helioTrigger'));
		expect(error).toBeInstanceOf(Error);
		expect((error as Error).message).toBe(
			`Helio did not answer in time: the Helio login at ${sim.helio.restUrl} did not finish within ${CONNECT_TIMEOUT_MS} ms`,
		);
		expect(sim.helio.openSockets()).toBe(0);
		// The login request itself was abandoned, not left open.
		await reported('POST /helio/api/v1/login 0');
	}, 10_000);

	it('a login held on reconnect is given up at the connect timeout; the next one reconnects, and the item says why', async () => {
		const trigger = await start('helioTrigger');
		sim.helio.faults.holdLogin();
		const resubscribed = sim.helio.events.waitFor('ws:subscribe', undefined, 5_000);
		sim.helio.faults.dropConnections();
		await resubscribed;
		sim.helio.setQuote('EURUSD', 1.07, 1.0701);
		const item = await trigger.waitForItem((json) => json.event === 'quoteEvent', 'a quote after the reconnect');
		expect(item.gap).toMatchObject({
			reasons: expect.arrayContaining([expect.stringContaining(`the Helio login at ${sim.helio.restUrl} did not finish within`)]),
		});
		expect(trigger.recorder.emitErrors).toEqual([]);
		expect(calls).toEqual(['POST /helio/api/v1/login 200', 'POST /helio/api/v1/login 0', 'POST /helio/api/v1/login 200']);
		expect(allLogText()).toMatch(/reconnect failed \(the Helio login at .* did not finish within 1500 ms\); retrying/);
	}, 10_000);

	it('closing during a held login does not wait for the connect timeout, and abandons the login', async () => {
		const trigger = await start('helioTrigger', { connectTimeoutMs: NEVER_MS });
		sim.helio.faults.holdLogin();
		sim.helio.faults.dropConnections();
		await held(() => sim.helio.faults.pendingRestFaults());
		await trigger.close();
		await reported('POST /helio/api/v1/login 0');
		expect(trigger.recorder.emitErrors).toEqual([]);
	}, 10_000);
});

describe('agg.market Trigger: the token renewal before connecting', () => {
	it('a token refresh that gets no answer fails activation within the connect timeout, naming the renewal', async () => {
		const connections: unknown[] = [];
		sim.agg.events.on('ws:connection', (connection) => connections.push(connection));
		sim.agg.faults.holdRefresh();
		const error = await outcome(() => start('aggMarketTrigger'));
		expect(error).toBeInstanceOf(Error);
		expect((error as Error).message).toBe(
			`agg.market did not answer in time: the agg.market token renewal at ${sim.agg.restUrl} did not finish within ${CONNECT_TIMEOUT_MS} ms`,
		);
		expect(connections).toHaveLength(0);
	}, 10_000);

	it('closing during a renewal held on reconnect does not wait for the connect timeout', async () => {
		const trigger = await start('aggMarketTrigger', { connectTimeoutMs: NEVER_MS });
		sim.agg.faults.holdRefresh();
		// A 4001 close: the token was refused, so the next connection renews it first.
		sim.agg.faults.expireTokens();
		await held(() => sim.agg.faults.pendingRestFaults());
		await trigger.close();
		expect(trigger.recorder.emitErrors).toEqual([]);
	}, 10_000);
});
