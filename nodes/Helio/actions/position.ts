/** Resource "Position": list the open positions of an account, close one (or part of it), amend its stop loss and take profit. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { pathSegment } from '../../shared/pathSegment';
import { accountPath } from '../transport';
import { positionOf, positionReply, positionsOf, positionsReply, withId } from './records';
import {
	MAX_VOLUME,
	isEmpty,
	priceOf,
	readAccountId,
	refuse,
	requiredText,
	sessionRequest,
	volumeOf,
	type HelioSessionContext,
	type OperationHandler,
} from './common';

const forOperations = (...operation: string[]) => ({ show: { resource: ['position'], operation } });

export const positionOperations: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['position'] } },
	options: [
		{
			name: 'Amend',
			value: 'amend',
			action: 'Amend the stop loss or take profit of a position',
			description: 'Set a new stop loss and/or take profit price on an open position',
		},
		{
			name: 'Close',
			value: 'close',
			action: 'Close a position',
			description: 'Close an open position, or part of its volume',
		},
		{
			name: 'Get Many',
			value: 'getAll',
			action: 'Get many open positions',
			description: 'List the open positions of an account, one item each',
		},
	],
	default: 'getAll',
};

const POSITION_ID_HINT = 'The ID from Position → Get Many, or a position ID from a portfolioEvent of the Helio Trigger.';

export const positionFields: INodeProperties[] = [
	{
		displayName: 'Position ID',
		name: 'positionId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 7001',
		displayOptions: forOperations('close', 'amend'),
		description: POSITION_ID_HINT,
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: forOperations('close'),
		options: [
			{
				displayName: 'Volume (Lots)',
				name: 'volume',
				type: 'number',
				default: 0.01,
				typeOptions: { minValue: 0.01, maxValue: MAX_VOLUME, numberPrecision: 2 },
				description: `Close only this much of the position, in lots (0.01 to ${MAX_VOLUME}). Without it, the whole position is closed.`,
			},
		],
	},
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		// Required: an amend with nothing in it is refused, so the panel marks it until a field is added.
		required: true,
		placeholder: 'Add Field',
		default: {},
		displayOptions: forOperations('amend'),
		description: 'What to change; at least one field',
		options: [
			{
				displayName: 'Stop Loss Price',
				name: 'stopLossPrice',
				type: 'number',
				// Empty (nothing to change) rather than 0, which is no price.
				default: null,
				typeOptions: { minValue: 0, numberPrecision: 5 },
				description: 'The new stop loss price of the position',
			},
			{
				displayName: 'Take Profit Price',
				name: 'takeProfitPrice',
				type: 'number',
				// Empty (nothing to change) rather than 0, which is no price.
				default: null,
				typeOptions: { minValue: 0, numberPrecision: 5 },
				description: 'The new take profit price of the position',
			},
		],
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: forOperations('getAll'),
		options: [
			{
				displayName: 'Symbol',
				name: 'symbol',
				type: 'string',
				default: '',
				placeholder: 'e.g. EURUSD',
				description: 'Only the positions in this symbol',
			},
		],
	},
];

function notFound(accountId: string, positionId: string) {
	return (_error: unknown, status: number) => {
		if (status === 404) return { description: `Account ${accountId} has no open position ${positionId} (it may be closed already).` };
		if (status === 409) return { description: 'The position is no longer open.' };
		return undefined;
	};
}

async function getAll(this: IExecuteFunctions, itemIndex: number, session: HelioSessionContext): Promise<IDataObject[]> {
	const accountId = readAccountId(this, itemIndex);
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const symbol = typeof filters.symbol === 'string' ? filters.symbol.trim() : '';
	const response = await sessionRequest(this, session, itemIndex, {
		method: 'GET',
		path: accountPath(accountId, '/positions'),
		action: `get the open positions of account ${accountId}`,
		schema: positionsReply,
	});
	const positions = positionsOf(response.body);
	return symbol ? positions.filter((position) => (position.symbol_id ?? position.symbol) === symbol) : positions;
}

async function close(this: IExecuteFunctions, itemIndex: number, session: HelioSessionContext): Promise<IDataObject> {
	const accountId = readAccountId(this, itemIndex);
	const positionId = requiredText(this, itemIndex, 'positionId', 'Position ID', 'the ID of an open position', POSITION_ID_HINT);
	const additional = this.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;
	const body: IDataObject = {};
	if (!isEmpty(additional.volume)) body.volume = volumeOf(this, itemIndex, additional.volume);
	const response = await sessionRequest(this, session, itemIndex, {
		method: 'POST',
		path: accountPath(accountId, `/positions/${pathSegment('Position ID', positionId)}/close`),
		action:
			body.volume !== undefined
				? `close ${String(body.volume)} lots of position ${positionId} on account ${accountId}`
				: `close position ${positionId} on account ${accountId}`,
		body,
		schema: positionReply,
		describeError: notFound(accountId, positionId),
	});
	// `{position, deal}`: the position gets its `id`; a bare position is read as one.
	const reply = response.body as IDataObject;
	return 'position' in reply ? { ...reply, position: positionOf(reply) } : withId(reply, 'position_id');
}

async function amend(this: IExecuteFunctions, itemIndex: number, session: HelioSessionContext): Promise<IDataObject> {
	const accountId = readAccountId(this, itemIndex);
	const positionId = requiredText(this, itemIndex, 'positionId', 'Position ID', 'the ID of an open position', POSITION_ID_HINT);
	const fields = this.getNodeParameter('updateFields', itemIndex, {}) as IDataObject;
	const body: IDataObject = {};
	if (!isEmpty(fields.stopLossPrice)) {
		body.stop_loss_price = priceOf(this, itemIndex, fields.stopLossPrice, 'Stop Loss Price');
	}
	if (!isEmpty(fields.takeProfitPrice)) {
		body.take_profit_price = priceOf(this, itemIndex, fields.takeProfitPrice, 'Take Profit Price');
	}
	if (Object.keys(body).length === 0) {
		throw refuse(this, itemIndex, 'Update Fields', 'nothing to change; add a Stop Loss Price and/or a Take Profit Price');
	}
	const response = await sessionRequest(this, session, itemIndex, {
		method: 'PATCH',
		path: accountPath(accountId, `/positions/${pathSegment('Position ID', positionId)}`),
		action: `amend position ${positionId} on account ${accountId}`,
		body,
		schema: positionReply,
		describeError: notFound(accountId, positionId),
	});
	return positionOf(response.body);
}

export const positionHandlers: Record<string, OperationHandler> = { getAll, close, amend };
