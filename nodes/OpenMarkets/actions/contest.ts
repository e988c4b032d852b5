/**
 * Resource "Contest": one contest, many with filters, or a bounded watch of their stream (./watch).
 * Further operations are more entries of `contestOperations.options` and `contestHandlers`.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import {
	contestIdField,
	invalid,
	optionalDate,
	pagingFields,
	readContestId,
	readIdList,
	readList,
	refuse,
	type OpenMarketsSession,
	type OperationHandler,
} from './common';
import { getContest } from './contestLookup';
import { watch, watchFields, watchOperation } from './watch';

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
		watchOperation,
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
			{
				displayName: 'League IDs',
				name: 'leagueIds',
				type: 'string',
				default: '',
				placeholder: 'lg_nba, lg_nfl',
				description: 'Only contests of these leagues (IDs separated by commas; League → Get Many lists them)',
			},
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

async function getAll(this: IExecuteFunctions, itemIndex: number, session: OpenMarketsSession): Promise<IDataObject[]> {
	return await readList(this, session, itemIndex, '/contests', 'get the contests', readContestFilters(this, itemIndex));
}

/** The Filters collection as query parameters, refused before any request when a value is wrong. */
function readContestFilters(context: IExecuteFunctions, itemIndex: number): IDataObject {
	const filters = context.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const qs: IDataObject = {};
	const leagues = readIdList(context, itemIndex, filters.leagueIds, 'League IDs');
	if (leagues) qs.league_id = leagues.join(',');
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
	return qs;
}

export const contestHandlers: Record<string, OperationHandler> = { get, getAll, watch };
