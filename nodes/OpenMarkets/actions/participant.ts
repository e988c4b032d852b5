/** Resource "Participant": the teams of the leagues, one item each. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { pagingFields, readIdList, readList, type OpenMarketsSession, type OperationHandler } from './common';

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
			description: 'The teams of all leagues or of some, one item each',
		},
	],
	default: 'getAll',
};

export const participantFields: INodeProperties[] = [
	{
		displayName: 'League IDs',
		name: 'leagueIds',
		type: 'string',
		default: '',
		placeholder: 'lg_nba, lg_nfl',
		displayOptions: { show: { resource: ['participant'], operation: ['getAll'] } },
		description: 'Only the participants of these leagues (IDs separated by commas). Empty: every league.',
	},
	...pagingFields('participant', 'participants'),
];

async function getAll(this: IExecuteFunctions, itemIndex: number, session: OpenMarketsSession): Promise<IDataObject[]> {
	const leagues = readIdList(this, itemIndex, this.getNodeParameter('leagueIds', itemIndex, '') as unknown, 'League IDs');
	return await readList(this, session, itemIndex, '/participants', 'get the participants', leagues ? { league_id: leagues.join(',') } : {});
}

export const participantHandlers: Record<string, OperationHandler> = { getAll };
