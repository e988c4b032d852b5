/**
 * Runs a child command to completion, keeping its output for the error message when it fails.
 * The command runs in its own process group, guarded like n8n (exitGuard.ts): if this process
 * exits or is interrupted, an npm install and the compilers it started stop with it, instead of
 * writing on into a folder the next run will reinstall.
 */
import { spawn } from 'node:child_process';

import { guardProcessGroup } from './exitGuard';
import { signalProcessGroup } from './processGroup';

export interface RunCommandOptions {
	cwd: string;
	env?: NodeJS.ProcessEnv;
	/** The group is killed (SIGKILL) after this long. Default 10 minutes. */
	timeoutMs?: number;
}

export interface CommandResult {
	stdout: string;
	stderr: string;
}

/** How much of a failed command's output goes into the error. */
const OUTPUT_TAIL_CHARS = 4000;

export class CommandError extends Error {
	constructor(
		message: string,
		readonly result: CommandResult,
	) {
		super(message);
		this.name = 'CommandError';
	}
}

export function runCommand(command: string, args: string[], options: RunCommandOptions): Promise<CommandResult> {
	const shown = [command, ...args].join(' ');
	const timeoutMs = options.timeoutMs ?? 600_000;
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, {
			cwd: options.cwd,
			env: options.env ?? process.env,
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: true,
		});
		const pid = child.pid;
		const release = pid === undefined ? () => undefined : guardProcessGroup(pid);
		let stdout = '';
		let stderr = '';
		child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
		child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
		let timedOut = false;
		const timer = setTimeout(() => {
			timedOut = true;
			if (pid !== undefined) signalProcessGroup(pid, 'SIGKILL');
		}, timeoutMs);
		child.on('error', (error) => {
			clearTimeout(timer);
			release();
			reject(new CommandError(`\`${shown}\` (in ${options.cwd}) could not start: ${error.message}`, { stdout, stderr }));
		});
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			release();
			if (code === 0) return resolve({ stdout, stderr });
			const why = timedOut ? `timed out after ${timeoutMs} ms` : signal ? `was killed by ${signal}` : `exited with code ${code}`;
			const output = `${stdout}\n${stderr}`.trim().slice(-OUTPUT_TAIL_CHARS);
			reject(new CommandError(`\`${shown}\` (in ${options.cwd}) ${why}:\n${output}`, { stdout, stderr }));
		});
	});
}
