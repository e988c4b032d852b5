import type { ITriggerFunctions } from 'n8n-workflow';

import type { Companion } from '../../shared/delivery/triggerHost';
import type { EngineLogger } from '../../shared/engine/StreamEngine';
import type { Redactor } from '../../shared/redact';
import { totalisRequest } from '../transport';

/**
 * Keeps the market maker marked alive (`POST /v1/mm/heartbeat`, at least every 30 s per the
 * docs) while the quote-request stream runs, so Totalis keeps offering requests. The first beat
 * is awaited at start: a key without the `mm:quote` scope fails activation there, clearly.
 */
export class MarketMakerHeartbeat implements Companion {
	private timer: NodeJS.Timeout | undefined;
	private readonly stopping = new AbortController();

	constructor(
		private readonly ctx: ITriggerFunctions,
		private readonly options: { baseUrl: string; intervalMs: number; redactor: Redactor; logger: EngineLogger },
	) {}

	async start() {
		if (this.options.intervalMs <= 0) return;
		await this.beat();
		this.schedule();
	}

	stop() {
		this.stopping.abort();
		clearTimeout(this.timer);
		this.timer = undefined;
	}

	private schedule() {
		if (this.stopping.signal.aborted) return;
		this.timer = setTimeout(() => {
			this.beat().then(
				() => this.schedule(),
				(error: Error) => {
					if (this.stopping.signal.aborted) return;
					this.options.logger.warn(`Totalis market-maker heartbeat failed (${error.message}); retrying next interval`);
					this.schedule();
				},
			);
		}, this.options.intervalMs);
	}

	private async beat() {
		await totalisRequest(this.ctx, {
			baseUrl: this.options.baseUrl,
			redactor: this.options.redactor,
			method: 'POST',
			path: '/v1/mm/heartbeat',
			action: 'send the market-maker heartbeat',
			// A heartbeat stuck behind a long rate-limit wait is worth less than the next one.
			retry: { rateLimitMaxWaitMs: Math.min(5000, this.options.intervalMs) },
			signal: this.stopping.signal,
		});
	}
}
