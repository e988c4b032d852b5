/** Resource "Depth": one position's price levels at each partner. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { requiredText, sessionRequest, type OpenMarketsSession, type OperationHandler } from './common';
import { pathSegment } from '../../shared/pathSegment';
import { singleSchema } from '../transport';

export const depthOperations: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['depth'] } },
	options: [
		{ name: 'Get', value: 'get', action: 'Get the depth of a position', description: 'The price levels of one position at each partner' },
	],
	default: 'get',
};

export const depthFields: INodeProperties[] = [
	{
		displayName: 'Position Hash',
		name: 'positionHash',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 3f9a1c27b84d0e65',
		displayOptions: { show: { resource: ['depth'], operation: ['get'] } },
		description: 'The position_hash of a position, from Liquidity → Get',
	},
];

async function get(this: IExecuteFunctions, itemIndex: number, session: OpenMarketsSession): Promise<IDataObject> {
	const hash = requiredText(
		this,
		itemIndex,
		'positionHash',
		'Position Hash',
		'the position_hash of a position',
		"Liquidity → Get gives each position's position_hash.",
	);
	const response = await sessionRequest(this, session, itemIndex, {
		method: 'GET',
		path: `/depth/${pathSegment('Position Hash', hash)}`,
		action: `get the depth of position ${hash}`,
		schema: singleSchema,
	});
	return response.body.data as IDataObject;
}

export const depthHandlers: Record<string, OperationHandler> = { get };
