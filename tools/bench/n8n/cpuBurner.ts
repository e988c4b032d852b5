/**
 * Keeps every CPU busy (one spinning child process per CPU, at normal priority) so the latency
 * figures can be read "with the machine saturated" in the same run as the quiet ones.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { availableParallelism } from 'node:os';

export interface CpuBurner {
	readonly processes: number;
	stop(): Promise<void>;
}

export function burnCpus(count = availableParallelism()): CpuBurner {
	const children: ChildProcess[] = [];
	for (let i = 0; i < count; i++) {
		children.push(spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
	}
	return {
		processes: count,
		async stop() {
			await Promise.all(
				children.map(async (child) => {
					if (child.exitCode !== null || child.signalCode !== null) return;
					const exited = once(child, 'exit');
					child.kill('SIGKILL');
					await exited;
				}),
			);
		},
	};
}
