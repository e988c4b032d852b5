/**
 * A private Postgres cluster for one queue-mode run, from the machine's Debian binaries
 * (/usr/lib/postgresql/<version>/bin): `initdb` into a temporary folder, the server on a free
 * loopback port with its unix socket in that folder, in its own process group that never
 * outlives the run. Postgres refuses to run as root, so as root it runs as the `postgres` system
 * user. No system service or cluster is touched.
 */
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdir } from 'node:fs/promises';
import { join } from 'node:path';

import { runCommand } from './commands';
import { startDaemon, type Daemon } from './daemon';
import { findFreePort } from './freePort';
import { pollUntil } from './pollUntil';

const SYSTEM_USER = 'postgres';
const DATABASE = 'n8n';

export interface RunningPostgres extends Daemon {
	readonly port: number;
	readonly database: string;
	readonly user: string;
}

/** The newest Postgres whose binaries the machine has. */
export function findPostgresBin(root = '/usr/lib/postgresql'): string {
	const versions = existsSync(root) ? readdirSync(root).filter((name) => existsSync(join(root, name, 'bin', 'initdb'))) : [];
	const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
	if (!newest) throw new Error(`No Postgres binaries under ${root}: install Debian's postgresql package`);
	return join(root, newest, 'bin');
}

export async function startPostgres(dir: string): Promise<RunningPostgres> {
	const bin = findPostgresBin();
	const data = join(dir, 'data');
	await mkdir(data, { recursive: true });
	const asRoot = process.getuid?.() === 0;
	if (asRoot) {
		const { uid, gid } = await systemUser(SYSTEM_USER);
		await chown(dir, uid, gid);
		await chown(data, uid, gid);
	}
	const user = asRoot ? SYSTEM_USER : (process.env.USER ?? SYSTEM_USER);
	// As root, every command runs as the postgres user, who owns the cluster's folders.
	const command = (name: string, args: string[]): [string, string[]] =>
		asRoot ? ['runuser', ['-u', SYSTEM_USER, '--', join(bin, name), ...args]] : [join(bin, name), args];

	await runCommand(...command('initdb', ['-D', data, '-A', 'trust', '-U', user, '--no-sync']), { cwd: dir, timeoutMs: 120_000 });
	const port = await findFreePort();
	const [serverCommand, serverArgs] = command('postgres', [
		'-D',
		data,
		'-p',
		String(port),
		'-k',
		dir,
		'-c',
		'listen_addresses=127.0.0.1',
		'-c',
		'fsync=off',
	]);
	const daemon = startDaemon({ name: 'postgres', command: serverCommand, args: serverArgs, dir, stopSignal: 'SIGINT' });
	try {
		await pollUntil(
			async () => {
				await runCommand(...command('pg_isready', ['-h', dir, '-p', String(port), '-U', user]), { cwd: dir, timeoutMs: 10_000 });
				return true;
			},
			{ timeoutMs: 60_000, intervalMs: 300, description: () => `postgres on port ${port}:\n${daemon.outputTail(20)}` },
		);
		await runCommand(...command('createdb', ['-h', dir, '-p', String(port), '-U', user, DATABASE]), { cwd: dir, timeoutMs: 30_000 });
	} catch (error) {
		await daemon.stop();
		throw error;
	}
	return { ...daemon, port, database: DATABASE, user };
}

async function systemUser(name: string): Promise<{ uid: number; gid: number }> {
	const { stdout } = await runCommand('id', ['-u', name], { cwd: '/' });
	const { stdout: group } = await runCommand('id', ['-g', name], { cwd: '/' });
	return { uid: Number(stdout.trim()), gid: Number(group.trim()) };
}
