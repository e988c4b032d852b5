/**
 * A private Redis for one queue-mode run: Debian's redis-server (installed by
 * scripts/install-redis.sh when missing), on a free loopback port, nothing saved to disk, in its
 * own process group that never outlives the run. No system service is touched.
 */
import { connect } from 'node:net';
import { join } from 'node:path';

import { findRepoRoot } from './communityPackage';
import { runCommand } from './commands';
import { startDaemon, type Daemon } from './daemon';
import { findFreePort } from './freePort';
import { pollUntil } from './pollUntil';

export interface RunningRedis extends Daemon {
	readonly port: number;
}

export async function startRedis(dir: string): Promise<RunningRedis> {
	await runCommand('bash', [join(findRepoRoot(), 'scripts', 'install-redis.sh')], { cwd: dir, timeoutMs: 10 * 60_000 });
	const port = await findFreePort();
	const daemon = startDaemon({
		name: 'redis',
		command: 'redis-server',
		args: ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
		dir,
	});
	try {
		await pollUntil(() => answersPing(port), { timeoutMs: 20_000, description: () => `redis on port ${port}:\n${daemon.outputTail(20)}` });
	} catch (error) {
		await daemon.stop();
		throw error;
	}
	return { ...daemon, port };
}

function answersPing(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = connect(port, '127.0.0.1');
		let reply = '';
		socket.setTimeout(2000, () => socket.destroy());
		socket.on('connect', () => socket.write('PING\r\n'));
		socket.on('data', (chunk) => {
			reply += chunk.toString();
			if (reply.includes('\r\n')) socket.end();
		});
		socket.on('close', () => resolve(reply.startsWith('+PONG')));
		socket.on('error', () => resolve(false));
	});
}
