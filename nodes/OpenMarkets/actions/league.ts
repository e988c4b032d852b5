/** Resource "League": the leagues OpenMarkets covers, one item each. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { pagingFields, readList, type OpenMarketsSession, type OperationHandler } from './common';

export const leagueOperations: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['league'] } },
	options: [
		{ name: 'Get Many', value: 'getAll', action: 'Get many leagues', description: 'The leagues OpenMarkets covers, one item each' },
	],
	default: 'getAll',
};

export const leagueFields: INodeProperties[] = pagingFields('league', 'leagues');

async function getAll(this: IExecuteFunctions, itemIndex: number, session: OpenMarketsSession): Promise<IDataObject[]> {
	return await readList(this, session, itemIndex, '/leagues', 'get the leagues');
}

export const leagueHandlers: Record<string, OperationHandler> = { getAll };
