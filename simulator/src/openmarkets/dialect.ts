/**
 * What the OpenMarkets dialects change (dialects.ts), in one place. `docs` is our reading of the
 * documentation; `variant` is another reading a real OpenMarkets could have made where the docs
 * are silent: `GET /contests` ignores the start window, takes one `league_id` only and lists in id
 * order; `GET /participants` takes one `league_id` too; contests carry `start_time`; `GET /contests/{id}` is not served; a contest's state
 * carries its score as `score: {home, away}`.
 */
import type { OpenMarketsDialect } from '../dialects';
import type { Contest, ContestState } from './catalog';

/** A contest as the variant sends it: `start_time` where the docs dialect has `starts_at`. */
export type VariantContest = Omit<Contest, 'starts_at'> & { start_time: string };

/** A contest's state as the variant sends it: the score as one object. */
export type VariantContestState = Omit<ContestState, 'home_score' | 'away_score'> & {
	score: { home: number | null; away: number | null };
};

/** A contest's state as either dialect sends it. */
export type WireContestState = ContestState | VariantContestState;

export interface WireDialect {
	readonly name: OpenMarketsDialect;
	/** Whether `GET /contests/{id}` is served (the variant answers 404: only the list is documented). */
	readonly servesContestById: boolean;
	/** Whether `GET /contests` applies `starts_after` / `starts_before` (the variant ignores them). */
	readonly filtersStartWindow: boolean;
	/** Whether `league_id` (contests, participants) is a comma list (the variant takes one ID: `lg_a,lg_b` matches no league). */
	readonly leagueIdList: boolean;
	/** The order (and cursor key) of `GET /contests`. */
	contestKey(contest: Contest): string;
	contest(contest: Contest): Contest | VariantContest;
	state(state: ContestState): WireContestState;
}

const DOCS: WireDialect = {
	name: 'docs',
	servesContestById: true,
	filtersStartWindow: true,
	leagueIdList: true,
	contestKey: (contest) => `${contest.starts_at}|${contest.id}`,
	contest: (contest) => contest,
	state: (state) => state,
};

const VARIANT: WireDialect = {
	name: 'variant',
	servesContestById: false,
	filtersStartWindow: false,
	leagueIdList: false,
	// Not in start order, so a client that relies on the venue's order (or on `starts_at`) shows it.
	contestKey: (contest) => contest.id,
	contest: ({ starts_at, ...rest }) => ({ ...rest, start_time: starts_at }),
	state: ({ home_score, away_score, ...rest }) => ({ ...rest, score: { home: home_score, away: away_score } }),
};

export function wireDialect(name: OpenMarketsDialect): WireDialect {
	return name === 'variant' ? VARIANT : DOCS;
}

/** The home and away score of a state in either dialect (for log lines). */
export function scoreOf(state: WireContestState): { home: number | null; away: number | null } {
	return 'score' in state ? state.score : { home: state.home_score, away: state.away_score };
}
