import { NodeOperationError, type ITriggerFunctions } from 'n8n-workflow';

import type { Companion } from '../../shared/delivery/triggerHost';
import type { EngineLogger } from '../../shared/engine/StreamEngine';
import type { Redactor } from '../../shared/redact';

/**
 * Keeps the market maker marked alive (`POST /v1/mm/heartbeat`, at least every 30 s per the
 * docs) while the quote-request stream runs, so Totalis keeps offering requests. The first beat
 * is awaited at start: a key without the `mm:quote` scope fails activation there, clearly.
 */
export class MarketMakerHeartbeat implements Companion {
	private timer: NodeJS.Timeout | undefined;
	private stopped = false;
	/** Beats answered OK, and the mm_id Totalis reported (for logs). */
	beats = 0;
	mmId: string | undefined;

	constructor(
		private readonly ctx: ITriggerFunctions,
		private readonly options: { baseUrl: string; intervalMs: number; redactor: Redactor; logger: EngineLogger },
	) {}

	async start() {
		if (this.options.intervalMs <= 0) return;
		await this.beat(true);
		this.schedule();
	}

	stop() {
		this.stopped = true;
		clearTimeout(this.timer);
		this.timer = undefined;
	}

	private schedule() {
		if (this.stopped) return;
		this.timer = setTimeout(() => {
			void this.beat(false).finally(() => this.schedule());
		}, this.options.intervalMs);
	}

	private async beat(mustSucceed: boolean) {
		try {
			const response = (await this.ctx.helpers.httpRequestWithAuthentication.call(this.ctx, 'totalisApi', {
				method: 'POST',
				url: `${this.options.baseUrl}/v1/mm/heartbeat`,
				json: true,
			})) as { data?: { mm_id?: string } };
			this.beats++;
			this.mmId = response?.data?.mm_id ?? this.mmId;
		} catch (error) {
			const message = this.options.redactor.text((error as Error).message ?? String(error));
			if (mustSucceed) {
				throw new NodeOperationError(this.ctx.getNode(), `Totalis market-maker heartbeat failed: ${message}`, {
					description: 'The quote-request stream needs a key with the mm:quote scope; check the credential.',
				});
			}
			this.options.logger.warn(`Totalis market-maker heartbeat failed (${message}); retrying next interval`);
		}
	}
}
