/** What the order operations share: the Order ID field, the order reply, optional numbers. */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { z } from 'zod';
import { isEmpty } from '../common';

export const forOperations = (...operation: string[]) => ({ show: { resource: ['order'], operation } });

export const ORDER_ID_HINT = 'The id Create returned, or orderId from an executionEvent of the Helio Trigger.';

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

/** Helio answers every order call with `{order}`: an order with an id, other fields kept. */
const orderSchema = z.object({ id: z.union([z.string(), z.number()]) }).passthrough();
export const orderResponse = z.object({ order: orderSchema }).passthrough();

/** An optional number from a collection: undefined when absent or empty. */
export function optionalNumber(fields: IDataObject, name: string): unknown {
	const value = fields[name];
	return isEmpty(value) ? undefined : value;
}
