/** Resource "Order": create, amend and cancel orders of one trading account, one file per operation. */
import type { INodeProperties } from 'n8n-workflow';
import type { OperationHandler } from '../common';
import { amend, amendFields } from './amend';
import { cancel } from './cancel';
import { orderIdField } from './common';
import { create, createFields } from './create';

export const orderOperations: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['order'] } },
	options: [
		{
			name: 'Create',
			value: 'create',
			action: 'Create an order',
			description: 'Place a market, limit, stop, stop-limit or trailing-stop order, with optional stop loss and take profit',
		},
		{
			name: 'Amend',
			value: 'amend',
			action: 'Amend an open order',
			description: 'Change the volume, prices or expiry of an order that is still open',
		},
		{
			name: 'Cancel',
			value: 'cancel',
			action: 'Cancel an open order',
			description: 'Cancel an order that is not filled yet',
		},
	],
	default: 'create',
};

/** In the order the editor shows them: Create's fields, the Order ID (Amend, Cancel), Amend's. */
export const orderFields: INodeProperties[] = [...createFields, orderIdField, ...amendFields];

export const orderHandlers: Record<string, OperationHandler> = { create, amend, cancel };
