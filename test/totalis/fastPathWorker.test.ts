/**
 * The fast path in a worker thread: with Confirm Accepted Quotes on and the kept connection
 * allowed, the Totalis Trigger's socket, copy check and confirmer run in a worker thread, so an
 * acceptance is confirmed whatever n8n's main event loop is doing. Through n8n-core's real
 * TriggerContext against the simulator, as confirmFastPath.test.ts (which runs on this path too).
 */
import type { Worker } from 'node:worker_threads';

import type { IDataObject } from 'n8n-workflow';

import { liveStreamWorkers } from '../../nodes/shared/engine/workerRunner';
import { CONFIRM_REHEARSALS } from '../../nodes/Totalis/stream/confirmStage';
import { FAST_PATH_WORKER_LIMITS } from '../../nodes/Totalis/stream/setup';
import { allLogText, type ActiveTrigger } from '../harness/n8n';
import { startSimulatorThread, type SimulatorThread } from '../harness/simulatorThreadClient';
import { createHarness, FAST, REFUSAL, useTotalisEnvironment } from './fixtures';

const CONFIRM_PATH = /\/mm\/quotes\/([^/]+)\/confirm$/;
const PARAMETERS = { followTrades: false, confirmAcceptedQuotes: true, options: { ...FAST } };
const isAcceptance = (json: IDataObject) => json.event === 'quote:accepted';

/**
 * Which of `packages` a worker thread has loaded: a heap snapshot (taken after a full collection)
 * holds the path of every module the thread's require cache keeps.
 */
async function modulesNamedIn(worker: Worker, packages: string[]): Promise<Record<string, boolean>> {
	const found = Object.fromEntries(packages.map((name) => [name, false]));
	let tail = '';
	for await (const chunk of await worker.getHeapSnapshot()) {
		const text = tail + String(chunk);
		for (const name of packages) if (text.includes(`node_modules/${name}/`)) found[name] = true;
		tail = text.slice(-200);
	}
	return found;
}

