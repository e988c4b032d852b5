/**
 * Which contests a follow rule selects: every contest of these leagues starting within the next
 * N hours, and those under way. OpenMarkets documents `GET /contests` but not its filters nor the
 * name of a contest's start (docs/venues/openmarkets.md#undocumented-details-and-what-the-nodes-accept),
 * so the rule asks for one league at a time, sends the start window only as a hint, and filters
 * and sorts by itself on whichever start field the contests carry.
 */
import type { IDataObject } from 'n8n-workflow';

import { readBoundedList, type BoundedList } from '../boundedList';
import { byStartThenId, contestId, contestStart } from '../contestRecords';
import { listPageSchema, toPage } from '../transport';
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

/** Reads the contests a rule selects now, soonest first. */
export async function contestsOfRule(rest: StreamRest, rule: FollowRule, now = Date.now()): Promise<RuleSelection> {
	const from = now - LOOKBACK_MS;
	const until = now + rule.withinHours * 3600_000;
	const starts = new Map<string, number>();
	const selection: RuleSelection = { contestIds: [], listed: 0, withoutStart: 0, truncated: [] };
	for (const leagueId of new Set(rule.leagueIds)) {
		const { records: contests, truncated } = await listLeague(rest, leagueId, from, until);
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
	selection.contestIds = [...starts]
		.map(([id, start]) => ({ id, start }))
		.sort(byStartThenId)
		.map(({ id }) => id);
	return selection;
}

/** One league's contests, page by page (at most MAX_PAGES_PER_LEAGUE); the window is a hint a venue may ignore. */
async function listLeague(rest: StreamRest, leagueId: string, from: number, until: number): Promise<BoundedList> {
	return await readBoundedList(async (cursor, pageSize) => {
		const qs: IDataObject = {
			league_id: leagueId,
			starts_after: new Date(from).toISOString(),
			starts_before: new Date(until).toISOString(),
			limit: pageSize,
		};
		if (cursor) qs.cursor = cursor;
		const body = await rest.call({
			method: 'GET',
			path: '/contests',
			qs,
			action: `list the contests of league ${leagueId} for the follow rule`,
			schema: listPageSchema,
		});
		return toPage(body);
	}, MAX_PAGES_PER_LEAGUE);
}
