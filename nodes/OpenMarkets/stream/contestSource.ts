/**
 * The REST calls of the stream (the trigger's and Contest → Watch's), and which contests it
 * follows: a fixed list, or a rule ("every contest of these leagues starting within the next N
 * hours") read from `GET /contests`, page by page, each time the rule is refreshed. Finished
 * contests drop out; the soonest-starting come first.
 */
import type { IDataObject } from 'n8n-workflow';

import type { Redactor } from '../../shared/redact';
import type { RestContext } from '../../shared/rest';
import { pathSegment } from '../../shared/pathSegment';
import { listPageSchema, MAX_PAGE_SIZE, openMarketsRequest, singleSchema, type OpenMarketsCallOptions } from '../transport';

/** The REST calls the stream makes (the trigger's, and Contest → Watch's), with the credential's base URL and a redactor. */
export class StreamRest {
	constructor(
		private readonly ctx: RestContext,
		private readonly baseUrl: string,
		private readonly redactor: Redactor,
	) {}

	async call<T>(options: Omit<OpenMarketsCallOptions<T>, 'baseUrl' | 'redactor'>) {
		return (await openMarketsRequest<T>(this.ctx, { ...options, baseUrl: this.baseUrl, redactor: this.redactor })).body;
	}

	/** A contest's full book: `{contest_id, positions: […]}`; `signal` ends its retries and waits. */
	async liquidity(contestId: string, signal?: AbortSignal): Promise<IDataObject> {
		const body = await this.call({
			method: 'GET',
			path: `/contests/${pathSegment('Contest ID', contestId)}/liquidity`,
			action: `read the liquidity of contest "${contestId}"`,
			schema: singleSchema,
			signal,
		});
		return body.data as IDataObject;
	}
}

export interface FollowRule {
	leagueIds: string[];
	/** Contests starting within this many hours from now (and those already under way). */
	withinHours: number;
}

/** Statuses that mean a contest is over: it leaves the subscription. */
const FINISHED = new Set(['final', 'finished', 'completed', 'closed', 'cancelled', 'canceled', 'postponed', 'settled', 'ended']);

/** A contest under way started earlier than now: look this far back for those still live. */
const LOOKBACK_MS = 24 * 3600_000;

/** Reads the contests a rule selects now, soonest first. */
export async function contestsOfRule(rest: StreamRest, rule: FollowRule, now = Date.now()): Promise<string[]> {
	const found: Array<{ id: string; startsAt: string }> = [];
	let cursor: string | undefined;
	do {
		const qs: IDataObject = {
			league_id: rule.leagueIds.join(','),
			starts_after: new Date(now - LOOKBACK_MS).toISOString(),
			starts_before: new Date(now + rule.withinHours * 3600_000).toISOString(),
			limit: MAX_PAGE_SIZE,
		};
		if (cursor) qs.cursor = cursor;
		const body = await rest.call({
			method: 'GET',
			path: '/contests',
			qs,
			action: 'list the contests of the follow rule',
			schema: listPageSchema,
		});
		for (const contest of body.data) {
			const status = String(contest.status ?? '').toLowerCase();
			if (typeof contest.id === 'string' && !FINISHED.has(status))
				found.push({ id: contest.id, startsAt: String(contest.starts_at ?? '') });
		}
		cursor = body.pagination?.has_more === false ? undefined : (body.pagination?.next_cursor ?? undefined);
	} while (cursor);
	found.sort((a, b) => (a.startsAt < b.startsAt ? -1 : a.startsAt > b.startsAt ? 1 : 0));
	return [...new Set(found.map((contest) => contest.id))];
}
