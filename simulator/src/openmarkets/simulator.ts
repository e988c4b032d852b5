/**
 * The simulated OpenMarkets behind the '/openmarkets' prefix: leagues, participants and contests
 * with each contest's liquidity across partners over REST, the liquidity and contest-state
 * stream, and the control API tests and the CLI use to drive it.
 */
import type { OpenMarketsDialect } from '../dialects';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { SystemClock, TimerGroup, type Clock } from '../clock';
import { RestFaultQueue, type PagingSwitch } from '../faults';
import { Random } from '../random';
import { rejectUpgrade, type ListeningAddress, type VenueMount } from '../server';
import { TypedEvents } from '../typedEvents';
import { Autoplay } from './autoplay';
import { Catalog, type Contest, type ContestStateChange, type ContestStatus, type League, type Participant } from './catalog';
import { wireDialect, type WireContestState, type WireDialect } from './dialect';
import { OpenMarketsFaults } from './faults';
import { ApiKeys } from './keys';
import { LiquidityBooks, type ContestLiquidity, type LiquidityChange, type PositionDepth } from './liquidity';
import { DEFAULT_API_KEY_ID, DEFAULT_ORGANIZATION_ID, resolveOpenMarketsOptions, type OpenMarketsSimOptions } from './options';
import { OpenMarketsRest, REST_BASE_PATH } from './rest';
import type { ContestStateMessage, LiquidityUpdateMessage, OpenMarketsSimEvents } from './simEvents';
import { OpenMarketsWebSocket, type OpenMarketsSwitches, type SocketSubscriptions } from './websocket';

export const OPENMARKETS_PREFIX = '/openmarkets';
const STREAM_PATH = `${REST_BASE_PATH}/stream`;
const MINUTE_MS = 60_000;
/** Autoplay's pace when `startAutoplay()` is given none. */
const DEFAULT_AUTOPLAY_MS = 1000;

export class OpenMarketsSimulator implements VenueMount {
	readonly prefix = OPENMARKETS_PREFIX;
	/** `<baseUrl>/openmarkets/flow/v1`: the REST base. */
	/** The reading of what the docs leave open this venue speaks (dialects.ts). */
	readonly dialect: OpenMarketsDialect;
	readonly restUrl: string;
	/** `ws://host:port/openmarkets/flow/v1/stream`, without the query (add `?api_key=<key>`). */
	readonly streamUrl: string;
	readonly apiKey: string;
	/** What the greeting names. */
	readonly organizationId = DEFAULT_ORGANIZATION_ID;
	readonly apiKeyId = DEFAULT_API_KEY_ID;
	readonly events = new TypedEvents<OpenMarketsSimEvents>();
	readonly faults: OpenMarketsFaults;

	private readonly wire: WireDialect;
	private readonly clock: Clock;
	private readonly timers: TimerGroup;
	private readonly catalog: Catalog;
	private readonly books: LiquidityBooks;
	private readonly moves: Random;
	private readonly websocket: OpenMarketsWebSocket;
	private readonly rest: OpenMarketsRest;
	private readonly autoplay: Autoplay;
	private closing: Promise<void> | undefined;

