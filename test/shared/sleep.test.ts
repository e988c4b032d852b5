/**
 * The abortable sleep (nodes/shared/sleep.ts) comes from n8n-workflow where the installed version
 * has one, else from a fallback; the REST client's sleep (rest/wait.ts) cancels the same on each.
 * Older n8n-workflow versions are stood in for by mocks with their export shapes.
 */
import { getEventListeners } from 'node:events';
import * as workflow from 'n8n-workflow';

type SleepModule = typeof import('../../nodes/shared/sleep');
type WaitModule = typeof import('../../nodes/shared/rest/wait');

/** Loads sleep.ts and wait.ts against an n8n-workflow that exports only `exports`. */
function loadWith(exports: object): { sleep: SleepModule; wait: WaitModule } {
	let loaded!: { sleep: SleepModule; wait: WaitModule };
	jest.isolateModules(() => {
		jest.doMock('n8n-workflow', () => exports);
		loaded = {
			sleep: require('../../nodes/shared/sleep') as SleepModule,
			wait: require('../../nodes/shared/rest/wait') as WaitModule,
		};
	});
	jest.dontMock('n8n-workflow');
	return loaded;
}

/** n8n-workflow 1.100.0 … 2.20.0's sleepWithAbort, which keeps its listener after the timer fired. */
const legacySleepWithAbort = jest.fn(
	async (ms: number, abortSignal?: AbortSignal) =>
		await new Promise<void>((resolve, reject) => {
			if (abortSignal?.aborted) return reject(new Error('cancelled'));
			const timeout = setTimeout(resolve, ms);
			abortSignal?.addEventListener('abort', () => (clearTimeout(timeout), reject(new Error('cancelled'))), { once: true });
		}),
);
/** n8n-workflow's sleep before 2.x's signal parameter: it cannot be aborted. */
const plainSleep = async (ms: number) => await new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('abortableSleep', () => {
	it("is n8n-workflow's sleep where that takes a signal (2.41)", () => {
		expect(loadWith(workflow).sleep.abortableSleep).toBe(workflow.sleep);
	});

	it('is sleepWithAbort where sleep cannot abort (1.100.0 … 2.20.0)', () => {
		expect(loadWith({ sleep: plainSleep, sleepWithAbort: legacySleepWithAbort }).sleep.abortableSleep).toBe(legacySleepWithAbort);
	});

	it('is the fallback on older versions, which waits, and stops at an abort with its timer cleared', async () => {
		const { abortableSleep } = loadWith({ sleep: plainSleep }).sleep;
		expect(abortableSleep).not.toBe(plainSleep);
		const started = Date.now();
		await abortableSleep(30, new AbortController().signal);
		expect(Date.now() - started).toBeGreaterThanOrEqual(29);

		const timers = () => process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
		const before = timers();
		const controller = new AbortController();
		const pending = abortableSleep(60_000, controller.signal);
		controller.abort(new Error('stop'));
		await expect(pending).rejects.toThrow('stop');
		expect(timers()).toBe(before);
		await expect(abortableSleep(10, AbortSignal.abort(new Error('already')))).rejects.toThrow('already');
	});
});

describe("the REST client's sleep on each n8n-workflow", () => {
	it.each([
		['2.41 (sleep with a signal)', workflow],
		['1.100.0 … 2.20.0 (sleepWithAbort)', { sleep: plainSleep, sleepWithAbort: legacySleepWithAbort }],
		['older (fallback)', { sleep: plainSleep }],
	])("%s: cancels as RequestCancelledError and leaves no listener on the caller's signal", async (_version, exports) => {
		const { sleep, RequestCancelledError } = loadWith(exports).wait;
		const longLived = new AbortController();
		for (let i = 0; i < 3; i++) await sleep(1, [longLived.signal]);
		expect(getEventListeners(longLived.signal, 'abort')).toHaveLength(0);

		const pending = sleep(60_000, [undefined, longLived.signal]);
		longLived.abort();
		await expect(pending).rejects.toBeInstanceOf(RequestCancelledError);
		expect(getEventListeners(longLived.signal, 'abort')).toHaveLength(0);
	});
});
