/**
 * "Execute step" in the editor: n8n-core's own manual path (WorkflowExecute.executeTriggerNode),
 * which calls trigger(), swaps emit, runs manualTriggerFunction and waits for the first emit.
 */
import { FAST, SAMPLE_EVENTS, useTotalisEnvironment } from './fixtures';

describe('Totalis Trigger (manual mode)', () => {
	const env = useTotalisEnvironment();

	function runManual(parameters: Record<string, unknown>, onStarted?: () => Promise<void>) {
		return env.harness.runManualTrigger('totalisTrigger', { options: { ...FAST }, ...parameters } as never, 'totalisApi', { onStarted });
	}

	it('connects once, returns the first event, and closes its socket', async () => {
		const connections = jest.fn();
		env.sim.totalis.events.on('ws:connection', connections);
		const closed = env.sim.totalis.events.waitFor('ws:close');
		const { items } = await runManual({ mergeAccepted: false }, async () => {
			await env.sim.totalis.events.waitFor('ws:subscribe');
			env.sim.totalis.publish(env.mmChannel, 'position:settled', SAMPLE_EVENTS['position:settled']);
			env.sim.totalis.publish(env.mmChannel, 'quote:expired', SAMPLE_EVENTS['quote:expired']);
		});
		expect(items.map((item) => item.json.event)).toEqual(['position:settled']);
		expect(items[0].json).toMatchObject({ venue: 'totalis', data: { outcome: 'win' } });
		await closed;
		expect(connections).toHaveBeenCalledTimes(1);
		expect(env.sim.totalis.openSockets()).toBe(0);
	});

	it('returns the first batch when batching', async () => {
		const { items } = await runManual(
			{ mergeAccepted: false, options: { ...FAST, delivery: 'batch', batchMaxItems: 3, batchWindowMs: 5000 } },
			async () => {
				await env.sim.totalis.events.waitFor('ws:subscribe');
				for (let i = 0; i < 4; i++) env.sim.totalis.publish(env.mmChannel, 'quote:expired', { quote_id: `q${i}`, rfq_id: 'r' });
			},
		);
		expect(items.map((item) => (item.json.data as { quote_id: string }).quote_id)).toEqual(['q0', 'q1', 'q2']);
	});

	it('waits past a malformed frame for a valid event, which carries the gap', async () => {
		const { items } = await runManual({}, async () => {
			await env.sim.totalis.events.waitFor('ws:subscribe');
			env.sim.totalis.faults.sendMalformed('schema');
			env.sim.totalis.publish(env.mmChannel, 'quote:expired', SAMPLE_EVENTS['quote:expired']);
		});
		expect(items).toHaveLength(1);
		expect(items[0].json).toMatchObject({ event: 'quote:expired', gap: { droppedFrames: 1 } });
	});

	it('returns the first quote request of the snapshot from the quote-request stream', async () => {
		const request = env.sim.totalis.createQuoteRequest();
		const closed = env.sim.totalis.events.waitFor('sse:close');
		const { items } = await runManual({ source: 'quoteRequests', mmHeartbeatMs: 0 });
		expect(items[0].json).toMatchObject({ event: 'quote_request', snapshot: true, data: { id: request.id } });
		await closed;
		expect(env.sim.totalis.openStreams()).toBe(0);
	});

	it('fails the manual run with an authorization error for a wrong key', async () => {
		env.useCredentials({ apiKey: 'api_live_manual_wrong_00000' });
		const closed = env.sim.totalis.events.waitFor('ws:close');
		await expect(runManual({})).rejects.toMatchObject({ message: expect.stringMatching(/^Authorization failed/) });
		await closed;
		expect(env.sim.totalis.openSockets()).toBe(0);
	});

	it('closing while the manual run is still connecting leaves no socket, no emit and no reconnect', async () => {
		const { response, recorder } = await env.harness.manualTriggerResponse(
			'totalisTrigger',
			{ options: { ...FAST } } as never,
			'totalisApi',
		);
		let connections = 0;
		env.sim.totalis.events.on('ws:connection', () => connections++);
		// A silent venue holds the handshake open, so the close lands mid-start for sure.
		env.sim.totalis.faults.silence(true);
		const authSent = env.sim.totalis.events.waitFor('ws:message', ({ message }) => (message as { type?: string })?.type === 'auth');
		const closed = env.sim.totalis.events.waitFor('ws:close');
		const starting = response.manualTriggerFunction!();
		await authSent;
		await response.closeFunction!();
		await expect(starting).rejects.toThrow(/closed before the stream had started/);
		await closed;
		expect(env.sim.totalis.openSockets()).toBe(0);
		env.sim.totalis.faults.silence(false);
		env.sim.totalis.publish(env.mmChannel, 'quote:expired', SAMPLE_EVENTS['quote:expired']);
		await new Promise((resolve) => setTimeout(resolve, FAST.silenceTimeoutMs));
		expect(recorder.emissions).toEqual([]);
		expect(connections).toBe(1);
	});
});
