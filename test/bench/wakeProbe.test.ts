/**
 * bench:n8n's wake-up probe (tools/bench/n8n/wakeProbe.ts): a thread that sleeps and records how
 * late it woke, stopped on demand, with a bound on what it keeps. Its figures are the machine's,
 * so only their shape is asserted.
 */
import { startWakeProbe } from '../../tools/bench/n8n/wakeProbe';

describe('bench:n8n wake-up probe', () => {
	it('records each wake-up’s lateness in ms, in order of size, and stops', async () => {
		const startedAt = performance.now();
		const probe = startWakeProbe(2);
		await probe.recorded(5);
		// Stopped means the thread has ended: stop waits for it.
		const lateness = await probe.stop();
		const livedMs = performance.now() - startedAt;
		expect(lateness.wakeUps).toBeGreaterThanOrEqual(5);
		// A sleep does not end early by more than the clock's rounding, nor later than the probe has lived (ms, not ns).
		expect(lateness.medianMs).toBeGreaterThanOrEqual(-1);
		expect(lateness.medianMs).toBeLessThanOrEqual(lateness.p99Ms);
		expect(lateness.p99Ms).toBeLessThanOrEqual(lateness.maxMs);
		expect(lateness.maxMs).toBeLessThanOrEqual(livedMs);
	});

	it('keeps only the latest wake-ups past its capacity', async () => {
		const probe = startWakeProbe(1, 4);
		await probe.recorded(12);
		const lateness = await probe.stop();
		expect(lateness.wakeUps).toBe(4);
		expect(Number.isFinite(lateness.maxMs)).toBe(true);
	});
});
