/**
 * The REST plumbing every venue shares: an injected fault (answered or delayed) comes before the
 * venue serves, and each call is reported exactly once with the status sent.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TimerGroup } from './clock';
import type { RestFaultQueue, RestFaultRule } from './faults';
import { pathOf, sendJson } from './http';

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
		if (fault?.status !== undefined) return hooks.answerFault(res, fault);
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
