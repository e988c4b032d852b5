/**
 * The Totalis REST API under the venue prefix: routing, injected faults, rate limiting,
 * API-key auth, body limits and validation, then the market call.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import type { Clock, TimerGroup } from '../clock';
import { refusingAuth, type ConnectionFaultSwitches, type RestFaultQueue, type RestFaultRule } from '../faults';
import { parseJsonObject, pathOf, presentedApiKey, readBody, sendEmpty, sendJson } from '../http';
import { rateLimitHeaders, type FixedWindowRateLimiter } from '../rateLimit';
import { runRestCall } from '../restCall';
import type { TypedEvents } from '../typedEvents';
import { TotalisError, codeOfStatus, errorEnvelope } from './errors';
import { MM_QUOTE_SCOPE, type Identity, type IdentityRegistry } from './identities';
import type { Market } from './market';
import { describeZodError, submitQuoteBodySchema, withdrawQuoteBodySchema } from './protocol';
import type { TotalisSimEvents } from './simEvents';
import type { SseGateway } from './sse';

export interface RateLimits {
	/** Requests per window with a valid key (default 300). */
	withKey: number;
	/** Requests per window without one, per client address (default 100). */
	withoutKey: number;
}

export interface RestApiDeps {
	market: Market;
	identities: IdentityRegistry;
	limiter: FixedWindowRateLimiter;
	rateLimits: RateLimits;
	restFaults: RestFaultQueue;
	events: TypedEvents<TotalisSimEvents>;
	timers: TimerGroup;
	clock: Clock;
	sse: SseGateway;
	/** faults.refuseAuth: every key is refused for a while. */
	switches: ConnectionFaultSwitches;
	maxBodyBytes: number;
	onHeartbeat(identity: Identity): void;
	/** How long heartbeat answers are held (faults.holdHeartbeats); read on every heartbeat. */
	heartbeatHold: HeartbeatHold;
	/** Requests whose next quote loses a race with an update (faults.raceNextQuote). */
	quoteRaces: Set<string>;
}

/** Shared with TotalisFaults, which sets it. */
export interface HeartbeatHold {
	ms: number;
}

interface RouteContext {
	req: IncomingMessage;
	res: ServerResponse;
	identity: Identity;
	params: string[];
	body: string;
	headers: Record<string, string>;
	/** When the request reached the simulator, in ms since the epoch to the µs (performance clock). */
	arrivedAt: number;
}

/** What a handler answers: JSON with a status, an empty status, or "I already answered" (SSE). */
type Reply = { status: number; body?: unknown } | 'streaming';

interface Route {
	method: string;
	pattern: RegExp;
	/** Market-maker endpoints need the key scope mm:quote. */
	mmOnly: boolean;
	handle(ctx: RouteContext): Reply | Promise<Reply>;
}

export class RestApi {
	private readonly routes: Route[];

	constructor(private readonly deps: RestApiDeps) {
		this.routes = this.buildRoutes();
	}

	handle(req: IncomingMessage, res: ServerResponse, subPath: string): void {
		let identityForLog: Identity | undefined;
		// When the call arrived, before any injected delay: tests compare it with deadlines.
		const receivedAt = this.deps.clock.now();
		// The same on a clock finer than the market's, for the benchmarks' breakdown of a confirm's time.
		const arrivedAt = performance.timeOrigin + performance.now();
		runRestCall(req, res, subPath, {
			restFaults: this.deps.restFaults,
			timers: this.deps.timers,
			report: (method, path, status) =>
				this.deps.events.emit('rest:request', { method, path, status, mmId: identityForLog?.mmId, receivedAt }),
			answerFault: (response, fault) => this.answerFault(req, response, fault),
			serve: (method) => this.serve(req, res, method, subPath, arrivedAt, (identity) => (identityForLog = identity)),
			answerCrash: (response, error) =>
				sendJson(response, 500, errorEnvelope('INTERNAL_ERROR', error instanceof Error ? error.message : String(error))),
		});
	}

