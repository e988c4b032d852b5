/**
 * The fast path's stamps for `npm run bench:n8n`'s breakdown (nodes/Totalis/stream/confirmTrace.ts):
 * with NODE_DEBUG naming their section when the worker thread starts, it writes, per confirm, when
 * its confirmer read the acceptance and when it handed the confirm to node:http; without it,
 * nothing. Through n8n-core's real TriggerContext against the simulator, whose own stamps (the
 * acceptance sent, the confirm arrived) bracket the trigger's on the same clock.
 */
import type { IDataObject } from 'n8n-workflow';
import type { ConfirmStamps } from 'trading-venues-simulator';

import { CONFIRM_TRACE_SECTION, CPU_WAIT_TRACE_SECTION } from '../../nodes/Totalis/stream/confirmTrace';
import { ConfirmTraces } from '../../tools/bench/n8n/confirmTraces';
import { conditions } from '../harness/conditions';
import { FAST, useTotalisEnvironment } from './fixtures';

const PARAMETERS = { followTrades: false, confirmAcceptedQuotes: true, options: { ...FAST } };
const isAcceptance = (json: IDataObject) => json.event === 'quote:accepted';

describe('Totalis Trigger: the fast path stamps its confirms for the bench', () => {
	const env = useTotalisEnvironment();
	let written: string[];
	const { until, recheck } = conditions();
	let restoreStderr: () => void;
	const savedNodeDebug = process.env.NODE_DEBUG;

	beforeEach(() => {
		written = [];
		// The worker thread's stderr is piped into this process's.
		const original = process.stderr.write.bind(process.stderr);
		const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
			written.push(String(chunk));
			recheck();
			// The stamps are kept off the test's output; anything else goes through.
			if (String(chunk).includes(CONFIRM_TRACE_SECTION.toUpperCase())) return true;
			return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
		});
		restoreStderr = () => spy.mockRestore();
	});

	afterEach(() => {
		restoreStderr();
		if (savedNodeDebug === undefined) delete process.env.NODE_DEBUG;
		else process.env.NODE_DEBUG = savedNodeDebug;
	});

	/** Our market maker's quote on a new request, accepted by the taker; resolves with the venue's stamps once confirmed. */
	async function acceptAndConfirm(trigger: Awaited<ReturnType<typeof env.start>>) {
		const request = env.sim.totalis.createQuoteRequest({ betAmount: 50 });
		const submitted = env.sim.totalis.addOurQuote(request.id, { payoutOdds: 3 });
		const confirmed = new Promise<{ quoteId: string; stamps: ConfirmStamps }>((resolve) => {
			const off = env.sim.totalis.events.on('quote:confirmed', (event) => {
				off();
				resolve(event);
			});
		});
		const { quoteId } = env.sim.totalis.acceptQuote(submitted.id, { settlement: 'win' });
		const venue = await confirmed;
		expect(venue.quoteId).toBe(quoteId);
		const item = await trigger.waitForItem(isAcceptance, 'the acceptance');
		expect(item.confirmation).toMatchObject({ status: 'confirmed' });
		return venue;
	}

	it('writes when the acceptance was read and the confirm sent, in order between the venue’s own stamps', async () => {
		process.env.NODE_DEBUG = `${CONFIRM_TRACE_SECTION},${CPU_WAIT_TRACE_SECTION}`;
		const started = performance.timeOrigin + performance.now();
		const trigger = await env.start(PARAMETERS);
		const { quoteId, stamps } = await acceptAndConfirm(trigger);
		const traces = new ConfirmTraces();
		const stampsWritten = () => {
			for (const line of written.join('').split('\n')) traces.readLine(line);
			return traces.stampsOf(quoteId);
		};
		// The worker's stderr reaches this thread through its event loop: settle at the write that brings both lines.
		await until(() => stampsWritten()?.sent !== undefined);
		const { read, sent, waited } = stampsWritten() as { read: number; sent: number; waited?: number };
		expect(stamps.confirmArrived).toBeDefined();
		expect(stamps.acceptanceSent).toBeLessThanOrEqual(read);
		expect(read).toBeLessThanOrEqual(sent);
		expect(sent).toBeLessThanOrEqual(stamps.confirmArrived as number);
		expect(stamps.confirmArrived).toBeLessThanOrEqual(stamps.confirmed);
		// Where Linux keeps scheduler statistics, how long the thread waited for a CPU: in ms, and
		// no longer than the thread has lived.
		if (process.platform === 'linux') {
			expect(waited).toBeGreaterThanOrEqual(0);
			expect(waited).toBeLessThanOrEqual(sent - started);
		}
	});

	it('writes no wait for a CPU unless NODE_DEBUG names its section too', async () => {
		process.env.NODE_DEBUG = CONFIRM_TRACE_SECTION;
		const trigger = await env.start(PARAMETERS);
		const { quoteId } = await acceptAndConfirm(trigger);
		const traces = new ConfirmTraces();
		const stampsWritten = () => {
			for (const line of written.join('').split('\n')) traces.readLine(line);
			return traces.stampsOf(quoteId);
		};
		await until(() => stampsWritten()?.sent !== undefined);
		expect(stampsWritten()).toEqual({ read: expect.any(Number), sent: expect.any(Number) });
	});

	it('writes nothing without NODE_DEBUG', async () => {
		delete process.env.NODE_DEBUG;
		const trigger = await env.start(PARAMETERS);
		await acceptAndConfirm(trigger);
		await trigger.close();
		expect(written.join('')).not.toContain(CONFIRM_TRACE_SECTION.toUpperCase());
	});
});
