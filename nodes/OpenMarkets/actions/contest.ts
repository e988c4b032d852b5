/**
 * Resource "Contest": one contest, many with filters, or a bounded watch of their stream (./watch).
 * Further operations are more entries of `contestOperations.options` and `contestHandlers`.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { idListField } from '../../shared/actions/idPicker';
import { readLimit } from '../../shared/actions/paging';
import { inStartOrder, START_FIELDS, type StartWindow } from '../contestRecords';
import {
	contestIdField,
	invalid,
	optionalDate,
	pagingFields,
	readContestId,
	readIdList,
	refuse,
	type OpenMarketsSession,
	type OperationHandler,
} from './common';
import { getContest } from './contestLookup';
import { readPerLeague } from './perLeague';
import { watch, watchFields } from './watch';

export const CONTEST_STATUSES = ['scheduled', 'live', 'final', 'cancelled'];

export const contestOperations: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['contest'] } },
	options: [
		{ name: 'Get', value: 'get', action: 'Get a contest', description: 'One contest: league, participants, start and status' },
		{
			name: 'Get Many',
			value: 'getAll',
			action: 'Get many contests',
			description: 'Contests in start order, one item each, filtered by league, status and start',
		},
		// Every option is written out here: n8n's lint rules read the options as literals.
		{
			name: 'Watch',
			value: 'watch',
			action: 'Watch contests',
			description:
				'Subscribe to contests for a few seconds (or until enough updates arrive) and return the liquidity and state changes, one item each',
		},
	],
	default: 'getAll',
};

export const contestFields: INodeProperties[] = [
	contestIdField('contest', ['get'], 'The contest to read'),
	...pagingFields('contest', 'contests'),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: { show: { resource: ['contest'], operation: ['getAll'] } },
		options: [
			idListField({
				displayName: 'League IDs',
				name: 'leagueIds',
				loadOptionsMethod: 'getLeagues',
				description: 'Only contests of these leagues',
			}),
			{
				displayName: 'Starts After',
				name: 'startsAfter',
				type: 'dateTime',
				default: '',
				description: 'Only contests starting at this time or later',
			},
			{
				displayName: 'Starts Before',
				name: 'startsBefore',
				type: 'dateTime',
				default: '',
				description: 'Only contests starting before this time',
			},
			{
				displayName: 'Status',
				name: 'statuses',
				type: 'multiOptions',
				default: [],
				options: [
					{ name: 'Cancelled', value: 'cancelled' },
					{ name: 'Final', value: 'final' },
					{ name: 'Live', value: 'live' },
					{ name: 'Scheduled', value: 'scheduled' },
				],
				description: 'Only contests in one of these states. None: any state.',
			},
		],
	},
	...watchFields,
];

async function get(this: IExecuteFunctions, itemIndex: number, session: OpenMarketsSession): Promise<IDataObject> {
	return await getContest(this, session, itemIndex, readContestId(this, itemIndex));
}

/**
 * OpenMarkets documents neither the list's filters nor its order (docs/venues/openmarkets.md#undocumented-details-and-what-the-nodes-accept):
 * the node reads each league's whole list (the window sent only as a hint), keeps the window and
 * sorts by start itself, and only then applies the Limit.
 */
async function getAll(this: IExecuteFunctions, itemIndex: number, session: OpenMarketsSession): Promise<IDataObject[]> {
	const limit = readLimit(this, itemIndex);
	const filters = readContestFilters(this, itemIndex);
	const listed = await readPerLeague(this, session, itemIndex, {
		path: '/contests',
		what: 'contests',
		leagueIds: filters.leagueIds,
		qs: filters.qs,
		want: Number.POSITIVE_INFINITY,
		narrowHint: 'The node sorts and filters the contests by start itself, so it reads whole lists: narrow them with League IDs or Status.',
	});
	const { contests, withoutStart } = inStartOrder(listed, filters.window);
	if (withoutStart > 0) {
		this.logger.warn(
			`OpenMarkets: Contest → Get Many left out ${withoutStart} contest(s) without a start it can read (${START_FIELDS.join(', ')}): the start window needs one`,
		);
	}
	return contests.slice(0, Number.isFinite(limit) ? limit : undefined);
}

interface ContestFilters {
	leagueIds: string[] | undefined;
	/** Sent with every page: the statuses, and the start window as a hint. */
	qs: IDataObject;
	window: StartWindow;
}

/** The Filters collection, refused before any request when a value is wrong. */
function readContestFilters(context: IExecuteFunctions, itemIndex: number): ContestFilters {
	const filters = context.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const qs: IDataObject = {};
	const leagueIds = readIdList(context, itemIndex, filters.leagueIds, 'League IDs');
	const statuses = filters.statuses ?? [];
	if (!Array.isArray(statuses) || statuses.some((status) => !CONTEST_STATUSES.includes(status as string))) {
		throw invalid(context, itemIndex, 'Status', `some of ${CONTEST_STATUSES.join(', ')}`, statuses);
	}
	if (statuses.length > 0) qs.status = statuses.join(',');
	const after = optionalDate(context, itemIndex, filters.startsAfter, 'Starts After');
	const before = optionalDate(context, itemIndex, filters.startsBefore, 'Starts Before');
	if (after && before && after.getTime() >= before.getTime()) {
		throw refuse(context, itemIndex, 'Starts Before', `${before.toISOString()} is not after Starts After (${after.toISOString()})`);
	}
	if (after) qs.starts_after = after.toISOString();
	if (before) qs.starts_before = before.toISOString();
	return { leagueIds, qs, window: { after: after?.getTime(), before: before?.getTime() } };
}

export const contestHandlers: Record<string, OperationHandler> = { get, getAll, watch };
