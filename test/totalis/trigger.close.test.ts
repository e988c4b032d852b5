/**
 * Closing the Totalis Trigger does not wait for the venue in any state a venue can hold it in: a
 * handshake it does not answer (manual run or reconnect), a backoff between failed attempts, a
 * manual run still waiting for its first event. Through n8n-core's TriggerContext against the
 * simulator. The connect timeout is ten minutes, far beyond Jest's timeout for a test, so a close
 * that waited for it fails the test; no elapsed time is measured.
 */
import { FAST, useTotalisEnvironment } from './fixtures';

/** Far beyond the test's timeout: a close that waited for it would fail the test. */
const LONG_CONNECT_TIMEOUT_MS = 10 * 60_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Totalis Trigger (closing promptly)', () => {
	const env = useTotalisEnvironment();
	const slow = { ...FAST, connectTimeoutMs: LONG_CONNECT_TIMEOUT_MS };

	function manualTrigger(parameters: Record<string, unknown> = {}) {
		return env.harness.manualTriggerResponse('totalisTrigger', { options: slow, ...parameters } as never, 'totalisApi');
	}

	function countConnections() {
		const seen = { sockets: 0, streams: 0 };
		env.sim.totalis.events.on('ws:connection', () => seen.sockets++);
		env.sim.totalis.events.on('sse:connection', () => seen.streams++);
		return seen;
	}

	const authSent = () => env.sim.totalis.events.waitFor('ws:message', ({ message }) => (message as { type?: string })?.type === 'auth');

	it('in a manual run whose handshake the venue does not answer: aborts the start and leaves no socket', async () => {
		const { response, recorder } = await manualTrigger();
		const seen = countConnections();
		env.sim.totalis.faults.silence(true);
		const sent = authSent();
		const closed = env.sim.totalis.events.waitFor('ws:close');
		const starting = response.manualTriggerFunction!();
		const rejected = expect(starting).rejects.toThrow(/closed before the stream had started/);
		await sent;
		await response.closeFunction!();
		await rejected;
		await closed;
		expect(env.sim.totalis.openSockets()).toBe(0);
		env.sim.totalis.faults.silence(false);
		await sleep(FAST.silenceTimeoutMs);
		expect(seen.sockets).toBe(1);
		expect(recorder.emissions).toEqual([]);
	});

	it('in a manual run on the quote-request stream whose greeting never comes: closes the stream at once', async () => {
		const { response } = await manualTrigger({ source: 'quoteRequests', mmHeartbeatMs: 0 });
		const seen = countConnections();
		env.sim.totalis.faults.silence(true);
		const opened = env.sim.totalis.events.waitFor('sse:connection');
		const closed = env.sim.totalis.events.waitFor('sse:close');
		const starting = response.manualTriggerFunction!();
		const rejected = expect(starting).rejects.toThrow(/closed before the stream had started/);
		await opened;
		await response.closeFunction!();
		await rejected;
		await closed;
		expect(env.sim.totalis.openStreams()).toBe(0);
		expect(seen.streams).toBe(1);
	});

	it('in a manual run that is up but has had no event yet: closes its socket at once', async () => {
		const { response, recorder } = await manualTrigger();
		const subscribed = env.sim.totalis.events.waitFor('ws:subscribe');
		await response.manualTriggerFunction!();
		await subscribed;
		const closed = env.sim.totalis.events.waitFor('ws:close');
		await response.closeFunction!();
		await closed;
		expect(env.sim.totalis.openSockets()).toBe(0);
		expect(recorder.emissions).toEqual([]);
	});

	it('while reconnecting to a venue that accepts the socket but never answers the handshake', async () => {
		const trigger = await env.start({ options: slow });
		env.sim.totalis.faults.silence(true);
		const sent = authSent();
		env.sim.totalis.faults.dropConnections();
		await sent;
		const seen = countConnections();
		const closed = env.sim.totalis.events.waitFor('ws:close');
		await trigger.close();
		await closed;
		expect(env.sim.totalis.openSockets()).toBe(0);
		env.sim.totalis.faults.silence(false);
		await sleep(FAST.silenceTimeoutMs);
		expect(seen.sockets).toBe(0);
		expect(trigger.recorder.emitErrors).toEqual([]);
	});

	it('while backing off between failed reconnect attempts: no timer fires afterwards, no socket is left', async () => {
		// Attempts fail after 1.5 s of an unanswered handshake (300 ms once failed the activation itself
		// on a loaded machine); the delays between them grow to seconds.
		const trigger = await env.start({ options: { ...FAST, connectTimeoutMs: 1500, reconnectMaxDelayMs: 60_000 } });
		env.sim.totalis.faults.silence(true);
		let failedAttempts = 0;
		env.sim.totalis.events.on('ws:close', () => failedAttempts++);
		env.sim.totalis.faults.dropConnections();
		// The dropped socket, then two attempts given up: the next delay is drawn from up to 2 s.
		await waitUntil(() => failedAttempts >= 3, 20_000);
		const seen = countConnections();
		await trigger.close();
		expect(env.sim.totalis.openSockets()).toBe(0);
		env.sim.totalis.faults.silence(false);
		// Longer than any delay that could have been pending: the timer was cleared.
		await sleep(2500);
		expect(seen.sockets).toBe(0);
		expect(env.sim.totalis.openSockets()).toBe(0);
		expect(trigger.recorder.emitErrors).toEqual([]);
	});
});

/** Polls `check` until it holds (for simulator counts no recorder sees); fails after `timeoutMs`. */
async function waitUntil(check: () => boolean, timeoutMs = 10_000) {
	const deadline = Date.now() + timeoutMs;
	while (!check()) {
		if (Date.now() > deadline) throw new Error('timed out');
		await sleep(10);
	}
}
