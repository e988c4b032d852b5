/**
 * Full books fetched over REST (`GET /contests/{id}/liquidity`) and emitted as snapshot items on
 * the connection that holds the contest. A few at a time, so a reconnect of 200 contests does not
 * burst the REST API; a contest already waiting is not fetched twice. A failed fetch becomes an
 * `error` item: the workflow must know its copy of that book may be stale.
 */
import type { EngineLogger, StreamEngine } from '../../shared/engine/StreamEngine';
import type { StreamRest } from './contestSource';
import type { OpenMarketsProtocol } from './protocol';

const CONCURRENCY = 4;

export type SnapshotReason = 'subscribed' | 'refresh_required' | 'reconnect';

type Holder = { engine: StreamEngine; protocol: OpenMarketsProtocol } | undefined;

export class SnapshotQueue {
	private readonly waiting = new Map<string, SnapshotReason>();
	private running = 0;
	private disposed = false;
	private idleWaiters: Array<() => void> = [];
	/** Ends the retries and waits of books on their way once the stream stops. */
	private readonly abort = new AbortController();

	constructor(
		private readonly rest: StreamRest,
		private readonly logger: Pick<EngineLogger, 'warn'>,
		private readonly holderOf: (contestId: string) => Holder,
	) {}

	request(contestId: string, reason: SnapshotReason): void {
		if (this.disposed || this.waiting.has(contestId)) return;
		this.waiting.set(contestId, reason);
		this.pump();
	}

	dispose(): void {
		this.disposed = true;
		this.waiting.clear();
		this.abort.abort();
		this.settle();
	}

	/** Resolves once no book is waiting or on its way (at once when none is), or on dispose(). */
	idle(): Promise<void> {
		if (this.disposed || (this.waiting.size === 0 && this.running === 0)) return Promise.resolve();
		return new Promise((resolve) => this.idleWaiters.push(resolve));
	}

	private settle(): void {
		if (!this.disposed && (this.waiting.size > 0 || this.running > 0)) return;
		const waiters = this.idleWaiters;
		this.idleWaiters = [];
		for (const resolve of waiters) resolve();
	}

	private pump(): void {
		while (!this.disposed && this.running < CONCURRENCY && this.waiting.size > 0) {
			const [contestId, reason] = this.waiting.entries().next().value as [string, SnapshotReason];
			this.waiting.delete(contestId);
			this.running++;
			void this.fetch(contestId, reason).finally(() => {
				this.running--;
				this.pump();
			});
		}
		this.settle();
	}

	private async fetch(contestId: string, reason: SnapshotReason): Promise<void> {
		let book: Record<string, unknown> | undefined;
		let failure: string | undefined;
		try {
			book = await this.rest.liquidity(contestId, this.abort.signal);
		} catch (error) {
			failure = (error as Error).message;
		}
		// The contest may have left (or moved) while the book was on its way: emit where it is now.
		const holder = this.holderOf(contestId);
		if (this.disposed || !holder) return;
		const { engine, protocol } = holder;
		if (book) {
			engine.inject(
				protocol.event('liquidity.snapshot', { contest_id: contestId, ...book }, `snapshot:${contestId}`, { snapshot: true, reason }),
			);
			return;
		}
		this.logger.warn(`OpenMarkets: could not read the full book of contest ${contestId} (${failure})`);
		engine.inject(
			protocol.event('error', {
				code: 'snapshot_failed',
				contest_id: contestId,
				reason,
				message: `Could not read the full book of contest ${contestId} after ${reason.replace('_', ' ')}: ${failure}. This contest's book may be stale until its next snapshot.`,
			}),
		);
	}
}
