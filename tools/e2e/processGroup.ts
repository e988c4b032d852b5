/**
 * A child started detached leads its own process group, which also holds whatever it spawns
 * (n8n's task runner): signalling the group reaches all of them. On Linux, /proc tells which
 * members are still running; zombies left for an init that does not reap count as gone.
 */
import { readdirSync, readFileSync } from 'node:fs';

export function signalProcessGroup(pgid: number, signal: NodeJS.Signals): void {
	try {
		process.kill(-pgid, signal);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
	}
}

/** Pids of the group's members that are not zombies. */
export function processGroupMembers(pgid: number): number[] {
	if (process.platform !== 'linux') return groupSignalable(pgid) ? [pgid] : [];
	const members: number[] = [];
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		let stat: string;
		try {
			stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
		} catch {
			continue; // exited meanwhile
		}
		// "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses, so split after the last ')'.
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		const [state, , pgrp] = fields;
		if (Number(pgrp) === pgid && state !== 'Z' && state !== 'X') members.push(Number(entry));
	}
	return members;
}

export function isProcessGroupAlive(pgid: number): boolean {
	return processGroupMembers(pgid).length > 0;
}

/** Resolves true once no member is left, false when `timeoutMs` passed first. */
export async function waitForProcessGroupExit(pgid: number, timeoutMs: number, pollMs = 100): Promise<boolean> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (!isProcessGroupAlive(pgid)) return true;
		if (Date.now() >= deadline) return false;
		await new Promise((resolve) => setTimeout(resolve, pollMs));
	}
}

function groupSignalable(pgid: number): boolean {
	try {
		process.kill(-pgid, 0);
		return true;
	} catch {
		return false;
	}
}
