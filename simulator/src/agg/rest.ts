/**
 * The agg.market REST API under `/agg` (docs/venues/agg-market.md#rest). Order: injected faults, origin (403),
 * `x-app-id` (401), route (404), the refresh call or the Bearer user token (401), then
 * validation (400) and the operation.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import type { Clock, TimerGroup } from '../clock';
import { refusingAuth, type ConnectionFaultSwitches, type PagingSwitch, type RestFaultQueue, type RestFaultRule } from '../faults';
import { parseJsonObject, readBody, sendJson } from '../http';
import type { Random } from '../random';
import { runRestCall } from '../restCall';
import type { TypedEvents } from '../typedEvents';
import { describeZodError } from '../validation';
import type { OrderBooks } from './books';
import { AggError, codeOfStatus, errorBody } from './errors';
import type { Ledger } from './ledger';
import { page } from './pagination';
import { buildQuote } from './quotes';
import { pageQuerySchema, quoteBodySchema, refreshBodySchema } from './schemas';
import type { AggSessions } from './sessions';
import type { AggSimEvents } from './simEvents';
import { originAllowed } from './websocket';

export interface AggRestDeps {
	sessions: AggSessions;
	ledger: Ledger;
	books: OrderBooks;
	restFaults: RestFaultQueue;
	/** faults.refuseAuth: refresh and user calls are refused for a while. */
	switches: ConnectionFaultSwitches;
	/** faults.misbehaveCursors: list cursors that repeat or never end. */
	paging: PagingSwitch;
	events: TypedEvents<AggSimEvents>;
	timers: TimerGroup;
	clock: Clock;
	random: Random;
	appId: string;
	allowedOrigins: readonly string[] | undefined;
	refreshPath: string;
	maxBodyBytes: number;
}

interface Reply {
	status: number;
	body: unknown;
}

interface UserCall {
	userId: string;
	query: URLSearchParams;
	body: unknown;
}

type Handler = (call: UserCall) => unknown;

export class AggRest {
	private readonly routes: Record<string, Handler>;

	constructor(private readonly deps: AggRestDeps) {
		const { ledger, books } = deps;
		const priceOf = (outcomeId: string): number => books.snapshot(outcomeId).midpoint ?? books.outcome(outcomeId).startMid;
		this.routes = {
			'GET /execution/balances': ({ userId }) => ledger.balancesView(userId, priceOf),
			'GET /execution/positions': ({ userId, query }) => {
				const { cursor, limit } = parse(pageQuerySchema, Object.fromEntries(query));
				const data = ledger.positions(userId).map((p) => ({ ...p, currentPrice: priceOf(p.outcomeId) }));
				return page(data, cursor, limit, deps.paging.cursorFault);
			},
			'GET /execution/orders': ({ userId, query }) => {
				const { cursor, limit } = parse(pageQuerySchema, Object.fromEntries(query));
				return page(ledger.orders(userId), cursor, limit, deps.paging.cursorFault);
			},
			'POST /execution/quote': ({ userId, body }) => buildQuote(parse(quoteBodySchema, body), userId, deps),
		};
	}

	handle(req: IncomingMessage, res: ServerResponse, subPath: string): void {
		let userId: string | undefined;
		runRestCall(req, res, subPath, {
			restFaults: this.deps.restFaults,
			timers: this.deps.timers,
			report: (method, path, status) => this.deps.events.emit('rest:request', { method, path, status, ...(userId ? { userId } : {}) }),
			answerFault: (response, fault) => answerFault(response, fault),
			serve: async (method) => {
				const reply = await this.serve(req, method, subPath.replace(/\/+$/, '') || '/', (who) => (userId = who));
				if (reply) sendJson(res, reply.status, reply.body);
			},
			answerCrash: (response, error) =>
				sendJson(response, 500, errorBody('INTERNAL_ERROR', error instanceof Error ? error.message : String(error))),
		});
	}

