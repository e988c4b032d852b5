/** What the order operations share: the Order ID field, optional numbers (the order reply is in ../records.ts). */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { isEmpty } from '../common';

export const forOperations = (...operation: string[]) => ({ show: { resource: ['order'], operation } });

export const ORDER_ID_HINT = 'The ID Create returned, or the orderId from an executionEvent of the Helio Trigger.';

/** The order to amend or cancel. */
export const orderIdField: INodeProperties = {
	displayName: 'Order ID',
	name: 'orderId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. 5001',
	displayOptions: forOperations('amend', 'cancel'),
	description: ORDER_ID_HINT,
};

/** An optional number from a collection: undefined when absent or empty. */
export function optionalNumber(fields: IDataObject, name: string): unknown {
	const value = fields[name];
	return isEmpty(value) ? undefined : value;
}