	constructor(endpoints: Pick<ListeningAddress, 'baseUrl' | 'wsBaseUrl'>, options: OpenMarketsSimOptions = {}) {
		const resolved = resolveOpenMarketsOptions(options);
		this.dialect = resolved.dialect;
		this.wire = wireDialect(resolved.dialect);
		this.restUrl = `${endpoints.baseUrl}${OPENMARKETS_PREFIX}${REST_BASE_PATH}`;
		this.streamUrl = `${endpoints.wsBaseUrl}${OPENMARKETS_PREFIX}${STREAM_PATH}`;
		this.apiKey = resolved.apiKey;
		this.clock = resolved.clock ?? new SystemClock();
		this.timers = new TimerGroup(this.clock);

		// Separate streams, so adding contests does not change how books move, and the reverse.
		const seed = resolved.seed;
		const stream = (salt: number): Random => new Random(seed === undefined ? undefined : seed ^ salt);
		this.catalog = new Catalog(this.clock, stream(0xca7a));
		this.books = new LiquidityBooks(stream(0xb00c));
		this.moves = stream(0x30fe);

		const keys = new ApiKeys(resolved.apiKey, this.apiKeyId, this.organizationId, this.clock);
		const switches: OpenMarketsSwitches = { silenced: false, authRejected: false, authRefusedUntil: 0, skipPongs: false };
		const restFaults = new RestFaultQueue();
		const paging: PagingSwitch = { cursorFault: undefined };
		this.websocket = new OpenMarketsWebSocket({
			keys,
			hasContest: (id) => this.catalog.has(id),
			switches,
			events: this.events,
			timers: this.timers,
			clock: this.clock,
			pingIntervalMs: resolved.pingIntervalMs,
			maxConnectionsPerKey: resolved.maxConnectionsPerKey,
			maxContestsPerConnection: resolved.maxContestsPerConnection,
		});
		this.rest = new OpenMarketsRest({
			keys,
			catalog: this.catalog,
			books: this.books,
			restFaults,
			paging,
			events: this.events,
			timers: this.timers,
			clock: this.clock,
			pageSizeMax: resolved.pageSizeMax,
			dialect: this.wire,
		});
		this.faults = new OpenMarketsFaults({ websocket: this.websocket, keys, switches, restFaults, paging });
		this.autoplay = new Autoplay({
			timers: this.timers,
			random: stream(0xa070),
			active: () => this.catalog.contests().filter((c) => c.status === 'scheduled' || c.status === 'live'),
			moveLiquidity: (id) => this.moveLiquidity(id),
			requireRefresh: (id) => this.requireRefresh(id),
			score: (id) => this.scorePoint(id),
		});

		for (const contest of this.catalog.populate(resolved.contests)) this.createBook(contest);
		if (resolved.autoplayIntervalMs !== undefined) this.startAutoplay(resolved.autoplayIntervalMs);
	}

	// ---- catalog ----

	leagues(): League[] {
		return this.catalog.leagues();
	}

	/** Every participant, or a league's. */
	participants(leagueId?: string): Participant[] {
		return this.catalog.participants().filter((p) => leagueId === undefined || p.league_id === leagueId);
	}

	/** Every contest, in the order they were added. */
	contests(): Contest[] {
		return this.catalog.contests();
	}

	contest(contestId: string): Contest {
		return this.catalog.contest(contestId) ?? unknownContest(contestId);
	}

	/** A contest (with its book) from what is given; the rest is made up: a random league and pairing, starting in an hour, scheduled. */
	addContest(partial: Partial<Contest> = {}): Contest {
		const contest = this.catalog.add(partial);
		this.createBook(contest);
		return contest;
	}

	/** `count` scheduled contests; the i-th starts `startsInMs` (default 1 h) + i minutes from now, so their order is the order added. */
	addContests(count: number, options: { league_id?: string; startsInMs?: number } = {}): Contest[] {
		const first = this.clock.now() + (options.startsInMs ?? 60 * MINUTE_MS);
		return Array.from({ length: count }, (_, i) =>
			this.addContest({ league_id: options.league_id, starts_at: new Date(first + i * MINUTE_MS).toISOString() }),
		);
	}

	/** Sets the status (and, in `extra`, score, period, clock) and sends `contest_state.update` to the contest's `contest_state` subscribers. */
	setContestStatus(contestId: string, status: ContestStatus, extra: ContestStateChange = {}): ContestStateMessage {
		this.contest(contestId);
		const state = this.wire.state(this.catalog.setStatus(contestId, status, extra));
		const message: ContestStateMessage = { type: 'contest_state.update', contest_id: contestId, state, timestamp: this.now() };
		const recipients = this.websocket.deliver('contest_state', contestId, message);
		this.events.emit('contest:state', { contestId, message, recipients });
		return message;
	}

	/** What `GET /contests/{id}/state` answers, in the venue's dialect (the variant's score is `score: {home, away}`). */
	contestState(contestId: string): WireContestState {
		return this.wire.state(this.catalog.state(contestId) ?? unknownContest(contestId));
	}

	// ---- liquidity ----

	/** The full book, as `GET /contests/{id}/liquidity` answers it. */
	liquidity(contestId: string): ContestLiquidity {
		this.contest(contestId);
		return this.books.book(contestId);
	}

	/** Per partner, levels from the best price outwards, as `GET /depth/{hash}` answers; undefined for an unknown hash. */
	depth(positionHash: string): PositionDepth | undefined {
		return this.books.depth(positionHash);
	}

