/**
 * The OpenMarkets REST API under `/openmarkets/flow/v1` (docs: header `X-API-Key`, envelope
 * `{data, pagination, meta}`). Order: injected faults, the key (401), route (404), query (400),
 * then the read. Everything is GET.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import type { Clock, TimerGroup } from '../clock';
import type { PagingSwitch, RestFaultQueue } from '../faults';
import { presentedApiKey, sendJson } from '../http';
import { answerFaultWith, runRestCall } from '../restCall';
import type { TypedEvents } from '../typedEvents';
import { describeZodError } from '../validation';
import type { Catalog, Contest } from './catalog';
import type { WireDialect } from './dialect';
import { OpenMarketsError, codeOfStatus, errorBody } from './errors';
import type { ApiKeys } from './keys';
import type { LiquidityBooks } from './liquidity';
import { page } from './pagination';
import { contestsQuerySchema, pageQuerySchema, participantsQuerySchema } from './schemas';
import type { OpenMarketsSimEvents } from './simEvents';

export const REST_BASE_PATH = '/flow/v1';
export const API_VERSION = 'v1';

export interface OpenMarketsRestDeps {
	keys: ApiKeys;
	catalog: Catalog;
	books: LiquidityBooks;
	restFaults: RestFaultQueue;
	/** faults.misbehaveCursors: list cursors that repeat or never end. */
	paging: PagingSwitch;
	events: TypedEvents<OpenMarketsSimEvents>;
	timers: TimerGroup;
	clock: Clock;
	pageSizeMax: number;
	/** What the chosen dialect changes on the wire. */
	dialect: WireDialect;
}

interface Route {
	pattern: RegExp;
	/** `params` are the pattern's groups, URI-decoded. */
	handle(params: string[], query: Record<string, string>): unknown;
}

export class OpenMarketsRest {
	private readonly routes: Route[];
	private readonly pageQuery: ReturnType<typeof pageQuerySchema>;

	constructor(private readonly deps: OpenMarketsRestDeps) {
		const { catalog, books, dialect } = deps;
		this.pageQuery = pageQuerySchema(deps.pageSizeMax);
		const contestOr404 = (id: string): Contest => catalog.contest(id) ?? notFound(`Unknown contest ${id}`);
		this.routes = [
			{ pattern: /^\/leagues$/, handle: (_, query) => this.list(catalog.leagues().sort(byKey((l) => l.id)), (l) => l.id, query) },
			{
				pattern: /^\/participants$/,
				handle: (_, query) => {
					const leagues = this.leagueFilter(parse(participantsQuerySchema, query).league_id, query);
					const participants = catalog.participants().filter((p) => !leagues || leagues.includes(p.league_id));
					return this.list(participants.sort(byKey((p) => p.id)), (p) => p.id, query);
				},
			},
			{ pattern: /^\/contests$/, handle: (_, query) => this.contests(query) },
			...(dialect.servesContestById
				? [{ pattern: /^\/contests\/([^/]+)$/, handle: ([id]: string[]) => this.single(dialect.contest(contestOr404(id))) }]
				: []),
			{ pattern: /^\/contests\/([^/]+)\/liquidity$/, handle: ([id]) => this.single(books.book(contestOr404(id).id)) },
			{ pattern: /^\/contests\/([^/]+)\/state$/, handle: ([id]) => this.single(dialect.state(catalog.state(contestOr404(id).id)!)) },
			{ pattern: /^\/depth\/([^/]+)$/, handle: ([hash]) => this.single(books.depth(hash) ?? notFound(`Unknown position_hash ${hash}`)) },
		];
	}

	handle(req: IncomingMessage, res: ServerResponse, subPath: string): void {
		runRestCall(req, res, subPath, {
			restFaults: this.deps.restFaults,
			timers: this.deps.timers,
			report: (method, path, status) => this.deps.events.emit('rest:request', { method, path, status }),
			answerFault: (response, fault) => answerFaultWith(response, fault, codeOfStatus, errorBody),
			serve: async (method) => {
				const reply = this.serve(req, method, subPath.replace(/\/+$/, '') || '/');
				sendJson(res, reply.status, reply.body);
			},
			answerCrash: (response, error) =>
				sendJson(response, 500, errorBody('internal_error', error instanceof Error ? error.message : String(error))),
		});
	}

