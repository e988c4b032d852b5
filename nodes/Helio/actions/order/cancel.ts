/** Order → Cancel: cancel an order that is not filled yet. */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { pathSegment } from '../../../shared/pathSegment';
import { accountPath } from '../../transport';
import { readAccountId, requiredText, sessionRequest, type HelioSessionContext } from '../common';
import { orderOf, orderReply } from '../records';
import { ORDER_ID_HINT } from './common';

export async function cancel(this: IExecuteFunctions, itemIndex: number, session: HelioSessionContext): Promise<IDataObject> {
	const accountId = readAccountId(this, itemIndex);
	const orderId = requiredText(this, itemIndex, 'orderId', 'Order ID', 'the ID of an open order', ORDER_ID_HINT);
	const response = await sessionRequest(this, session, itemIndex, {
		method: 'DELETE',
		path: accountPath(accountId, `/orders/${pathSegment('Order ID', orderId)}`),
		action: `cancel order ${orderId} on account ${accountId}`,
		schema: orderReply,
		describeError: (_error, status) => {
			if (status === 404) return { description: `Account ${accountId} has no order ${orderId}.` };
			if (status === 409)
				return { description: 'The order is no longer open: it was filled (close the position instead), cancelled or expired.' };
			return undefined;
		},
	});
	return orderOf(response.body);
}