	/**
	 * Applies the changes (one to three random ones, from the seed, when none are given) and sends
	 * `liquidity.update` to the contest's `liquidity` subscribers. Returns the frame sent.
	 */
	moveLiquidity(contestId: string, changes?: LiquidityChange[]): LiquidityUpdateMessage {
		this.contest(contestId);
		const changed = this.books.apply(contestId, changes ?? this.books.randomChanges(contestId));
		return this.sendLiquidity(contestId, { changed_entries: changed, refresh_required: false });
	}

	/** One partner re-sends its whole book: its entries change, and the frame says only `refresh_required: true`. */
	requireRefresh(contestId: string): LiquidityUpdateMessage {
		this.contest(contestId);
		this.books.apply(contestId, this.books.partnerRefresh(contestId));
		return this.sendLiquidity(contestId, { changed_entries: [], refresh_required: true });
	}

	// ---- sockets ----

	/** Open stream sockets. */
	connectionCount(): number {
		return this.websocket.openCount();
	}

	/** Each open socket's contest ids per channel. */
	subscriptions(): SocketSubscriptions[] {
		return this.websocket.subscriptions();
	}

	// ---- autoplay ----

	/** A liquidity move every `intervalMs` (and now and then a score of a live contest, or a refresh_required). */
	startAutoplay(intervalMs = DEFAULT_AUTOPLAY_MS): void {
		if (!(intervalMs > 0)) throw new Error('startAutoplay: intervalMs must be positive');
		this.autoplay.start(intervalMs);
	}

	stopAutoplay(): void {
		this.autoplay.stop();
	}

	get autoplaying(): boolean {
		return this.autoplay.running;
	}

	/** The payload of the next matching event; rejects after `timeoutMs` (default 5000). */
	waitFor<K extends keyof OpenMarketsSimEvents>(
		name: K,
		predicate?: (payload: OpenMarketsSimEvents[K]) => boolean,
		timeoutMs?: number,
	): Promise<OpenMarketsSimEvents[K]> {
		return this.events.waitFor(name, predicate, timeoutMs);
	}

	// ---- VenueMount ----

	handleHttp(req: IncomingMessage, res: ServerResponse, subPath: string): void {
		this.rest.handle(req, res, subPath);
	}

	handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, subPath: string): void {
		if (this.closing) return rejectUpgrade(socket, 503);
		if (subPath !== STREAM_PATH) return rejectUpgrade(socket, 404);
		this.websocket.handleUpgrade(req, socket, head);
	}

	/** Terminates every socket (faults.dropConnections()); returns how many. */
	dropConnections(): number {
		return this.faults.dropConnections();
	}

	close(): Promise<void> {
		this.closing ??= (async () => {
			this.autoplay.stop();
			this.timers.clear();
			await this.websocket.close();
			this.events.dispose('simulator closed');
		})();
		return this.closing;
	}

	// ---- internals ----

	private createBook(contest: Contest): void {
		const league = this.catalog.league(contest.league_id);
		const home = this.catalog.participant(contest.home_participant_id);
		const away = this.catalog.participant(contest.away_participant_id);
		if (!league || !home || !away) throw new Error(`contest ${contest.id} names an unknown league or participant`);
		this.books.create(contest, league, { home, away });
	}

	private sendLiquidity(
		contestId: string,
		update: Pick<LiquidityUpdateMessage, 'changed_entries' | 'refresh_required'>,
	): LiquidityUpdateMessage {
		const message: LiquidityUpdateMessage = { type: 'liquidity.update', contest_id: contestId, ...update, timestamp: this.now() };
		const recipients = this.websocket.deliver('liquidity', contestId, message);
		this.events.emit('liquidity:update', { contestId, message, recipients });
		return message;
	}

	private scorePoint(contestId: string): void {
		const state = this.catalog.state(contestId) ?? unknownContest(contestId);
		const side = this.moves.chance(0.5) ? 'home_score' : 'away_score';
		this.setContestStatus(contestId, 'live', { [side]: (state[side] ?? 0) + 1 });
	}

	private now(): string {
		return new Date(this.clock.now()).toISOString();
	}
}

function unknownContest(contestId: string): never {
	throw new Error(`unknown contest ${contestId}`);
}