describe('Totalis Trigger: the fast path in a worker thread', () => {
	describe('with the venue in a thread of its own', () => {
		const harness = createHarness();
		const triggers: ActiveTrigger[] = [];
		let venue: SimulatorThread;

		beforeEach(async () => {
			venue = await startSimulatorThread();
			harness.setCredentials('totalisApi', venue.credentials);
		});

		afterEach(async () => {
			for (const trigger of triggers.splice(0)) await trigger.close();
			await venue.close();
		});

		it("confirms an acceptance while n8n main's event loop is blocked", async () => {
			const trigger = await harness.startTrigger('totalisTrigger', PARAMETERS as never, 'totalisApi');
			triggers.push(trigger);
			venue.accept();
			// Blocks this thread, where n8n-core runs the trigger as n8n's main would, until the venue
			// has received the confirm (or 10 s): nothing on this thread can send it meanwhile.
			const woken = Atomics.wait(venue.flag, 0, 0, 10_000);
			const unblockedAt = Date.now();
			expect(woken).toBe('ok');
			await venue.confirmsReported(1);
			const [receipt] = venue.confirms;
			expect(receipt.receivedAt).toBeLessThanOrEqual(unblockedAt);
			const item = await trigger.waitForItem(isAcceptance, 'the acceptance');
			expect((item.data as IDataObject).quote_id).toBe(receipt.quoteId);
			expect(item.confirmation).toMatchObject({ status: 'confirmed', attempts: 1 });
		});
	});

	describe('the thread', () => {
		const env = useTotalisEnvironment();

		async function start() {
			const trigger = await env.harness.startTrigger('totalisTrigger', PARAMETERS as never, 'totalisApi');
			env.triggers.push(trigger);
			return trigger;
		}

		/** Our market maker's quote on a new request, accepted by the taker. */
		function acceptedQuote() {
			const request = env.sim.totalis.createQuoteRequest({ betAmount: 50 });
			const quote = env.sim.totalis.addOurQuote(request.id, { payoutOdds: 3 });
			return env.sim.totalis.acceptQuote(quote.id, { settlement: 'win' });
		}

		it('runs one worker thread while the trigger is active, and none once it is closed', async () => {
			const trigger = await start();
			expect(liveStreamWorkers().size).toBe(1);
			await trigger.close();
			expect(liveStreamWorkers().size).toBe(0);
		});

		it('runs its thread with a small young generation, and confirms a burst of acceptances with it', async () => {
			const trigger = await start();
			const [worker] = liveStreamWorkers();
			expect(worker.resourceLimits).toMatchObject(FAST_PATH_WORKER_LIMITS);
			const confirmedQuotes = () =>
				new Set(
					trigger.items
						.map(({ json }) => json)
						.filter((json) => isAcceptance(json) && (json.confirmation as IDataObject | undefined)?.status === 'confirmed')
						.map((json) => String((json.data as IDataObject).quote_id)),
				);
			// Enough work for the thread to collect its young generation many times over.
			const quoteIds = Array.from({ length: 60 }, () => acceptedQuote().quoteId);
			await trigger.recorder.until(() => confirmedQuotes().size >= quoteIds.length, 'every acceptance confirmed', 30_000);
			expect([...confirmedQuotes()].sort()).toEqual([...quoteIds].sort());
			expect(trigger.recorder.failedExecutions).toEqual([]);
			expect(liveStreamWorkers()).toEqual(new Set([worker]));
		});

		it('leaves no thread behind when the venue refuses at activation, and says why as before', async () => {
			env.useCredentials({ apiKey: 'not-the-key-at-all' });
			await expect(start()).rejects.toThrow(/Totalis/);
			expect(liveStreamWorkers().size).toBe(0);
		});

		it('recovers from a lost worker thread without emitError: recorded, the gap said, confirms go on', async () => {
			const trigger = await start();
			const confirmed: string[] = [];
			env.sim.totalis.events.on('rest:request', ({ method, path, status }) => {
				const quoteId = method === 'POST' ? CONFIRM_PATH.exec(path)?.[1] : undefined;
				if (quoteId) confirmed.push(`${quoteId} ${status}`);
			});
			const [worker] = liveStreamWorkers();
			const resubscribed = env.sim.totalis.waitFor('ws:subscribe', undefined, 10_000);
			// The thread dies under the trigger (as a crash in it would end it).
			await worker.terminate();
			await resubscribed;
			const acceptance = acceptedQuote();
			const item = await trigger.waitForItem(
				(json) => isAcceptance(json) && (json.data as IDataObject).quote_id === acceptance.quoteId,
				'the acceptance after the restart',
			);
			expect(item.confirmation).toMatchObject({ status: 'confirmed', attempts: 1 });
			expect(item.gap).toMatchObject({
				reconnects: 1,
				reasons: [expect.stringMatching(/^the stream's worker thread ended unexpectedly \(exit code \d+\)$/)],
			});
			expect(confirmed).toEqual([`${acceptance.quoteId} 200`]);
			expect(trigger.recorder.emitErrors).toEqual([]);
			expect(trigger.recorder.failedExecutions.map((error) => error.message)).toEqual([
				expect.stringMatching(/^Totalis: the stream's worker thread ended unexpectedly \(exit code \d+\); the trigger stays active/),
			]);
			expect(liveStreamWorkers().size).toBe(1);
			expect(liveStreamWorkers().has(worker)).toBe(false);
		});

		it('reads a corrected key through n8n after a refusal in the thread: recorded, never emitError, then confirms with it', async () => {
			const trigger = await env.harness.startTrigger(
				'totalisTrigger',
				{ ...PARAMETERS, options: { ...FAST, ...REFUSAL } } as never,
				'totalisApi',
			);
			env.triggers.push(trigger);
			const revoked = 'api_live_revoked_key_0000';
			env.useCredentials({ apiKey: revoked });
			env.sim.totalis.faults.dropConnections();
			await trigger.recorder.until(() => trigger.recorder.failedExecutions.length > 0, 'the refusal recorded');
			expect(trigger.recorder.failedExecutions[0].message).toMatch(/^Totalis refused the credentials: .*The trigger stays active/);
			env.useCredentials({});
			await env.sim.totalis.events.waitFor('ws:subscribe', undefined, 10_000);
			const acceptance = acceptedQuote();
			const item = await trigger.waitForItem(
				(json) => isAcceptance(json) && (json.data as IDataObject).quote_id === acceptance.quoteId,
				'the acceptance after the key was corrected',
			);
			expect(item.confirmation).toMatchObject({ status: 'confirmed' });
			expect(trigger.recorder.emitErrors).toEqual([]);
			expect(liveStreamWorkers().size).toBe(1);
			for (const secret of [revoked, env.sim.totalis.apiKey]) expect(allLogText()).not.toContain(secret);
		});

		it('rehearses the confirm call and acceptances as the thread starts without any request to the venue, then confirms for real', async () => {
			const requests: string[] = [];
			env.sim.totalis.events.on('rest:request', ({ method, path }) => requests.push(`${method} ${path}`));
			const trigger = await start();
			// The rehearsal's requests went to the thread's own answerer on loopback: the venue saw none, of any kind.
			expect(allLogText()).toContain(
				`rehearsed the confirm call ${CONFIRM_REHEARSALS} times and ${CONFIRM_REHEARSALS} acceptances through the confirmer (nothing sent to the venue)`,
			);
			expect(requests).toEqual([]);
			const acceptance = acceptedQuote();
			const item = await trigger.waitForItem(isAcceptance, 'the acceptance');
			expect(item.confirmation).toMatchObject({ status: 'confirmed', attempts: 1 });
			expect(requests).toEqual([expect.stringMatching(new RegExp(`^POST \\S*/mm/quotes/${acceptance.quoteId}/confirm$`))]);
			// The rehearsal's acceptances went through stages of their own: none became an item.
			expect(JSON.stringify(trigger.items)).not.toContain('rehearsal');
			expect(allLogText()).not.toContain(env.sim.totalis.apiKey);
		});

		it('never loads n8n-workflow in its thread, not even to word a failed confirm', async () => {
			const trigger = await start();
			env.sim.totalis.faults.failRest({ method: 'POST', pathPrefix: '/mm/quotes/', status: 409, times: 1 });
			acceptedQuote();
			const refused = await trigger.waitForItem(isAcceptance, 'the refused acceptance');
			// The refusal's error was made in the thread, with the fields n8n's NodeApiError has.
			expect(refused.confirmation).toMatchObject({ status: 'failed', httpStatus: 409, description: expect.any(String) });
			const confirmed = acceptedQuote();
			await trigger.waitForItem((json) => isAcceptance(json) && (json.data as IDataObject).quote_id === confirmed.quoteId, 'the next');
			const [worker] = liveStreamWorkers();
			const loaded = await modulesNamedIn(worker, ['n8n-workflow', 'zod']);
			// zod (the frames' schemas) shows that a package the thread loads is seen; n8n-workflow (20 MB of heap) must not be there.
			expect(loaded).toEqual({ 'n8n-workflow': false, zod: true });
		});

		it("logs the worker's lines through n8n's logger without the key", async () => {
			const trigger = await start();
			env.sim.totalis.faults.failRest({ method: 'POST', pathPrefix: '/mm/quotes/', status: 409, times: 1 });
			const acceptance = acceptedQuote();
			const item = await trigger.waitForItem(isAcceptance, 'the acceptance');
			expect(item.confirmation).toMatchObject({ status: 'failed', httpStatus: 409 });
			// The worker's warning about the failed confirm came through main's logger.
			expect(allLogText()).toContain(`confirming quote ${acceptance.quoteId} failed`);
			expect(allLogText()).not.toContain(env.sim.totalis.apiKey);
			expect(JSON.stringify(trigger.items)).not.toContain(env.sim.totalis.apiKey);
		});
	});
});
