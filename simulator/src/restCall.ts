/**
 * The REST plumbing every venue shares: an injected fault (answered, delayed, held or misshaped)
 * comes before the venue serves, and each call is reported exactly once with the status sent.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TimerGroup } from './clock';
import type { RestFaultQueue, RestFaultRule, StreamedAnswer } from './faults';
import { pathOf, sendJson } from './http';

/** How much of a `bodyBytes` answer is handed to the socket at a time. */
const BODY_CHUNK_BYTES = 64 * 1024;

export interface RestCallHooks {
	restFaults: RestFaultQueue;
	timers: TimerGroup;
	/** Once per call, when the answer went out; status 0 = the client left before any answer. */
	report(method: string, fullPath: string, status: number): void;
	/** Answers an injected fault that carries a status, in the venue's error envelope. */
	answerFault(res: ServerResponse, fault: RestFaultRule): void;
	/** Serves the call normally. */
	serve(method: string): Promise<void>;
	/** Answers when serve() threw something the venue did not map (a bug): a 500 in its envelope. */
	answerCrash(res: ServerResponse, error: unknown): void;
}

export function runRestCall(req: IncomingMessage, res: ServerResponse, subPath: string, hooks: RestCallHooks): void {
	const method = (req.method ?? 'GET').toUpperCase();
	const fullPath = pathOf(req);
	let reported = false;
	const report = (): void => {
		if (reported) return;
		reported = true;
		hooks.report(method, fullPath, res.headersSent ? res.statusCode : 0);
	};
	res.on('finish', report);
	res.on('close', report);

	const fault = hooks.restFaults.take(method, subPath, fullPath);
	const serve = (): void => {
		if (res.destroyed) return;
		// A held call is left open: only the client leaving (or the simulator closing) ends it.
		if (fault?.hold) return;
		if (fault?.slowLoris) return dribble(res, fault.slowLoris, fault.status, hooks, record(hooks, method, fullPath, 'slowLoris', res));
		if (fault?.bodyBytes !== undefined) return pour(res, fault, record(hooks, method, fullPath, 'bodyBytes', res));
		if (fault?.status !== undefined) {
			const message = fault.messageBytes === undefined ? fault.message : hugeMessage(fault.messageBytes);
			return hooks.answerFault(res, { ...fault, message });
		}
		hooks.serve(method).catch((error: unknown) => hooks.answerCrash(res, error));
	};
	if (fault?.delayMs) hooks.timers.after(fault.delayMs, serve);
	else serve();
}

/**
 * The answer of an injected fault that carries a status (503 when it gives none), in the venue's
 * envelope: a 429 tells the client to retry after 1 s unless the rule says otherwise.
 */
export function answerFaultWith<C extends string>(
	res: ServerResponse,
	fault: RestFaultRule,
	codeOfStatus: (status: number) => C,
	body: (code: C, message: string) => unknown,
): void {
	const status = fault.status ?? 503;
	const code = codeOfStatus(status);
	const retryAfter = fault.retryAfterSeconds ?? (status === 429 ? 1 : undefined);
	sendJson(res, status, body(code, fault.message ?? `Injected fault: ${status} ${code}`), {
		...(retryAfter === undefined ? {} : { 'Retry-After': retryAfter }),
		...fault.headers,
	});
}

/** Keeps what a streamed answer did up to date in the fault queue (closedEarly once the socket goes). */
function record(hooks: RestCallHooks, method: string, path: string, kind: StreamedAnswer['kind'], res: ServerResponse): StreamedAnswer {
	const answer: StreamedAnswer = { method, path, kind, bytesWritten: 0, finished: false, closedEarly: false };
	hooks.restFaults.streamed.push(answer);
	res.on('close', () => {
		if (!answer.finished) answer.closedEarly = true;
	});
	return answer;
}

/** Headers at once, then a few bytes of JSON whitespace per interval, forever. */
function dribble(
	res: ServerResponse,
	rate: { bytesPerInterval: number; intervalMs: number },
	status: number | undefined,
	hooks: RestCallHooks,
	answer: StreamedAnswer,
): void {
	res.writeHead(status ?? 200, { 'Content-Type': 'application/json; charset=utf-8' });
	res.flushHeaders();
	const drip = ' '.repeat(Math.max(1, rate.bytesPerInterval));
	const timer = hooks.timers.every(rate.intervalMs, () => {
		if (res.destroyed) return;
		res.write(drip);
		answer.bytesWritten += drip.length;
	});
	res.on('close', () => hooks.timers.cancel(timer));
}

/** A JSON body of `bodyBytes` bytes, written as the client reads it. */
function pour(res: ServerResponse, fault: RestFaultRule, answer: StreamedAnswer): void {
	const head = Buffer.from('{"padding":"');
	const tail = Buffer.from('"}');
	const total = Math.max(head.length + tail.length, fault.bodyBytes ?? 0);
	let padding = total - head.length - tail.length;
	const chunk = Buffer.alloc(Math.min(BODY_CHUNK_BYTES, Math.max(1, padding)), 'x');
	res.writeHead(fault.status ?? 200, {
		'Content-Type': 'application/json; charset=utf-8',
		...(fault.declareLength ? { 'Content-Length': total } : {}),
	});
	const write = (data: Buffer): boolean => {
		answer.bytesWritten += data.length;
		return res.write(data);
	};
	write(head);
	const more = (): void => {
		while (padding > 0 && !res.destroyed) {
			const part = padding >= chunk.length ? chunk : chunk.subarray(0, padding);
			padding -= part.length;
			if (!write(part)) {
				res.once('drain', more);
				return;
			}
		}
		if (res.destroyed) return;
		write(tail);
		res.end(() => {
			answer.finished = true;
		});
	};
	more();
}

/** An error message of `bytes` characters, saying what it is at the start. */
function hugeMessage(bytes: number): string {
	const lead = `Injected fault: a ${bytes}-character message. `;
	return bytes <= lead.length ? lead.slice(0, bytes) : lead + 'm'.repeat(bytes - lead.length);
}
