/**
 * The abortable sleep (nodes/shared/sleep.ts), our own on every n8n-workflow (the REST client's
 * waits also run in the fast path's worker thread, which never loads n8n-workflow), and the REST
 * client's sleep (rest/wait.ts) on top of it.
 */
import { getEventListeners } from 'node:events';

import { RequestCancelledError, sleep } from '../../nodes/shared/rest/wait';
import { abortableSleep } from '../../nodes/shared/sleep';

describe('abortableSleep', () => {
	it('waits, and stops at an abort with its timer cleared', async () => {
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

	it('leaves no listener on its signal once it has waited', async () => {
		const signal = new AbortController().signal;
		await abortableSleep(1, signal);
		expect(getEventListeners(signal, 'abort')).toHaveLength(0);
	});
});

describe("the REST client's sleep", () => {
	it("cancels as RequestCancelledError and leaves no listener on the caller's signal", async () => {
		const longLived = new AbortController();
		for (let i = 0; i < 3; i++) await sleep(1, [longLived.signal]);
		expect(getEventListeners(longLived.signal, 'abort')).toHaveLength(0);

		const pending = sleep(60_000, [undefined, longLived.signal]);
		longLived.abort();
		await expect(pending).rejects.toBeInstanceOf(RequestCancelledError);
		expect(getEventListeners(longLived.signal, 'abort')).toHaveLength(0);
	});
});