	/** undefined: the client went away while we read its body. */
	private async serve(req: IncomingMessage, method: string, path: string, noteUser: (userId: string) => void): Promise<Reply | undefined> {
		try {
			if (!originAllowed(this.deps.allowedOrigins, req.headers.origin)) throw new AggError('FORBIDDEN', 'Origin not allowed for this app');
			const appId = header(req, 'x-app-id');
			if (!appId) throw new AggError('UNAUTHORIZED', 'Missing x-app-id header');
			if (appId !== this.deps.appId) throw new AggError('UNAUTHORIZED', `Unknown app: ${appId}`);
			// Refused before reading the refresh token, which stays good for when the refusal ends.
			if (refusingAuth(this.deps.switches, this.deps.clock)) throw new AggError('UNAUTHORIZED', 'Authentication refused');
			if (method === 'POST' && path === this.deps.refreshPath) {
				const body = await this.readJson(req);
				return body === undefined ? undefined : { status: 200, body: this.refresh(body, noteUser) };
			}
			const handler = this.routes[`${method} ${path}`];
			if (!handler) throw new AggError('NOT_FOUND', `No route for ${method} ${path}`);
			const check = this.deps.sessions.check(bearerToken(req));
			if (!check.ok) {
				const message =
					check.reason === 'expired' ? 'Token expired' : check.reason === 'missing' ? 'Missing bearer token' : 'Invalid token';
				throw new AggError('UNAUTHORIZED', message);
			}
			noteUser(check.session.userId);
			let body: unknown = {};
			if (method === 'POST') {
				const read = await this.readJson(req);
				if (read === undefined) return undefined;
				body = read;
			}
			return { status: 200, body: handler({ userId: check.session.userId, query: queryOf(req), body }) };
		} catch (error) {
			if (error instanceof AggError) return { status: error.status, body: error.body };
			throw error;
		}
	}

	private refresh(body: unknown, noteUser: (userId: string) => void): unknown {
		const { refreshToken } = parse(refreshBodySchema, body);
		const pair = this.deps.sessions.refreshWith(refreshToken);
		if (!pair) throw new AggError('UNAUTHORIZED', 'Invalid refresh token');
		const userId = this.deps.sessions.check(pair.accessToken);
		if (userId.ok) {
			noteUser(userId.session.userId);
			this.deps.events.emit('token:refreshed', { userId: userId.session.userId });
		}
		return pair;
	}

	/** `{}` for an empty body; throws AggError for a body that is too large or not a JSON object. */
	private async readJson(req: IncomingMessage): Promise<unknown> {
		const body = await readBody(req, this.deps.maxBodyBytes);
		if (body.kind === 'aborted') return undefined;
		if (body.kind === 'too-large') throw new AggError('PAYLOAD_TOO_LARGE', `Body exceeds ${this.deps.maxBodyBytes} bytes`);
		if (body.text.trim() === '') return {};
		const json = parseJsonObject(body.text);
		if (!json.ok) throw new AggError('BAD_REQUEST', json.message);
		return json.value;
	}
}

/** zod parse or a 400 naming the first offending field. */
function parse<S extends z.ZodTypeAny>(schema: S, value: unknown): z.infer<S> {
	const result = schema.safeParse(value);
	if (result.success) return result.data;
	const { field, message } = describeZodError(result.error);
	throw new AggError('BAD_REQUEST', message, field);
}

function answerFault(res: ServerResponse, fault: RestFaultRule): void {
	const status = fault.status ?? 503;
	const code = codeOfStatus(status);
	const retryAfter = fault.retryAfterSeconds ?? (status === 429 ? 1 : undefined);
	sendJson(
		res,
		status,
		errorBody(code, fault.message ?? `Injected fault: ${status} ${code}`),
		retryAfter === undefined ? {} : { 'Retry-After': retryAfter },
	);
}

function header(req: IncomingMessage, name: string): string | undefined {
	const value = req.headers[name];
	return (Array.isArray(value) ? value[0] : value)?.trim() || undefined;
}

function bearerToken(req: IncomingMessage): string | undefined {
	const match = /^Bearer\s+(.+)$/i.exec(req.headers.authorization?.trim() ?? '');
	return match ? match[1].trim() : undefined;
}

function queryOf(req: IncomingMessage): URLSearchParams {
	return new URL(req.url ?? '/', 'http://simulator').searchParams;
}
