/** The parent's side of a memory run: fork a fresh process, relay its blast requests, collect its figures. */
import { fork } from 'node:child_process';
import { join } from 'node:path';

import type { LoadGenerator } from './generatorHandle';
import type { FromLongRun, LongRunPlan, MemoryFigures, ToLongRun } from './ipc';

export function longRun(plan: Omit<LongRunPlan, 'type'>, generator: LoadGenerator, timeoutMs: number): Promise<MemoryFigures> {
	const child = fork(join(__dirname, 'longRun.js'), [], { execArgv: ['--expose-gc'] });
	const send = (message: ToLongRun) => child.send(message);
	return new Promise<MemoryFigures>((resolve, reject) => {
		let figures: MemoryFigures | undefined;
		let failure: Error | undefined;
		const timer = setTimeout(() => {
			failure = new Error(`long run ${plan.client}: no result within ${timeoutMs} ms`);
			child.kill();
		}, timeoutMs);
		child.on('message', (message: FromLongRun) => {
			if (message.type === 'blast') {
				void generator.blast(message.repeat, message.marker).then((done) => send({ type: 'blasted', ok: done.ok, reason: done.reason }));
			} else if (message.type === 'result') {
				figures = message.figures;
			} else {
				failure = new Error(`long run ${plan.client}: ${message.reason}`);
			}
		});
		// Settle on exit, so the process is surely gone when the bench moves on.
		child.on('exit', (code) => {
			clearTimeout(timer);
			if (figures && !failure) resolve(figures);
			else reject(failure ?? new Error(`long run ${plan.client}: exited (code ${code}) without a result`));
		});
		send({ type: 'plan', ...plan });
	});
}
