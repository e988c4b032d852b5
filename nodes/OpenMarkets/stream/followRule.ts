/**
 * Which contests a follow rule selects: every contest of these leagues starting within the next
 * N hours, and those under way. OpenMarkets documents `GET /contests` but not its filters nor the
 * name of a contest's start (docs/venues/openmarkets.md#undocumented-details-and-what-the-nodes-accept),
 * so the rule asks for one league at a time, sends the start window only as a hint, and filters
 * and sorts by itself on whichever start field the contests carry.
 */
import type { IDataObject } from 'n8n-workflow';

import { listPageSchema, MAX_PAGE_SIZE } from '../transport';
import type { StreamRest } from './contestSource';

export interface FollowRule {
	leagueIds: string[];
	/** Contests starting within this many hours from now (and those already under way). */
	withinHours: number;
}

/** What one reading of the rule found. */
export interface RuleSelection {
	/** The contests to follow, soonest first. */
	contestIds: string[];
	/** How many contests OpenMarkets listed for the leagues, before the trigger's own filter. */
	listed: number;
	/** Listed contests left out because they carry no start the trigger can read. */
	withoutStart: number;
	/** Leagues whose listing was cut at MAX_PAGES_PER_LEAGUE. */
	truncated: string[];
}

/** Statuses that mean a contest is over: it leaves the subscription. */
const FINISHED = new Set(['final', 'finished', 'completed', 'closed', 'cancelled', 'canceled', 'postponed', 'settled', 'ended']);

/** A contest under way started earlier than now: look this far back for those still live. */
export const LOOKBACK_MS = 24 * 3600_000;

/** A venue that ignores the window lists every contest of a league: stop after this many pages of 100. */
export const MAX_PAGES_PER_LEAGUE = 50;

/** The names a contest's start may go by (the docs name none). */
const START_FIELDS = ['starts_at', 'start_time', 'startsAt', 'startTime'];

/** When a contest starts, in ms since the epoch: an ISO date, or epoch seconds or milliseconds, under any START_FIELDS name. */
export function contestStart(contest: IDataObject): number | undefined {
	for (const field of START_FIELDS) {
		const value = contest[field];
		if (typeof value === 'string' && value.trim() !== '') {
			const ms = Date.parse(value);
			if (!Number.isNaN(ms)) return ms;
		}
		// Below 10^12 it can only be seconds (10^12 ms is 2001).
		if (typeof value === 'number' && Number.isFinite(value)) return value < 1e12 ? value * 1000 : value;
	}
	return undefined;
}

/** A contest's ID: `id`, or `contest_id` as stream messages name it. */
function contestId(contest: IDataObject): string | undefined {
	const id = contest.id ?? contest.contest_id;
	return typeof id === 'string' && id !== '' ? id : undefined;
}

/** Reads the contests a rule selects now, soonest first. */
export async function contestsOfRule(rest: StreamRest, rule: FollowRule, now = Date.now()): Promise<RuleSelection> {
	const from = now - LOOKBACK_MS;
	const until = now + rule.withinHours * 3600_000;
	const starts = new Map<string, number>();
	const selection: RuleSelection = { contestIds: [], listed: 0, withoutStart: 0, truncated: [] };
	for (const leagueId of new Set(rule.leagueIds)) {
		const { contests, truncated } = await listLeague(rest, leagueId, from, until);
		if (truncated) selection.truncated.push(leagueId);
		selection.listed += contests.length;
		for (const contest of contests) {
			const id = contestId(contest);
			if (id === undefined || FINISHED.has(String(contest.status ?? '').toLowerCase())) continue;
			const start = contestStart(contest);
			if (start === undefined) selection.withoutStart++;
			else if (start >= from && start < until) starts.set(id, start);
		}
	}
	selection.contestIds = [...starts].sort(([a, startA], [b, startB]) => startA - startB || (a < b ? -1 : a > b ? 1 : 0)).map(([id]) => id);
	return selection;
}

/** One league's contests, page by page (at most MAX_PAGES_PER_LEAGUE); the window is a hint a venue may ignore. */
async function listLeague(
	rest: StreamRest,
	leagueId: string,
	from: number,
	until: number,
): Promise<{ contests: IDataObject[]; truncated: boolean }> {
	const contests: IDataObject[] = [];
	const seen = new Set<string>();
	let cursor: string | undefined;
	for (let page = 0; page < MAX_PAGES_PER_LEAGUE; page++) {
		const qs: IDataObject = {
			league_id: leagueId,
			starts_after: new Date(from).toISOString(),
			starts_before: new Date(until).toISOString(),
			limit: MAX_PAGE_SIZE,
		};
		if (cursor) qs.cursor = cursor;
		const body = await rest.call({
			method: 'GET',
			path: '/contests',
			qs,
			action: `list the contests of league ${leagueId} for the follow rule`,
			schema: listPageSchema,
		});
		contests.push(...(body.data as IDataObject[]));
		cursor = body.pagination?.has_more === false ? undefined : (body.pagination?.next_cursor ?? undefined);
		// A cursor handed out twice would loop for ever.
		if (!cursor || seen.has(cursor)) return { contests, truncated: false };
		seen.add(cursor);
	}
	return { contests, truncated: true };
}