	private async serve(
		req: IncomingMessage,
		res: ServerResponse,
		method: string,
		subPath: string,
		arrivedAt: number,
		noteIdentity: (identity: Identity) => void,
	): Promise<void> {
		const { identities, limiter, rateLimits, clock, maxBodyBytes } = this.deps;
		const identity = refusingAuth(this.deps.switches, clock) ? undefined : identities.byKey(presentedApiKey(req));
		if (identity) noteIdentity(identity);

		const decision = identity
			? limiter.take(`key:${identity.apiKey}`, rateLimits.withKey)
			: limiter.take(`addr:${req.socket.remoteAddress ?? 'unknown'}`, rateLimits.withoutKey);
		const headers = rateLimitHeaders(decision);
		if (!decision.allowed) {
			const retryAfter = Math.max(1, Math.ceil((decision.resetAtMs - clock.now()) / 1000));
			return sendJson(res, 429, errorEnvelope('RATE_LIMITED', 'Rate limit exceeded', undefined, retryAfter), {
				...headers,
				'Retry-After': retryAfter,
			});
		}

		const match = this.match(method, subPath);
		if (!match) return sendJson(res, 404, errorEnvelope('NOT_FOUND', `No route for ${method} ${pathOf(req)}`), headers);
		if (!identity) {
			const message = presentedApiKey(req) ? 'Invalid API key' : 'Missing API key (X-API-Key header)';
			return sendJson(res, 401, errorEnvelope('UNAUTHORIZED', message), headers);
		}
		if (match.route.mmOnly && !identity.scopes.has(MM_QUOTE_SCOPE)) {
			return sendJson(res, 403, errorEnvelope('FORBIDDEN', `API key lacks the ${MM_QUOTE_SCOPE} scope`), headers);
		}

		const body = method === 'GET' ? { kind: 'ok' as const, text: '' } : await readBody(req, maxBodyBytes);
		if (body.kind === 'aborted') return;
		if (body.kind === 'too-large') {
			return sendJson(res, 413, errorEnvelope('PAYLOAD_TOO_LARGE', `Body exceeds ${maxBodyBytes} bytes`, { limit: maxBodyBytes }), {
				...headers,
				Connection: 'close',
			});
		}

		try {
			const reply = await match.route.handle({ req, res, identity, params: match.params, body: body.text, headers, arrivedAt });
			if (reply === 'streaming') return;
			if (reply.body === undefined) return sendEmpty(res, reply.status, headers);
			return sendJson(res, reply.status, reply.body, headers);
		} catch (error) {
			if (error instanceof TotalisError)
				return sendJson(res, error.status, errorEnvelope(error.code, error.message, error.details), headers);
			throw error;
		}
	}

	/** Like every Totalis reply, an injected fault carries the X-RateLimit-* headers (of a window it does not count in). */
	private answerFault(req: IncomingMessage, res: ServerResponse, fault: RestFaultRule): void {
		const { identities, limiter, rateLimits, clock } = this.deps;
		const status = fault.status ?? 503;
		const code = codeOfStatus(status);
		const retryAfter = fault.retryAfterSeconds ?? (status === 429 ? 1 : undefined);
		const headers: Record<string, string | number> = {};
		if (retryAfter !== undefined) headers['Retry-After'] = retryAfter;
		if (status === 429) {
			const resetAtMs = clock.now() + (retryAfter ?? 1) * 1000;
			Object.assign(headers, rateLimitHeaders({ allowed: false, limit: rateLimits.withKey, remaining: 0, resetAtMs }));
		} else {
			const identity = identities.byKey(presentedApiKey(req));
			const window = identity
				? limiter.peek(`key:${identity.apiKey}`, rateLimits.withKey)
				: limiter.peek(`addr:${req.socket.remoteAddress ?? 'unknown'}`, rateLimits.withoutKey);
			Object.assign(headers, rateLimitHeaders(window));
		}
		Object.assign(headers, fault.headers);
		sendJson(res, status, errorEnvelope(code, fault.message ?? `Injected fault: ${status} ${code}`, undefined, retryAfter), headers);
	}

