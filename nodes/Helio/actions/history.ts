/** Resource "History": past orders, positions and deals of an account, one item each. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { z } from 'zod';
import { accountPath } from '../transport';
import {
	MAX_HISTORY_LIMIT,
	boundedNumber,
	isEmpty,
	optionalDate,
	readAccountId,
	refuse,
	sessionRequest,
	type HelioSessionContext,
	type OperationHandler,
} from './common';

export const historyOperations: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['history'] } },
	options: [
		{
			name: 'Deals',
			value: 'deals',
			action: 'Get the deal history',
			description: 'The executions (fills) of the account, one item each',
		},
		{
			name: 'Orders',
			value: 'orders',
			action: 'Get the order history',
			description: 'The orders of the account, one item each',
		},
		{
			name: 'Positions',
			value: 'positions',
			action: 'Get the position history',
			description: 'The closed positions of the account, one item each',
		},
	],
	default: 'orders',
};

const show = { show: { resource: ['history'] } };

export const historyFields: INodeProperties[] = [
	{
		displayName: 'From',
		name: 'from',
		type: 'dateTime',
		default: '',
		displayOptions: show,
		description: 'Only records from this time on. Empty: as far back as Helio keeps.',
	},
	{
		displayName: 'To',
		name: 'to',
		type: 'dateTime',
		default: '',
		displayOptions: show,
		description: 'Only records up to this time. Empty: up to now.',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		default: 100,
		typeOptions: { minValue: 1, maxValue: MAX_HISTORY_LIMIT, numberPrecision: 0 },
		displayOptions: show,
		description: `Max number of results to return (at most ${MAX_HISTORY_LIMIT})`,
	},
];

const id = z.union([z.string(), z.number()]);
const record = z.object({ id }).passthrough();
type Kind = 'orders' | 'positions' | 'deals';

/** `{orders: […]}`, `{positions: […]}` or `{deals: […]}`: records with an id, other fields kept. */
function historyResponse(kind: Kind): z.ZodType<Record<string, IDataObject[]>, z.ZodTypeDef, unknown> {
	return z.object({ [kind]: z.array(record) }).passthrough() as unknown as z.ZodType<Record<string, IDataObject[]>, z.ZodTypeDef, unknown>;
}

function historyHandler(kind: Kind): OperationHandler {
	return async function (this: IExecuteFunctions, itemIndex: number, session: HelioSessionContext): Promise<IDataObject[]> {
		const accountId = readAccountId(this, itemIndex);
		const rawFrom = this.getNodeParameter('from', itemIndex, '') as unknown;
		const rawTo = this.getNodeParameter('to', itemIndex, '') as unknown;
		const from = optionalDate(this, itemIndex, rawFrom, 'From');
		const to = optionalDate(this, itemIndex, rawTo, 'To');
		if (from && to && from.getTime() > to.getTime()) {
			throw refuse(this, itemIndex, 'From', `${from.toISOString()} is after To (${to.toISOString()})`);
		}
		const rawLimit = this.getNodeParameter('limit', itemIndex, 100) as unknown;
		const limit = isEmpty(rawLimit)
			? 100
			: boundedNumber(
					this,
					itemIndex,
					rawLimit,
					'Limit',
					{ min: 1, max: MAX_HISTORY_LIMIT, whole: true },
					`a whole number from 1 to ${MAX_HISTORY_LIMIT}`,
				);
		const qs: IDataObject = { limit };
		if (from) qs.from = from.toISOString();
		if (to) qs.to = to.toISOString();
		const response = await sessionRequest(this, session, itemIndex, {
			method: 'GET',
			path: accountPath(accountId, `/${kind}/history`),
			action: `get the ${kind.replace(/s$/, '')} history of account ${accountId}`,
			qs,
			schema: historyResponse(kind),
		});
		return response.body[kind];
	};
}

export const historyHandlers: Record<string, OperationHandler> = {
	orders: historyHandler('orders'),
	positions: historyHandler('positions'),
	deals: historyHandler('deals'),
};
