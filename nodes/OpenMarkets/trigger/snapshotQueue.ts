/**
 * Full books fetched over REST (`GET /contests/{id}/liquidity`) and emitted as snapshot items on
 * the connection that holds the contest. A few at a time, so a reconnect of 200 contests does not
 * burst the REST API; a contest already waiting is not fetched twice. A failed fetch becomes an
 * `error` item: the workflow must know its copy of that book may be stale.
 */
import type { EngineLogger, StreamEngine } from '../../shared/engine/StreamEngine';
import type { TriggerRest } from './contestSource';
import type { OpenMarketsProtocol } from './omProtocol';

const CONCURRENCY = 4;

export type SnapshotReason = 'subscribed' | 'refresh_required' | 'reconnect';

type Holder = { engine: StreamEngine; protocol: OpenMarketsProtocol } | undefined;

export class SnapshotQueue {
	private readonly waiting = new Map<string, SnapshotReason>();
	private running = 0;
	private disposed = false;

	constructor(
		private readonly rest: TriggerRest,
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
	}

	private async fetch(contestId: string, reason: SnapshotReason): Promise<void> {
		let book: Record<string, unknown> | undefined;
		let failure: string | undefined;
		try {
			book = await this.rest.liquidity(contestId);
		} catch (error) {
			failure = (error as Error).message;
		}
		// The contest may have left (or moved) while the book was on its way: emit where it is now.
		const holder = this.holderOf(contestId);
		if (this.disposed || !holder) return;
		const { engine, protocol } = holder;
		if (book) {
			engine.inject(protocol.event('liquidity.snapshot', { contest_id: contestId, ...book }, `snapshot:${contestId}`, { snapshot: true, reason }));
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