	private match(method: string, subPath: string): { route: Route; params: string[] } | undefined {
		for (const route of this.routes) {
			if (route.method !== method) continue;
			const found = route.pattern.exec(subPath);
			if (found) return { route, params: found.slice(1).map((part) => decodeURIComponent(part)) };
		}
		return undefined;
	}

	private buildRoutes(): Route[] {
		const { market, sse } = this.deps;
		return [
			{
				method: 'GET',
				pattern: /^\/v1\/mm\/quote-requests\/stream\/?$/,
				mmOnly: true,
				handle: ({ req, res, identity, headers }) => {
					sse.open(req, res, identity, headers);
					return 'streaming';
				},
			},
			{
				method: 'GET',
				pattern: /^\/v1\/quote-requests\/([^/]+)\/?$/,
				mmOnly: false,
				handle: ({ params }) => ({ status: 200, body: { data: market.getQuoteRequest(params[0]) } }),
			},
			{
				method: 'POST',
				pattern: /^\/mm\/quotes\/([^/]+)\/confirm\/?$/,
				mmOnly: true,
				handle: ({ identity, params, arrivedAt }) => ({
					status: 200,
					body: { data: market.confirmQuote(identity.mmId, params[0], arrivedAt) },
				}),
			},
			{
				method: 'PUT',
				pattern: /^\/v1\/mm\/quote-requests\/([^/]+)\/quote\/?$/,
				mmOnly: true,
				handle: ({ identity, params, body }) => {
					const parsed = parseBody(body, submitQuoteBodySchema, false);
					// The request moves on while the quote is on its way: the race a market maker meets every day.
					if (this.deps.quoteRaces.delete(params[0])) market.updateQuoteRequest(params[0]);
					return { status: 200, body: { data: market.submitQuote(identity.mmId, params[0], parsed) } };
				},
			},
			{
				method: 'DELETE',
				pattern: /^\/v1\/mm\/quote-requests\/([^/]+)\/quote\/?$/,
				mmOnly: true,
				handle: ({ identity, params, body }) => {
					const parsed = parseBody(body, withdrawQuoteBodySchema, true);
					const outcome = market.withdrawQuote(identity.mmId, params[0], parsed);
					return outcome === 'withdrawn' ? { status: 204 } : { status: 200, body: { data: { status: 'already_expired' } } };
				},
			},
			{
				method: 'POST',
				pattern: /^\/v1\/mm\/heartbeat\/?$/,
				mmOnly: true,
				handle: async ({ identity }) => {
					// Counted on arrival; a held answer (faults.holdHeartbeats) does not undo the beat.
					this.deps.onHeartbeat(identity);
					const holdMs = this.deps.heartbeatHold.ms;
					if (holdMs > 0) await new Promise<void>((resolve) => this.deps.timers.after(holdMs, resolve));
					return { status: 200, body: { data: { status: 'ok', mm_id: identity.mmId, ttl_ms: 60_000 } } };
				},
			},
		];
	}
}

/** JSON-decodes and validates a body; a 400 VALIDATION_ERROR names the offending field. */
function parseBody<S extends z.ZodTypeAny>(text: string, schema: S, optional: boolean): z.infer<S> {
	if (text.trim() === '') {
		if (optional) return schema.parse({});
		throw new TotalisError('VALIDATION_ERROR', 'Body must be a JSON object', { field: '(body)' });
	}
	const json = parseJsonObject(text);
	if (!json.ok) throw new TotalisError('VALIDATION_ERROR', json.message, { field: '(body)' });
	const result = schema.safeParse(json.value);
	if (!result.success) {
		const described = describeZodError(result.error);
		throw new TotalisError('VALIDATION_ERROR', described.message, { field: described.field, issues: described.issues });
	}
	return result.data;
}
