/**
 * The fast path's own stamps of each confirm (nodes/Totalis/stream/confirmTrace.ts), read from
 * n8n's output: n8n runs with NODE_DEBUG naming their section, so the Totalis Trigger's worker
 * writes a line when its confirmer reads an acceptance and when it hands the confirm to node:http.
 * Kept per quote for one latency run at most (a bound, then the oldest go).
 */
import { CONFIRM_TRACE_SECTION, CPU_WAIT_TRACE_SECTION } from '../../../nodes/Totalis/stream/confirmTrace';
import type { TriggerStamps, WorkerGc, WorkerGcPauses } from '../../e2e/latency';

/** More than one latency run's quotes; past it the oldest are forgotten. */
const MAX_QUOTES = 20_000;

const LINE = new RegExp(`${CONFIRM_TRACE_SECTION.toUpperCase()} \\d+: (read|sent|waited) (\\S+) (\\d+(?:\\.\\d+)?)`);

const GC_LINE = new RegExp(`${CONFIRM_TRACE_SECTION.toUpperCase()} \\d+: gc (\\d+) (\\d+(?:\\.\\d+)?) (\\d+(?:\\.\\d+)?)`);

/** Node's kinds of GC (perf_hooks' NODE_PERFORMANCE_GC_*). */
const GC_KINDS: Record<number, string> = {
	1: 'scavenge',
	2: 'minor mark-sweep',
	4: 'mark-compact',
	8: 'incremental marking',
	16: 'weak callbacks',
};

/** The worker's GC pauses kept at most (a run's worth, and more). */
const MAX_PAUSES = 20_000;

/**
 * `BENCH_N8N_CPU_WAITS=1`: each slow confirm says how long its threads waited for a CPU, and each
 * latency row how late the machine woke a probe thread. Off by default: with them on, the quiet
 * fast path's p99 ran higher in every alternated pair (docs/performance.md).
 */
export const MEASURE_CPU_WAITS = process.env.BENCH_N8N_CPU_WAITS === '1';

/** What n8n's environment needs for the trigger to write its stamps. */
export const CONFIRM_TRACE_ENV = {
	NODE_DEBUG: MEASURE_CPU_WAITS ? `${CONFIRM_TRACE_SECTION},${CPU_WAIT_TRACE_SECTION}` : CONFIRM_TRACE_SECTION,
};

export class ConfirmTraces {
	private readonly quotes = new Map<string, { read?: number; sent?: number; waited?: number }>();

	/** The worker thread's GC pauses, in order: start (ms since the epoch) and duration. */
	private readonly pauses: Array<{ kind: string; start: number; ms: number }> = [];

	/** One line of n8n's output; anything but a stamp is ignored. The first stamp of each stage counts (a retry sends again). */
	readLine = (line: string): void => {
		const pause = GC_LINE.exec(line);
		if (pause) {
			this.pauses.push({ kind: GC_KINDS[Number(pause[1])] ?? `kind ${pause[1]}`, start: Number(pause[2]), ms: Number(pause[3]) });
			if (this.pauses.length > MAX_PAUSES) this.pauses.shift();
			return;
		}
		const match = LINE.exec(line);
		if (!match) return;
		const [, stage, quoteId, at] = match;
		let stamps = this.quotes.get(quoteId);
		if (!stamps) {
			stamps = {};
			this.quotes.set(quoteId, stamps);
			if (this.quotes.size > MAX_QUOTES) this.quotes.delete(this.quotes.keys().next().value as string);
		}
		stamps[stage as 'read' | 'sent' | 'waited'] ??= Number(at);
	};

	stampsOf: TriggerStamps = (quoteId) => this.quotes.get(quoteId);

	/** How long the worker thread spent in GC between `from` and `to` (ms since the epoch), and of which kinds. */
	gcBetween: WorkerGc = (from, to) => {
		let ms = 0;
		const kinds = new Set<string>();
		for (const pause of this.pauses) {
			const inside = Math.min(to, pause.start + pause.ms) - Math.max(from, pause.start);
			if (inside <= 0) continue;
			ms += inside;
			kinds.add(pause.kind);
		}
		return { ms, kinds: [...kinds] };
	};

	/** Every pause kept since `clear`, per kind: how many, how long in all, the longest. */
	gcPauses(): WorkerGcPauses {
		const byKind = new Map<string, { kind: string; count: number; totalMs: number; maxMs: number }>();
		for (const { kind, ms } of this.pauses) {
			const entry = byKind.get(kind) ?? { kind, count: 0, totalMs: 0, maxMs: 0 };
			entry.count++;
			entry.totalMs += ms;
			entry.maxMs = Math.max(entry.maxMs, ms);
			byKind.set(kind, entry);
		}
		return [...byKind.values()];
	}

	clear(): void {
		this.quotes.clear();
		this.pauses.length = 0;
	}
}
