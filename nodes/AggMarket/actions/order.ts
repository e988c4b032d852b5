/** Resource "Order": the user's orders, newest first, one item each. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { rawToDecimal } from '../transport';
import { pagingFields, readPages, type AggSessionContext, type OperationHandler } from './common';

/** agg.market does not state the decimals of an order's raw amounts; they are shares × 10⁶. */
export const ORDER_RAW_DECIMALS = 6;

export const orderOperations: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['order'] } },
	options: [
		{
			name: 'Get Many',
			value: 'getAll',
			action: 'Get many orders',
			description:
				'The orders of the user, newest first, one item each. filledAmountRaw is also given as filledAmount, in shares: the raw amount divided by 10^6 (6 decimals).',
		},
	],
	default: 'getAll',
};

export const orderFields: INodeProperties[] = pagingFields('order', 'orders');

async function getAll(this: IExecuteFunctions, itemIndex: number, session: AggSessionContext): Promise<IDataObject[]> {
	const orders = await readPages(this, session, itemIndex, '/execution/orders', 'get the orders');
	return orders.map((order) => {
		if (order.filledAmountRaw === undefined) return order;
		return { ...order, filledAmount: rawToDecimal(order.filledAmountRaw, ORDER_RAW_DECIMALS) ?? null };
	});
}

export const orderHandlers: Record<string, OperationHandler> = { getAll };
