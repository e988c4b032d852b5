/**
 * The Helio REST API under `/helio/api/v1`: login, then Bearer-token calls per account
 * (docs/venues/helio.md#rest). Injected faults come first, then routing, auth (401), account ownership (403),
 * body and validation (400), then the operation.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock, TimerGroup } from '../clock';
import { refusingAuth, type ConnectionFaultSwitches, type RestFaultQueue, type RestFaultRule } from '../faults';
import { parseJsonObject, readBody, sendJson } from '../http';
import { runRestCall } from '../restCall';
import type { TypedEvents } from '../typedEvents';
import { describeZodError } from '../validation';
import type { HelioDialect } from '../dialects';
import { orderHistoryPattern } from './dialect';
import { HelioError, errorBody, typeOfStatus, validationError } from './errors';
import { HelioOperations, type Reply } from './operations';
import { loginBodySchema } from './schemas';
import type { Session, SessionStore } from './sessions';
import type { HelioSimEvents } from './simEvents';

const LOGIN_PATH = '/api/v1/login';
const ACCOUNT_PATH = /^\/api\/v1\/accounts\/([^/]+)(\/.*)$/;

export interface HelioRestDeps {
	sessions: SessionStore;
	operations: HelioOperations;
	switches: ConnectionFaultSwitches;
	restFaults: RestFaultQueue;
	events: TypedEvents<HelioSimEvents>;
	timers: TimerGroup;
	clock: Clock;
	maxBodyBytes: number;
	dialect: HelioDialect;
}

interface AccountCall {
	accountId: string;
	params: string[];
	body: unknown;
	query: URLSearchParams;
}

interface Route {
	method: string;
	/** Matched against the path after `/api/v1/accounts/{account_id}`. */
	pattern: RegExp;
	handle(call: AccountCall): Reply;
}

export class HelioRest {
	private readonly routes: Route[];

	constructor(private readonly deps: HelioRestDeps) {
		this.routes = buildRoutes(deps.operations, deps.dialect);
	}

	handle(req: IncomingMessage, res: ServerResponse, subPath: string): void {
		let email: string | undefined;
		runRestCall(req, res, subPath, {
			restFaults: this.deps.restFaults,
			timers: this.deps.timers,
			report: (method, path, status) => this.deps.events.emit('rest:request', { method, path, status, ...(email ? { email } : {}) }),
			answerFault: (response, fault) => answerFault(response, fault, subPath === LOGIN_PATH),
			serve: async (method) => {
				const reply = await this.serve(req, method, subPath, (who) => (email = who));
				if (reply) sendJson(res, reply.status, reply.body);
			},
			answerCrash: (response, error) =>
				sendJson(response, 500, errorBody('internal_error', error instanceof Error ? error.message : String(error))),
		});
	}

	/** undefined: the client went away while we read its body. */
	private async serve(
		req: IncomingMessage,
		method: string,
		subPath: string,
		noteEmail: (email: string) => void,
	): Promise<Reply | undefined> {
		if (subPath === LOGIN_PATH && method === 'POST') {
			const body = await this.readJson(req);
			if (body === undefined) return undefined;
			return HelioOperations.answer(() => this.login(body.value, body.error, noteEmail));
		}
		const match = this.match(method, subPath);
		if (!match) return notFound(method, subPath);
		const check = this.deps.sessions.check(bearerToken(req));
		if (!check.ok) {
			const message = check.reason === 'expired' ? 'token expired' : check.reason === 'missing' ? 'missing bearer token' : 'invalid token';
			return { status: 401, body: errorBody('unauthorized', message) };
		}
		noteEmail(check.session.email);
		if (!owns(check.session, match.accountId)) {
			return { status: 403, body: errorBody('forbidden', `Account ${match.accountId} does not belong to this token`) };
		}
		let body: unknown = {};
		if (method !== 'GET' && method !== 'DELETE') {
			const read = await this.readJson(req);
			if (read === undefined) return undefined;
			if (read.error) return { status: read.error.status, body: read.error.body };
			body = read.value;
		}
		const call: AccountCall = { accountId: match.accountId, params: match.params, body, query: queryOf(req) };
		return HelioOperations.answer(() => match.route.handle(call));
	}

