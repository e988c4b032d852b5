/**
 * Waiting on a condition over state that events change: `until(done)` settles once `done()`
 * holds, checked now and again at every `recheck()` (called from the event that changed it).
 * No polling, no timer.
 */
export function conditions() {
	const checks = new Set<() => void>();
	return {
		until(done: () => boolean): Promise<void> {
			return new Promise<void>((resolve) => {
				const check = () => {
					if (!done()) return;
					checks.delete(check);
					resolve();
				};
				checks.add(check);
				check();
			});
		},
		recheck(): void {
			for (const check of checks) check();
		},
	};
}
