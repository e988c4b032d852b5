/** The parent's side of the load generator process: start it, command blasts, stop it. */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

import type { BlastDone, FromGenerator, GeneratorReady, ToGenerator } from './ipc';

export class LoadGenerator {
	private nextId = 1;
	private readonly pending = new Map<number, (done: BlastDone) => void>();

	private constructor(
		private readonly child: ChildProcess,
		readonly ready: GeneratorReady,
	) {
		child.on('message', (message: FromGenerator) => {
			if (message.type !== 'blasted') return;
			this.pending.get(message.id)?.(message);
			this.pending.delete(message.id);
		});
		// A generator that died answers every open blast, so no run waits for its timeout.
		child.on('exit', (code) => {
			for (const [id, settle] of this.pending)
				settle({ type: 'blasted', id, ok: false, reason: `the load generator exited (code ${code})`, bytes: 0, ms: 0 });
			this.pending.clear();
		});
	}

	/** Forks the generator and waits until its frames are built and it listens. */
	static async start(itemsPerBody: number): Promise<LoadGenerator> {
		// No --expose-gc and no inspector flags: the generator is plain Node.
		const child = fork(join(__dirname, 'loadGenerator.js'), [String(itemsPerBody)], { execArgv: [] });
		const ready = await new Promise<GeneratorReady>((resolve, reject) => {
			child.once('exit', (code) => reject(new Error(`the load generator exited (code ${code}) before it was ready`)));
			child.once('message', (message: FromGenerator) => {
				if (message.type === 'ready') resolve(message);
				else reject(new Error(`unexpected first message from the load generator: ${message.type}`));
			});
		});
		child.removeAllListeners('exit');
		return new LoadGenerator(child, ready);
	}

	get url(): string {
		return `ws://127.0.0.1:${this.ready.port}/totalis/ws`;
	}

	/** Writes `repeat` bodies and a marker to the connection that last completed its handshake. */
	blast(repeat: number, marker: string): Promise<BlastDone> {
		const id = this.nextId++;
		const done = new Promise<BlastDone>((resolve) => this.pending.set(id, resolve));
		this.send({ type: 'blast', id, repeat, marker });
		return done;
	}

	async stop(): Promise<void> {
		if (this.child.exitCode !== null) return;
		const exited = once(this.child, 'exit');
		this.send({ type: 'exit' });
		const timer = setTimeout(() => this.child.kill(), 5000);
		await exited;
		clearTimeout(timer);
	}

	private send(message: ToGenerator) {
		this.child.send(message);
	}
}
