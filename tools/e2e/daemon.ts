/**
 * A service this run owns (Redis, Postgres): spawned detached so it leads its own process group,
 * guarded by exitGuard.ts so it never outlives the run, its output kept in a log file for error
 * messages. `stop()` signals the group and resolves once every member is gone.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

import { guardProcessGroup } from './exitGuard';
import { OutputLog } from './outputLog';
import { signalProcessGroup, waitForProcessGroupExit } from './processGroup';

export interface Daemon {
	readonly pid: number;
	outputTail(lines?: number): string;
	stop(): Promise<void>;
}

export interface StartDaemonOptions {
	name: string;
	command: string;
	args: string[];
	/** Where its log file goes. */
	dir: string;
	/** The signal that shuts it down cleanly (Postgres: SIGINT, its fast shutdown). */
	stopSignal?: NodeJS.Signals;
	env?: NodeJS.ProcessEnv;
}

export function startDaemon(options: StartDaemonOptions): Daemon {
	const child = spawn(options.command, options.args, {
		cwd: options.dir,
		env: options.env ?? process.env,
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const pid = child.pid;
	if (pid === undefined) throw new Error(`${options.name} did not start (${options.command})`);
	const release = guardProcessGroup(pid);
	const output = new OutputLog(join(options.dir, `${options.name}.log`), 200);
	output.capture(child.stdout, 'stdout');
	output.capture(child.stderr, 'stderr');
	let stopping: Promise<void> | undefined;
	return {
		pid,
		outputTail: (lines) => output.tail(lines),
		stop: () =>
			(stopping ??= (async () => {
				signalProcessGroup(pid, options.stopSignal ?? 'SIGTERM');
				if (!(await waitForProcessGroupExit(pid, 20_000))) {
					signalProcessGroup(pid, 'SIGKILL');
					if (!(await waitForProcessGroupExit(pid, 10_000))) throw new Error(`${options.name} (group ${pid}) survived SIGKILL`);
				}
				release();
				await output.close();
			})()),
	};
}
