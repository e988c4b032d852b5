/**
 * Stamps of each fast-path confirm, for `npm run bench:n8n`'s breakdown of where a slow confirm's
 * time went (docs/performance.md). Written with Node's own debuglog, so only when the process was
 * started with NODE_DEBUG naming `trading-venues-confirm` (a worker thread inherits it); otherwise
 * nothing is stamped or written. Each line reads `<stage> <quoteId> <ms since the epoch, to the µs>`:
 * `read` when the confirmer gets the acceptance (the socket's message handler, same turn), `sent`
 * when the confirm request was handed to node:http (which writes it before the loop's next turn).
 */
import { debuglog } from 'node:util';

export const CONFIRM_TRACE_SECTION = 'trading-venues-confirm';

export type ConfirmTraceStage = 'read' | 'sent';

const write = debuglog(CONFIRM_TRACE_SECTION);

/** True when confirms are stamped (NODE_DEBUG names the section). */
export const confirmTraceEnabled: boolean = write.enabled;

/** A clock shared across threads and processes, finer than Date.now(). */
export function preciseNow(): number {
	return performance.timeOrigin + performance.now();
}

export function traceConfirm(stage: ConfirmTraceStage, quoteId: string): void {
	if (confirmTraceEnabled) write('%s %s %s', stage, quoteId, preciseNow().toFixed(3));
}
