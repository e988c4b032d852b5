/**
 * Which processes hold TCP connections to a port, read from Linux's /proc: the connections to
 * that remote port (/proc/net/tcp and tcp6, established only), matched by socket inode against
 * each process's open file descriptors. Queue-mode tests use it to say which n8n process holds a
 * trigger's socket.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

const ESTABLISHED = '01';

/** Inodes of established TCP connections whose remote end is `port`. */
function connectionInodes(port: number): Set<string> {
	const inodes = new Set<string>();
	for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
		let text: string;
		try {
			text = readFileSync(table, 'utf8');
		} catch {
			continue;
		}
		for (const line of text.split('\n').slice(1)) {
			const fields = line.trim().split(/\s+/);
			if (fields.length < 10) continue;
			const remotePort = parseInt(fields[2].split(':')[1], 16);
			if (remotePort === port && fields[3] === ESTABLISHED) inodes.add(fields[9]);
		}
	}
	return inodes;
}

/** How many established connections to `port` each of `pids` holds. */
export function connectionsToPort(port: number, pids: number[]): Map<number, number> {
	const inodes = connectionInodes(port);
	const counts = new Map<number, number>();
	for (const pid of pids) {
		let count = 0;
		let fds: string[] = [];
		try {
			fds = readdirSync(`/proc/${pid}/fd`);
		} catch {
			// exited meanwhile
		}
		for (const fd of fds) {
			let target = '';
			try {
				target = readlinkSync(`/proc/${pid}/fd/${fd}`);
			} catch {
				continue;
			}
			const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
			if (inode && inodes.has(inode)) count++;
		}
		counts.set(pid, count);
	}
	return counts;
}

/** The total over `pids`. */
export function totalConnectionsToPort(port: number, pids: number[]): number {
	return [...connectionsToPort(port, pids).values()].reduce((sum, count) => sum + count, 0);
}
