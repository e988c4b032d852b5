/**
 * A lock between processes on one machine: an atomically created directory that records its
 * owner. A lock whose owner process is gone is stale and taken over, so a killed run never
 * blocks the next one.
 */
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';

export interface LockOwner {
	pid: number;
	host: string;
	since: string;
}

export interface DirectoryLockOptions {
	/** Give up after this long. Default 45 minutes (a cold n8n install takes several). */
	timeoutMs?: number;
	/** Called once per poll while another process holds the lock. */
	onWait?: (owner: LockOwner | undefined) => void;
	pollMs?: number;
}

/** A lock directory without an owner file yet is being created; after this long it is debris. */
const OWNERLESS_GRACE_MS = 60_000;

export async function withDirectoryLock<T>(lockDir: string, work: () => Promise<T>, options: DirectoryLockOptions = {}): Promise<T> {
	await acquire(lockDir, options);
	try {
		return await work();
	} finally {
		await rm(lockDir, { recursive: true, force: true });
	}
}

async function acquire(lockDir: string, options: DirectoryLockOptions): Promise<void> {
	const deadline = Date.now() + (options.timeoutMs ?? 45 * 60_000);
	for (;;) {
		try {
			await mkdir(lockDir);
			const owner: LockOwner = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
			await writeFile(join(lockDir, 'owner.json'), JSON.stringify(owner));
			return;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
		}
		const owner = await readOwner(lockDir);
		if (await isStale(lockDir, owner)) {
			await rm(lockDir, { recursive: true, force: true });
			continue;
		}
		if (Date.now() > deadline) {
			throw new Error(
				`Timed out waiting for the lock ${lockDir} held by ${owner ? `pid ${owner.pid} since ${owner.since}` : 'an unknown process'}`,
			);
		}
		options.onWait?.(owner);
		await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 2000));
	}
}

async function readOwner(lockDir: string): Promise<LockOwner | undefined> {
	try {
		return JSON.parse(await readFile(join(lockDir, 'owner.json'), 'utf8')) as LockOwner;
	} catch {
		return undefined;
	}
}

async function isStale(lockDir: string, owner: LockOwner | undefined): Promise<boolean> {
	if (!owner) {
		const created = await stat(lockDir).then(
			(info) => info.mtimeMs,
			() => undefined,
		);
		return created === undefined || Date.now() - created > OWNERLESS_GRACE_MS;
	}
	// Another machine sharing the cache folder: its pids mean nothing here, so wait for it.
	if (owner.host !== hostname()) return false;
	return !isProcessAlive(owner.pid);
}

export function isProcessAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}
