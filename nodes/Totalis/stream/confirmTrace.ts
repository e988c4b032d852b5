/**
 * Stamps of each fast-path confirm, for `npm run bench:n8n`'s breakdown of where a slow confirm's
 * time went (docs/performance.md). Written as Node's debuglog writes, and only when the process was
 * started with NODE_DEBUG naming `trading-venues-confirm` (a worker thread inherits it); otherwise
 * nothing is stamped or written. Each line reads `<stage> <quoteId> <ms since the epoch, to the µs>`:
 * `read` when the confirmer gets the acceptance (the socket's message handler, same turn), `sent`
 * when the confirm request was handed to node:http (which writes it before the loop's next turn);
 * `waited <quoteId> <ms>`, only when NODE_DEBUG also names `trading-venues-cpu-wait` and where
 * Linux says, for how long the thread was ready to run but waiting for a CPU from the end of its
 * previous confirm (its outcome handled, or its stamps written) to this one's stamps (at most its
 * wait to read this acceptance: it also wakes for other frames); and `gc <kind> <start> <duration
 * ms>` for each garbage collection of the thread that traces it.
 */
import { readFileSync } from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';
import { debuglog } from 'node:util';

export const CONFIRM_TRACE_SECTION = 'trading-venues-confirm';

/** Named beside CONFIRM_TRACE_SECTION: each confirm's stamps also say how long the thread waited for a CPU. */
export const CPU_WAIT_TRACE_SECTION = 'trading-venues-cpu-wait';

export type ConfirmTraceStage = 'read' | 'sent';

const write = debuglog(CONFIRM_TRACE_SECTION);

/** True when confirms are stamped (NODE_DEBUG names the section). */
export const confirmTraceEnabled: boolean = write.enabled;

/**
 * What debuglog puts before each line. Stamps are written as debuglog would write them, without
 * its per-line formatting and colour check, and the stamps of one turn (a confirm's `read` and
 * `sent`) in one write: in a worker thread each write to stderr is a message to the main thread.
 */
const LINE_PREFIX = `${CONFIRM_TRACE_SECTION.toUpperCase()} ${process.pid}: `;

let unwritten = '';

/** The acceptance read in this turn, whose line says how long the thread waited for a CPU before it. */
let readThisTurn: string | undefined;

/**
 * How long the calling thread has waited for a CPU while ready to run, in ms, from Linux's
 * scheduler statistics (the second field of /proc/thread-self/schedstat, in ns); undefined where
 * there are none.
 */
export function threadCpuWaitMs(): number | undefined {
	try {
		const waitedNs = Number(readFileSync('/proc/thread-self/schedstat', 'latin1').split(' ')[1]);
		return Number.isFinite(waitedNs) ? waitedNs / 1e6 : undefined;
	} catch {
		return undefined;
	}
}

/**
 * Reading the scheduler's statistics twice per confirm measurably lengthened the quiet fast path's
 * tail in the bench (docs/performance.md), so it is asked for apart.
 */
const cpuWaitTraced = confirmTraceEnabled && debuglog(CPU_WAIT_TRACE_SECTION).enabled;

let cpuWaitCountedFrom = cpuWaitTraced ? threadCpuWaitMs() : undefined;

/** A confirm's outcome is handled: the thread's wait for a CPU before the next acceptance counts from here. */
export function traceConfirmDone(): void {
	if (cpuWaitTraced) cpuWaitCountedFrom = threadCpuWaitMs();
}

function writeStamps(): void {
	let lines = unwritten;
	unwritten = '';
	// Read after the turn's work, so the file read is not inside the confirm it describes.
	const cpuWait = cpuWaitTraced ? threadCpuWaitMs() : undefined;
	if (readThisTurn !== undefined && cpuWait !== undefined && cpuWaitCountedFrom !== undefined) {
		lines += `${LINE_PREFIX}waited ${readThisTurn} ${(cpuWait - cpuWaitCountedFrom).toFixed(3)}\n`;
	}
	cpuWaitCountedFrom = cpuWait;
	readThisTurn = undefined;
	process.stderr.write(lines);
}

/** A clock shared across threads and processes, finer than Date.now(). */
export function preciseNow(): number {
	return performance.timeOrigin + performance.now();
}

export function traceConfirm(stage: ConfirmTraceStage, quoteId: string): void {
	if (!confirmTraceEnabled) return;
	const line = `${LINE_PREFIX}${stage} ${quoteId} ${preciseNow().toFixed(3)}\n`;
	if (unwritten === '') queueMicrotask(writeStamps);
	unwritten += line;
	if (stage === 'read') readThisTurn = quoteId;
}

/**
 * Writes this thread's garbage-collection pauses while confirms are stamped (the fast path's
 * worker, from start to stop); returns what stops it. Nothing is observed otherwise.
 */
export function traceGarbageCollection(): () => void {
	if (!confirmTraceEnabled) return () => undefined;
	const observer = new PerformanceObserver((list) => {
		for (const entry of list.getEntries()) {
			const kind = (entry as { detail?: { kind?: number } }).detail?.kind ?? 0;
			write('gc %d %s %s', kind, (performance.timeOrigin + entry.startTime).toFixed(3), entry.duration.toFixed(3));
		}
	});
	observer.observe({ entryTypes: ['gc'] });
	return () => observer.disconnect();
}
