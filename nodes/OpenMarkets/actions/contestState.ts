/** Resource "Contest State": where a contest stands (status, score, period). */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { contestIdField, readContestId, sessionRequest, type OpenMarketsSession, type OperationHandler } from './common';
import { pathSegment } from '../../shared/pathSegment';
import { singleSchema } from '../transport';

export const contestStateOperations: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['contestState'] } },
	options: [
		{
			name: 'Get',
			value: 'get',
			action: 'Get the state of a contest',
			description: 'Where a contest stands now, as OpenMarkets reports it (status, and score and period while live)',
		},
	],
	default: 'get',
};

export const contestStateFields: INodeProperties[] = [contestIdField('contestState', ['get'], 'The contest whose state to read')];

async function get(this: IExecuteFunctions, itemIndex: number, session: OpenMarketsSession): Promise<IDataObject> {
	const contestId = readContestId(this, itemIndex);
	const response = await sessionRequest(this, session, itemIndex, {
		method: 'GET',
		path: `/contests/${pathSegment('Contest ID', contestId)}/state`,
		action: `get the state of contest ${contestId}`,
		schema: singleSchema,
	});
	return response.body.data as IDataObject;
}

export const contestStateHandlers: Record<string, OperationHandler> = { get };
