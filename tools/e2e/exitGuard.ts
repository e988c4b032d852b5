/**
 * Makes sure no n8n (nor an npm install) outlives the process that started it (a test run, `npm run dev`):
 * - on a normal exit, every guarded process group gets SIGKILL (an 'exit' handler can only act
 *   synchronously);
 * - on SIGINT, SIGTERM or SIGHUP (Ctrl+C reaches only the foreground group, and n8n runs in its
 *   own), the groups get SIGTERM and shut down by themselves; when no one else listens for that
 *   signal, it is raised again so this process still ends as it would have.
 * The child preload (childPreload.ts) covers the parent being killed outright.
 * The registry lives on globalThis, so module copies (jest loads modules per test file) share it.
 */
import { signalProcessGroup } from './processGroup';

const FORWARDED_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

interface GuardRegistry {
	groups: Set<number>;
	onExit?: () => void;
	onSignal?: (signal: NodeJS.Signals) => void;
}

const REGISTRY_KEY = Symbol.for('n8n-nodes-trading-venues.e2e.exitGuard');

function registry(): GuardRegistry {
	const holder = globalThis as unknown as Record<symbol, GuardRegistry | undefined>;
	holder[REGISTRY_KEY] ??= { groups: new Set() };
	return holder[REGISTRY_KEY];
}

/** Guards the group until the returned function is called (once the group is known to be gone). */
export function guardProcessGroup(pgid: number): () => void {
	const guards = registry();
	guards.groups.add(pgid);
	if (!guards.onExit) install(guards);
	return () => {
		guards.groups.delete(pgid);
		if (guards.groups.size === 0) uninstall(guards);
	};
}

function install(guards: GuardRegistry): void {
	guards.onExit = () => {
		for (const pgid of guards.groups) signalProcessGroup(pgid, 'SIGKILL');
	};
	guards.onSignal = (signal) => {
		for (const pgid of guards.groups) signalProcessGroup(pgid, 'SIGTERM');
		if (process.listenerCount(signal) === 1) {
			uninstall(guards);
			process.kill(process.pid, signal);
		}
	};
	process.on('exit', guards.onExit);
	for (const signal of FORWARDED_SIGNALS) process.on(signal, guards.onSignal);
}

function uninstall(guards: GuardRegistry): void {
	if (guards.onExit) process.off('exit', guards.onExit);
	if (guards.onSignal) for (const signal of FORWARDED_SIGNALS) process.off(signal, guards.onSignal);
	guards.onExit = undefined;
	guards.onSignal = undefined;
}
