/**
 * Fault switches any venue can use. The venue decides what each switch means for its own
 * transports; this module only keeps the state.
 */

/** Reject or delay the next `times` REST calls that match. */
export interface RestFaultRule {
	/** HTTP method to match (any when absent). */
	method?: string;
	/** Matches a path that starts with it, either under the venue prefix ('/mm/quotes') or the full path ('/totalis/mm/quotes'). */
	pathPrefix?: string;
	/** Answer with this status and the venue's error envelope. Without it the call is only delayed, then served. */
	status?: number;
	/** How many matching calls this rule affects (default 1). */
	times?: number;
	/** For 429 (and 503): the retry hint, in seconds. */
	retryAfterSeconds?: number;
	/** Wait this long before answering (or before serving normally when no status is given). */
	delayMs?: number;
	/** Overrides the error message. */
	message?: string;
	/** Extra headers on the answer (e.g. an `X-RateLimit-Reset` far in the future); they win over the venue's own. */
	headers?: Record<string, string>;
}

export class RestFaultQueue {
	private readonly rules: Array<RestFaultRule & { remaining: number }> = [];

	add(rule: RestFaultRule): void {
		const times = rule.times ?? 1;
		if (!Number.isInteger(times) || times < 1) throw new Error('failRest: times must be a positive integer');
		if (rule.status === undefined && rule.delayMs === undefined) throw new Error('failRest: give a status, a delayMs, or both');
		this.rules.push({ ...rule, remaining: times });
	}

	/** The first rule matching this call, consuming one of its uses. */
	take(method: string, subPath: string, fullPath: string): RestFaultRule | undefined {
		const index = this.rules.findIndex(
			(rule) =>
				(!rule.method || rule.method.toUpperCase() === method.toUpperCase()) &&
				(!rule.pathPrefix || subPath.startsWith(rule.pathPrefix) || fullPath.startsWith(rule.pathPrefix)),
		);
		if (index === -1) return undefined;
		const rule = this.rules[index];
		rule.remaining -= 1;
		if (rule.remaining <= 0) this.rules.splice(index, 1);
		const { remaining: _remaining, ...plain } = rule;
		return plain;
	}

	pending(): number {
		return this.rules.reduce((sum, rule) => sum + rule.remaining, 0);
	}

	clear(): void {
		this.rules.length = 0;
	}
}

/** Connection-level switches: a venue's transports read them on every send and every auth. */
export class ConnectionFaultSwitches {
	/** Sockets and streams stay open but the server sends nothing and answers no ping. */
	silenced = false;
	/** Every authentication attempt fails. */
	authRejected = false;
}

/** Which persistent transports a fault targets. */
export type FaultTransport = 'websocket' | 'sse' | 'all';

/** ~2 MB: a malformed-frame fault above any sane client frame limit. */
export const OVERSIZED_FRAME_BYTES = 2 * 1024 * 1024;