	private serve(req: IncomingMessage, method: string, path: string): { status: number; body: unknown } {
		try {
			const presented = presentedApiKey(req);
			if (!presented) throw new OpenMarketsError('unauthorized', 'Missing API key: send it in the X-API-Key header');
			if (!this.deps.keys.accepts(presented)) throw new OpenMarketsError('unauthorized', 'Invalid API key');
			const found = method === 'GET' && path.startsWith(REST_BASE_PATH) ? this.match(path.slice(REST_BASE_PATH.length)) : undefined;
			if (!found) throw new OpenMarketsError('not_found', `No route for ${method} ${path}`);
			const query = Object.fromEntries(new URL(req.url ?? '/', 'http://simulator').searchParams);
			return { status: 200, body: found.route.handle(found.params, query) };
		} catch (error) {
			if (error instanceof OpenMarketsError) return { status: error.status, body: error.body };
			throw error;
		}
	}

	private match(path: string): { route: Route; params: string[] } | undefined {
		for (const route of this.routes) {
			const groups = route.pattern.exec(path);
			if (groups) return { route, params: groups.slice(1).map(decodePathSegment) };
		}
		return undefined;
	}

	/**
	 * Sorted by start, then id; filters league_id and status (comma lists) and the start window.
	 * The variant lists in id order, ignores the window and reads league_id as one ID.
	 */
	private contests(query: Record<string, string>): unknown {
		const filters = parse(contestsQuerySchema, query);
		const { dialect } = this.deps;
		const leagues = this.leagueFilter(filters.league_id, query);
		const window = dialect.filtersStartWindow ? filters : {};
		const contests = this.deps.catalog
			.contests()
			.filter((contest) => {
				const startsAt = Date.parse(contest.starts_at);
				if (leagues && !leagues.includes(contest.league_id)) return false;
				if (filters.status && !filters.status.includes(contest.status)) return false;
				if (window.starts_after !== undefined && startsAt < window.starts_after) return false;
				return window.starts_before === undefined || startsAt < window.starts_before;
			})
			.sort(byKey(dialect.contestKey));
		const listed = this.list(contests, dialect.contestKey, query);
		return { ...listed, data: listed.data.map((contest) => dialect.contest(contest)) };
	}

	/** The leagues asked for: the parsed comma list, or (variant) the whole of `league_id` as one ID. */
	private leagueFilter(list: string[] | undefined, query: Record<string, string>): string[] | undefined {
		if (this.deps.dialect.leagueIdList) return list;
		return query.league_id ? [query.league_id] : undefined;
	}

	private list<T>(items: readonly T[], keyOf: (item: T) => string, query: Record<string, string>) {
		const { cursor, limit } = parse(this.pageQuery, query);
		return { ...page(items, keyOf, cursor, limit, this.deps.paging.cursorFault), meta: this.meta() };
	}

	private single(data: unknown): unknown {
		return { data, meta: this.meta() };
	}

	private meta(): { timestamp: string; api_version: string } {
		return { timestamp: new Date(this.deps.clock.now()).toISOString(), api_version: API_VERSION };
	}
}

/** zod parse or a 400 naming the query parameter. */
function parse<S extends z.ZodTypeAny>(schema: S, value: unknown): z.infer<S> {
	const result = schema.safeParse(value);
	if (result.success) return result.data;
	const { field, message } = describeZodError(result.error);
	throw new OpenMarketsError('bad_request', message, field.split('.')[0]);
}

function decodePathSegment(segment: string): string {
	try {
		return decodeURIComponent(segment);
	} catch {
		throw new OpenMarketsError('bad_request', `Malformed path segment: ${segment}`);
	}
}

function notFound(message: string): never {
	throw new OpenMarketsError('not_found', message);
}

function byKey<T>(keyOf: (item: T) => string): (a: T, b: T) => number {
	return (a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0);
}
