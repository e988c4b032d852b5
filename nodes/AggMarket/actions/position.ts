/** Resource "Position": the user's positions across venues, one item each. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { pagingFields, readPages, type AggSessionContext, type OperationHandler } from './common';

export const positionOperations: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['position'] } },
	options: [
		{
			name: 'Get Many',
			value: 'getAll',
			action: 'Get many positions',
			description: 'The positions of the user across venues, one item each',
		},
	],
	default: 'getAll',
};

export const positionFields: INodeProperties[] = pagingFields('position', 'positions');

async function getAll(this: IExecuteFunctions, itemIndex: number, session: AggSessionContext): Promise<IDataObject[]> {
	return await readPages(this, session, itemIndex, '/execution/positions', 'get the positions');
}

export const positionHandlers: Record<string, OperationHandler> = { getAll };