	private login(body: unknown, bodyError: HelioError | undefined, noteEmail: (email: string) => void): Reply {
		if (bodyError) throw bodyError;
		const parsed = loginBodySchema.safeParse(body);
		if (!parsed.success) {
			const { field, message } = describeZodError(parsed.error);
			throw validationError(field, message);
		}
		const { email, password } = parsed.data;
		const { sessions, switches, events, clock } = this.deps;
		const fault = switches.authRejected ? 'rejectLogin fault' : refusingAuth(switches, clock) ? 'refuseAuth fault' : undefined;
		const user = fault ? undefined : sessions.authenticate(email, password);
		if (!user) {
			events.emit('login', { ok: false, email, reason: fault ?? 'invalid_credentials' });
			throw new HelioError('invalid_credentials', 'Invalid email or password');
		}
		noteEmail(user.email);
		const answer = sessions.issue(user);
		events.emit('login', { ok: true, email: user.email });
		return { status: 200, body: answer };
	}

	/** `{}` for an empty body; a HelioError for a body that is too large or not a JSON object. */
	private async readJson(req: IncomingMessage): Promise<{ value: unknown; error?: HelioError } | undefined> {
		const body = await readBody(req, this.deps.maxBodyBytes);
		if (body.kind === 'aborted') return undefined;
		if (body.kind === 'too-large') {
			return { value: undefined, error: new HelioError('payload_too_large', `Body exceeds ${this.deps.maxBodyBytes} bytes`) };
		}
		if (body.text.trim() === '') return { value: {} };
		const json = parseJsonObject(body.text);
		return json.ok ? { value: json.value } : { value: undefined, error: validationError(undefined, json.message) };
	}

	private match(method: string, subPath: string): { route: Route; accountId: string; params: string[] } | undefined {
		const account = ACCOUNT_PATH.exec(subPath);
		if (!account) return undefined;
		for (const route of this.routes) {
			if (route.method !== method) continue;
			const found = route.pattern.exec(account[2]);
			if (found) return { route, accountId: decodeURIComponent(account[1]), params: found.slice(1).map((p) => decodeURIComponent(p)) };
		}
		return undefined;
	}
}

function buildRoutes(operations: HelioOperations, dialect: HelioDialect): Route[] {
	return [
		{ method: 'POST', pattern: /^\/orders\/?$/, handle: ({ accountId, body }) => operations.createOrder(accountId, body) },
		{
			method: 'GET',
			pattern: orderHistoryPattern(dialect),
			handle: ({ accountId, query }) => operations.history('orders', accountId, query),
		},
		{
			method: 'PATCH',
			pattern: /^\/orders\/([^/]+)\/?$/,
			handle: ({ accountId, params, body }) => operations.amendOrder(accountId, params[0], body),
		},
		{
			method: 'DELETE',
			pattern: /^\/orders\/([^/]+)\/?$/,
			handle: ({ accountId, params }) => operations.cancelOrder(accountId, params[0]),
		},
		{ method: 'GET', pattern: /^\/positions\/?$/, handle: ({ accountId }) => operations.listPositions(accountId) },
		{
			method: 'GET',
			pattern: /^\/positions\/history\/?$/,
			handle: ({ accountId, query }) => operations.history('positions', accountId, query),
		},
		{
			method: 'POST',
			pattern: /^\/positions\/([^/]+)\/close\/?$/,
			handle: ({ accountId, params, body }) => operations.closePosition(accountId, params[0], body),
		},
		{
			method: 'PATCH',
			pattern: /^\/positions\/([^/]+)\/?$/,
			handle: ({ accountId, params, body }) => operations.amendPosition(accountId, params[0], body),
		},
		{ method: 'GET', pattern: /^\/deals\/history\/?$/, handle: ({ accountId, query }) => operations.history('deals', accountId, query) },
	];
}

function answerFault(res: ServerResponse, fault: RestFaultRule, isLogin: boolean): void {
	const status = fault.status ?? 503;
	const type = typeOfStatus(status, isLogin);
	const retryAfter = fault.retryAfterSeconds ?? (status === 429 ? 1 : undefined);
	const body = errorBody(type, fault.message ?? `Injected fault: ${status} ${type}`);
	sendJson(res, status, body, retryAfter === undefined ? {} : { 'Retry-After': retryAfter });
}

function notFound(method: string, subPath: string): Reply {
	return { status: 404, body: errorBody('not_found', `No route for ${method} ${subPath}`) };
}

function owns(session: Session, accountId: string): boolean {
	return session.accountIds.includes(accountId);
}

function bearerToken(req: IncomingMessage): string | undefined {
	const match = /^Bearer\s+(.+)$/i.exec(req.headers.authorization?.trim() ?? '');
	return match ? match[1].trim() : undefined;
}

function queryOf(req: IncomingMessage): URLSearchParams {
	return new URL(req.url ?? '/', 'http://simulator').searchParams;
}
