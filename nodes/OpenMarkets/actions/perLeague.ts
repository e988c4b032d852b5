/**
 * Get Many of the lists a venue may filter by one league only (docs/venues/openmarkets.md#undocumented-details-and-what-the-nodes-accept):
 * `league_id=lg_nba,lg_nfl` can match nothing, so each league is read on its own, page by page
 * within a bound, and the lists are merged in the order the leagues were given.
 */
import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { readBoundedList } from '../boundedList';
import { listPageSchema, MAX_PAGE_SIZE, toPage } from '../transport';
import { sessionRequest, type OpenMarketsSession } from './common';

/** Pages of 100 read per league (10,000 records) before the node gives up rather than answer from part of a list. */
export const MAX_PAGES_PER_LEAGUE = 100;

export interface PerLeagueQuery {
	path: '/contests' | '/participants';
	/** What the list holds, for messages: 'contests'. */
	what: string;
	/** Undefined: one listing of every league. */
	leagueIds: string[] | undefined;
	/** The other query parameters, sent with every page. */
	qs: IDataObject;
	/** Stop once this many records are read (Infinity: the whole lists). */
	want: number;
	/** How to narrow a list longer than the bound. */
	narrowHint: string;
}

/** The records of every league asked for, in that order, each record once (by `id`). */
export async function readPerLeague(
	context: IExecuteFunctions,
	session: OpenMarketsSession,
	itemIndex: number,
	query: PerLeagueQuery,
): Promise<IDataObject[]> {
	const merged: IDataObject[] = [];
	const seen = new Set<unknown>();
	const leagues = query.leagueIds ? [...new Set(query.leagueIds)] : [undefined];
	for (const leagueId of leagues) {
		const scope = leagueId === undefined ? '' : ` of league ${leagueId}`;
		const { records, truncated } = await readBoundedList(
			async (cursor, pageSize) => {
				const qs: IDataObject = { ...query.qs, limit: pageSize };
				if (leagueId !== undefined) qs.league_id = leagueId;
				if (cursor) qs.cursor = cursor;
				const response = await sessionRequest(context, session, itemIndex, {
					method: 'GET',
					path: query.path,
					qs,
					action: `get the ${query.what}${scope}`,
					schema: listPageSchema,
				});
				return toPage(response.body);
			},
			MAX_PAGES_PER_LEAGUE,
			query.want - merged.length,
		);
		if (truncated) {
			throw new NodeOperationError(
				context.getNode(),
				`OpenMarkets lists more than ${MAX_PAGES_PER_LEAGUE * MAX_PAGE_SIZE} ${query.what}${scope}: the node stops there rather than answer from part of the list`,
				{ itemIndex, description: query.narrowHint },
			);
		}
		for (const record of records) {
			// A venue that ignored league_id would list the same records once per league.
			if (record.id !== undefined) {
				if (seen.has(record.id)) continue;
				seen.add(record.id);
			}
			merged.push(record);
		}
		if (merged.length >= query.want) break;
	}
	return merged;
}
