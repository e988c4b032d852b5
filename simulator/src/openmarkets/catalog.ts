/**
 * What OpenMarkets lists: leagues, their participants (teams), and contests between two of them,
 * each with its live state. Pure state on a clock: no sockets, no timers.
 */
import type { Clock } from '../clock';
import type { Random } from '../random';

export const CONTEST_STATUSES = ['scheduled', 'live', 'final', 'cancelled'] as const;
export type ContestStatus = (typeof CONTEST_STATUSES)[number];

export interface League {
	id: string;
	name: string;
	sport: string;
	/** Soccer has a draw side in its moneyline. */
	has_draw: boolean;
}

export interface Participant {
	id: string;
	league_id: string;
	name: string;
	abbreviation: string;
}

export interface Contest {
	id: string;
	league_id: string;
	title: string;
	home_participant_id: string;
	away_participant_id: string;
	/** ISO 8601. */
	starts_at: string;
	status: ContestStatus;
}

/** The payload of `GET /contests/{id}/state` and of `contest_state.update` [inferred: the docs do not describe it]. */
export interface ContestState {
	contest_id: string;
	status: ContestStatus;
	period: string | null;
	clock: string | null;
	home_score: number | null;
	away_score: number | null;
	/** ISO 8601: the last change. */
	updated_at: string;
}

/** What `setContestStatus` may change besides the status. */
export type ContestStateChange = Partial<Pick<ContestState, 'period' | 'clock' | 'home_score' | 'away_score'>>;

const TEAMS: Record<string, { league: Omit<League, 'id'>; teams: Array<[string, string]> }> = {
	nba: {
		league: { name: 'NBA', sport: 'basketball', has_draw: false },
		teams: [
			['BOS', 'Boston Celtics'],
			['LAL', 'Los Angeles Lakers'],
			['DEN', 'Denver Nuggets'],
			['MIA', 'Miami Heat'],
			['GSW', 'Golden State Warriors'],
			['NYK', 'New York Knicks'],
			['DAL', 'Dallas Mavericks'],
			['MIL', 'Milwaukee Bucks'],
		],
	},
	nfl: {
		league: { name: 'NFL', sport: 'american_football', has_draw: false },
		teams: [
			['KC', 'Kansas City Chiefs'],
			['PHI', 'Philadelphia Eagles'],
			['SF', 'San Francisco 49ers'],
			['BUF', 'Buffalo Bills'],
			['DAL', 'Dallas Cowboys'],
			['BAL', 'Baltimore Ravens'],
			['DET', 'Detroit Lions'],
			['GB', 'Green Bay Packers'],
		],
	},
	nhl: {
		league: { name: 'NHL', sport: 'ice_hockey', has_draw: false },
		teams: [
			['TOR', 'Toronto Maple Leafs'],
			['EDM', 'Edmonton Oilers'],
			['NYR', 'New York Rangers'],
			['FLA', 'Florida Panthers'],
			['COL', 'Colorado Avalanche'],
			['VGK', 'Vegas Golden Knights'],
			['BOS', 'Boston Bruins'],
			['DAL', 'Dallas Stars'],
		],
	},
	epl: {
		league: { name: 'EPL', sport: 'soccer', has_draw: true },
		teams: [
			['ARS', 'Arsenal'],
			['MCI', 'Manchester City'],
			['LIV', 'Liverpool'],
			['CHE', 'Chelsea'],
			['MUN', 'Manchester United'],
			['TOT', 'Tottenham Hotspur'],
			['NEW', 'Newcastle United'],
			['AVL', 'Aston Villa'],
		],
	},
};

const HOUR_MS = 3_600_000;
/** The default catalog's contests start from 3 h ago to 72 h ahead. */
const FIRST_START_MS = -3 * HOUR_MS;
const LAST_START_MS = 72 * HOUR_MS;
const FIVE_MINUTES_MS = 300_000;

export class Catalog {
	private readonly leagueList: League[] = [];
	private readonly participantList: Participant[] = [];
	private readonly contestsById = new Map<string, Contest>();
	private readonly states = new Map<string, ContestState>();

	constructor(
		private readonly clock: Clock,
		private readonly random: Random,
	) {
		for (const [slug, { league, teams }] of Object.entries(TEAMS)) {
			const leagueId = `lg_${slug}`;
			this.leagueList.push({ id: leagueId, ...league });
			for (const [abbreviation, name] of teams) {
				this.participantList.push({ id: `pt_${slug}_${abbreviation.toLowerCase()}`, league_id: leagueId, name, abbreviation });
			}
		}
	}

