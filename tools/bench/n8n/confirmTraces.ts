/**
 * The fast path's own stamps of each confirm (nodes/Totalis/stream/confirmTrace.ts), read from
 * n8n's output: n8n runs with NODE_DEBUG naming their section, so the Totalis Trigger's worker
 * writes a line when its confirmer reads an acceptance and when it hands the confirm to node:http.
 * Kept per quote for one latency run at most (a bound, then the oldest go).
 */
import { CONFIRM_TRACE_SECTION } from '../../../nodes/Totalis/stream/confirmTrace';
import type { TriggerStamps } from '../../e2e/latency';

/** More than one latency run's quotes; past it the oldest are forgotten. */
const MAX_QUOTES = 20_000;

const LINE = new RegExp(`${CONFIRM_TRACE_SECTION.toUpperCase()} \\d+: (read|sent) (\\S+) (\\d+(?:\\.\\d+)?)`);

/** What n8n's environment needs for the trigger to write its stamps. */
export const CONFIRM_TRACE_ENV = { NODE_DEBUG: CONFIRM_TRACE_SECTION };

export class ConfirmTraces {
	private readonly quotes = new Map<string, { read?: number; sent?: number }>();

	/** One line of n8n's output; anything but a stamp is ignored. The first stamp of each stage counts (a retry sends again). */
	readLine = (line: string): void => {
		const match = LINE.exec(line);
		if (!match) return;
		const [, stage, quoteId, at] = match;
		let stamps = this.quotes.get(quoteId);
		if (!stamps) {
			stamps = {};
			this.quotes.set(quoteId, stamps);
			if (this.quotes.size > MAX_QUOTES) this.quotes.delete(this.quotes.keys().next().value as string);
		}
		stamps[stage as 'read' | 'sent'] ??= Number(at);
	};

	stampsOf: TriggerStamps = (quoteId) => this.quotes.get(quoteId);

	clear(): void {
		this.quotes.clear();
	}
}
