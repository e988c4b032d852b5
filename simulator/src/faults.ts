/**
 * Fault switches any venue can use. The venue decides what each switch means for its own
 * transports; this module only keeps the state.
 */
import type { Clock } from './clock';

/** Reject, delay, hold or misshape the next `times` REST calls that match. */
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
	/** The error message is this many characters long (a venue that echoes a huge input back). */
	messageBytes?: number;
	/** Never answer: the call stays open until the client leaves or the simulator closes (a hung login). */
	hold?: boolean;
	/**
	 * Send the headers (`status`, else 200) at once, then `bytesPerInterval` bytes of body every
	 * `intervalMs`, never ending: a slow-loris answer that keeps an idle-socket timeout from firing.
	 */
	slowLoris?: { bytesPerInterval: number; intervalMs: number };
	/**
	 * Answer (`status`, else 200) with a JSON body of this many bytes, written only as fast as the
	 * client reads it, so a client that stops early is seen in `streamedAnswers()`.
	 */
	bodyBytes?: number;
	/** With `bodyBytes`: send a Content-Length (default: chunked, the size unknown until the end). */
	declareLength?: boolean;
}

/**
 * List cursors gone wrong, for clients that must not page for ever. `repeat`: each page names as
 * the next cursor the one it was asked with (the first page, the cursor after its records), so a
 * client that follows it reads the same page again and again. `endless`: every page, past the
 * end too (empty there), offers a fresh next cursor.
 */
export type CursorFault = 'repeat' | 'endless';

/** The list cursors' fault, set by the venue's faults and read by its list pages. */
export interface PagingSwitch {
	cursorFault: CursorFault | undefined;
}

/** What became of a `slowLoris` or `bodyBytes` answer. */
export interface StreamedAnswer {
	method: string;
	path: string;
	kind: 'slowLoris' | 'bodyBytes';
	/** Body bytes handed to the socket. */
	bytesWritten: number;
	/** The body was sent in full. */
	finished: boolean;
	/** The connection closed before the body was sent in full (the client gave up). */
	closedEarly: boolean;
}

/** A rule must do something to the call. */
function doesSomething(rule: RestFaultRule): boolean {
	return (
		rule.status !== undefined ||
		rule.delayMs !== undefined ||
		rule.hold === true ||
		rule.slowLoris !== undefined ||
		rule.bodyBytes !== undefined
	);
}

export class RestFaultQueue {
	private readonly rules: Array<RestFaultRule & { remaining: number }> = [];
	/** Every slowLoris and bodyBytes answer so far, updated while it is written. */
	readonly streamed: StreamedAnswer[] = [];

	add(rule: RestFaultRule): void {
		const times = rule.times ?? 1;
		if (!Number.isInteger(times) || times < 1) throw new Error('failRest: times must be a positive integer');
		if (!doesSomething(rule)) throw new Error('failRest: give a status, a delayMs, hold, slowLoris or bodyBytes');
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
		this.streamed.length = 0;
	}
}

/** Connection-level switches: a venue's transports read them on every send and every auth. */
export class ConnectionFaultSwitches {
	/** Sockets and streams stay open but the server sends nothing and answers no ping. */
	silenced = false;
	/** Every authentication attempt fails. */
	authRejected = false;
	/** Every authentication fails until this time on the venue's clock (`faults.refuseAuth(durationMs)`). */
	authRefusedUntil = 0;
}

/**
 * `faults.refuseAuth(durationMs)`: the venue turns every credential away for a while, then
 * accepts them again by itself, as during an outage of its auth service or a key suspended for a
 * moment. An expiry time rather than a timer, so it follows a manual clock too.
 */
export function refuseAuthFor(switches: Pick<ConnectionFaultSwitches, 'authRefusedUntil'>, clock: Clock, durationMs: number): void {
	if (!Number.isFinite(durationMs) || durationMs < 0) throw new Error('refuseAuth: durationMs must be a number ≥ 0');
	switches.authRefusedUntil = clock.now() + durationMs;
}

/** Whether `refuseAuth` is refusing now. */
export function refusingAuth(switches: Pick<ConnectionFaultSwitches, 'authRefusedUntil'>, clock: Clock): boolean {
	return clock.now() < switches.authRefusedUntil;
}

/** Which persistent transports a fault targets. */
export type FaultTransport = 'websocket' | 'sse' | 'all';

/** ~2 MB: a malformed-frame fault above any sane client frame limit. */
export const OVERSIZED_FRAME_BYTES = 2 * 1024 * 1024;
