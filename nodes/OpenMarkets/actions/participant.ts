/** Resource "Participant": the teams of the leagues, one item each, league by league in the order given. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { idListField } from '../../shared/actions/idPicker';
import { readLimit } from '../../shared/actions/paging';
import { pagingFields, readIdList, type OpenMarketsSession, type OperationHandler } from './common';
import { readPerLeague } from './perLeague';

export const participantOperations: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['participant'] } },
	options: [
		{
			name: 'Get Many',
			value: 'getAll',
			action: 'Get many participants',
			description: 'The teams of every league or of chosen ones, one item each',
		},
	],
	default: 'getAll',
};

export const participantFields: INodeProperties[] = [
	idListField({
		displayName: 'League IDs',
		name: 'leagueIds',
		loadOptionsMethod: 'getLeagues',
		displayOptions: { show: { resource: ['participant'], operation: ['getAll'] } },
		description: 'Only the participants of these leagues (none chosen: every league)',
	}),
	...pagingFields('participant', 'participants'),
];

async function getAll(this: IExecuteFunctions, itemIndex: number, session: OpenMarketsSession): Promise<IDataObject[]> {
	const leagueIds = readIdList(this, itemIndex, this.getNodeParameter('leagueIds', itemIndex, '') as unknown, 'League IDs');
	const limit = readLimit(this, itemIndex);
	// One listing per league: a venue may read league_id as one ID (./perLeague).
	const participants = await readPerLeague(this, session, itemIndex, {
		path: '/participants',
		what: 'participants',
		leagueIds,
		qs: {},
		want: limit,
		narrowHint: 'Set a Limit, or name the leagues in League IDs.',
	});
	return participants.slice(0, Number.isFinite(limit) ? limit : undefined);
}

export const participantHandlers: Record<string, OperationHandler> = { getAll };
