/**
 * A small typed event emitter with `waitFor`, so tests await what the simulator saw instead of
 * sleeping. Listener errors are not swallowed: a throwing listener is a bug in the test.
 */
type Listener<T> = (payload: T) => void;

interface Waiter {
	reject(error: Error): void;
}

export class TypedEvents<EventMap extends object> {
	private readonly listeners = new Map<keyof EventMap, Set<Listener<never>>>();
	private readonly waiters = new Set<Waiter>();

	on<K extends keyof EventMap>(name: K, listener: Listener<EventMap[K]>): () => void {
		let set = this.listeners.get(name);
		if (!set) {
			set = new Set();
			this.listeners.set(name, set);
		}
		set.add(listener as Listener<never>);
		return () => this.off(name, listener);
	}

	off<K extends keyof EventMap>(name: K, listener: Listener<EventMap[K]>): void {
		this.listeners.get(name)?.delete(listener as Listener<never>);
	}

	once<K extends keyof EventMap>(name: K, listener: Listener<EventMap[K]>): () => void {
		const off = this.on(name, (payload) => {
			off();
			listener(payload);
		});
		return off;
	}

	emit<K extends keyof EventMap>(name: K, payload: EventMap[K]): void {
		const set = this.listeners.get(name);
		if (!set) return;
		for (const listener of [...set]) (listener as Listener<EventMap[K]>)(payload);
	}

	listenerCount(name: keyof EventMap): number {
		return this.listeners.get(name)?.size ?? 0;
	}

	/**
	 * Resolves with the payload of the next `name` event that passes `predicate`
	 * (only events emitted after the call count). Rejects after `timeoutMs`.
	 */
	waitFor<K extends keyof EventMap>(
		name: K,
		predicate: (payload: EventMap[K]) => boolean = () => true,
		timeoutMs = 5000,
	): Promise<EventMap[K]> {
		return new Promise<EventMap[K]>((resolve, reject) => {
			const waiter: Waiter = {
				reject: (error) => {
					finish();
					reject(error);
				},
			};
			const timer = setTimeout(() => waiter.reject(new Error(`waitFor('${String(name)}') timed out after ${timeoutMs} ms`)), timeoutMs);
			const off = this.on(name, (payload) => {
				if (!predicate(payload)) return;
				finish();
				resolve(payload);
			});
			const finish = (): void => {
				clearTimeout(timer);
				off();
				this.waiters.delete(waiter);
			};
			this.waiters.add(waiter);
		});
	}

	/** Fails every pending `waitFor` and drops every listener (the owner is shutting down). */
	dispose(reason = 'closed'): void {
		for (const waiter of [...this.waiters]) waiter.reject(new Error(`waitFor cancelled: ${reason}`));
		this.listeners.clear();
	}
}