	/** `count` contests, the leagues in turn, evenly from -3 h to +72 h; those already started are live. */
	populate(count: number): Contest[] {
		const now = this.clock.now();
		const step = count > 1 ? (LAST_START_MS - FIRST_START_MS) / (count - 1) : 0;
		const added: Contest[] = [];
		for (let i = 0; i < count; i++) {
			const offset = Math.round((FIRST_START_MS + i * step) / FIVE_MINUTES_MS) * FIVE_MINUTES_MS;
			const league = this.leagueList[i % this.leagueList.length];
			added.push(
				this.add({ league_id: league.id, starts_at: new Date(now + offset).toISOString(), status: offset <= 0 ? 'live' : 'scheduled' }),
			);
		}
		return added;
	}

	/** A contest from what is given; the rest is made up (two participants of the league, a start an hour ahead). */
	add(partial: Partial<Contest> = {}): Contest {
		const league = this.league(partial.league_id ?? this.random.pick(this.leagueList).id);
		if (!league) throw new Error(`addContest: unknown league ${partial.league_id}`);
		const teams = this.participantList.filter((p) => p.league_id === league.id);
		const [home, away] = this.pickPair(teams, partial.home_participant_id, partial.away_participant_id);
		const id = partial.id ?? this.newContestId();
		if (this.contestsById.has(id)) throw new Error(`addContest: contest ${id} exists already`);
		const startsAt = partial.starts_at ?? new Date(this.clock.now() + HOUR_MS).toISOString();
		if (Number.isNaN(Date.parse(startsAt))) throw new Error(`addContest: starts_at ${startsAt} is not a date`);
		const status = partial.status ?? 'scheduled';
		if (!CONTEST_STATUSES.includes(status)) throw new Error(`addContest: unknown status ${status}`);
		const contest: Contest = {
			id,
			league_id: league.id,
			title: partial.title ?? `${away.name} @ ${home.name}`,
			home_participant_id: home.id,
			away_participant_id: away.id,
			starts_at: new Date(Date.parse(startsAt)).toISOString(),
			status,
		};
		this.contestsById.set(id, contest);
		this.states.set(id, this.initialState(contest));
		return { ...contest };
	}

	/** Sets the status (and score, period, clock); returns the new state. */
	setStatus(contestId: string, status: ContestStatus, change: ContestStateChange = {}): ContestState {
		const contest = this.contestsById.get(contestId);
		const state = this.states.get(contestId);
		if (!contest || !state) throw new Error(`setContestStatus: unknown contest ${contestId}`);
		if (!CONTEST_STATUSES.includes(status)) throw new Error(`setContestStatus: unknown status ${status}`);
		contest.status = status;
		// Going live starts the score at 0–0 unless one is given.
		const started = status === 'live' && state.home_score === null;
		Object.assign(state, {
			status,
			...(started ? { period: '1', clock: null, home_score: 0, away_score: 0 } : {}),
			...change,
			updated_at: new Date(this.clock.now()).toISOString(),
		});
		return { ...state };
	}

	leagues(): League[] {
		return this.leagueList.map((league) => ({ ...league }));
	}

	league(id: string): League | undefined {
		const league = this.leagueList.find((l) => l.id === id);
		return league && { ...league };
	}

	participants(): Participant[] {
		return this.participantList.map((participant) => ({ ...participant }));
	}

	participant(id: string): Participant | undefined {
		const participant = this.participantList.find((p) => p.id === id);
		return participant && { ...participant };
	}

	/** Every contest in the order they were added. */
	contests(): Contest[] {
		return [...this.contestsById.values()].map((contest) => ({ ...contest }));
	}

	contest(id: string): Contest | undefined {
		const contest = this.contestsById.get(id);
		return contest && { ...contest };
	}

	has(id: string): boolean {
		return this.contestsById.has(id);
	}

	state(id: string): ContestState | undefined {
		const state = this.states.get(id);
		return state && { ...state };
	}

	private initialState(contest: Contest): ContestState {
		const live = contest.status === 'live';
		return {
			contest_id: contest.id,
			status: contest.status,
			period: live ? '1' : null,
			clock: null,
			home_score: live ? 0 : null,
			away_score: live ? 0 : null,
			updated_at: new Date(this.clock.now()).toISOString(),
		};
	}

	private pickPair(teams: Participant[], homeId?: string, awayId?: string): [Participant, Participant] {
		const find = (id: string): Participant => {
			const found = teams.find((p) => p.id === id);
			if (!found) throw new Error(`addContest: participant ${id} is not in the league`);
			return found;
		};
		const home = homeId ? find(homeId) : this.random.pick(teams.filter((p) => p.id !== awayId));
		const away = awayId ? find(awayId) : this.random.pick(teams.filter((p) => p.id !== home.id));
		if (home.id === away.id) throw new Error('addContest: home and away must differ');
		return [home, away];
	}

	private newContestId(): string {
		for (;;) {
			const id = `ct_${this.random.hex(10)}`;
			if (!this.contestsById.has(id)) return id;
		}
	}
}
