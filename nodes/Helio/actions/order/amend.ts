/** Order → Amend: change the volume, prices or expiry of an order that is still open. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { pathSegment } from '../../../shared/pathSegment';
import { accountPath } from '../../transport';
import {
	MAX_VOLUME,
	TIMES_IN_FORCE,
	goodTillDateOf,
	invalid,
	isEmpty,
	priceOf,
	readAccountId,
	refuse,
	requiredText,
	sessionRequest,
	timeInForceOptions,
	volumeOf,
	type HelioSessionContext,
} from '../common';
import { orderOf, orderReply } from '../records';
import { forOperations, optionalNumber, ORDER_ID_HINT } from './common';

/** What an order that is already open may become (IOC and FOK only make sense at placement). */
const RESTING_TIMES_IN_FORCE = ['gtc', 'day', 'gtd'];

/** The Update Fields collection (the Order ID field is shared with Cancel). */
export const amendFields: INodeProperties[] = [
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
				displayName: 'Good Till Date',
				name: 'goodTillDate',
				type: 'dateTime',
				default: '',
				description: 'A new expiry for a Good Till Date order; must be in the future',
			},
			{
				displayName: 'Limit Price',
				name: 'limitPrice',
				type: 'number',
				// Empty (nothing to change) rather than 0, which is no price.
				default: null,
				typeOptions: { minValue: 0, numberPrecision: 5 },
			},
			{
				displayName: 'Stop Loss Price',
				name: 'stopLossPrice',
				type: 'number',
				// Empty (nothing to change) rather than 0, which is no price.
				default: null,
				typeOptions: { minValue: 0, numberPrecision: 5 },
				description: 'The stop loss the resulting position gets (sent as sl_levels)',
			},
			{
				displayName: 'Stop Price',
				name: 'stopPrice',
				type: 'number',
				// Empty (nothing to change) rather than 0, which is no price.
				default: null,
				typeOptions: { minValue: 0, numberPrecision: 5 },
			},
			{
				displayName: 'Take Profit Price',
				name: 'takeProfitPrice',
				type: 'number',
				// Empty (nothing to change) rather than 0, which is no price.
				default: null,
				typeOptions: { minValue: 0, numberPrecision: 5 },
				description: 'The take profit the resulting position gets (sent as tp_levels)',
			},
			{
				displayName: 'Time in Force',
				name: 'timeInForce',
				type: 'options',
				options: timeInForceOptions.filter((option) => RESTING_TIMES_IN_FORCE.includes(option.value)),
				default: 'gtc',
				description: 'An open order can be Good Till Cancelled, Day or Good Till Date (which needs the Good Till Date field too)',
			},
			{
				displayName: 'Volume (Lots)',
				name: 'volume',
				type: 'number',
				default: 0.01,
				typeOptions: { minValue: 0.01, maxValue: MAX_VOLUME, numberPrecision: 2 },
				description: `The new total volume of the order, in lots (0.01 to ${MAX_VOLUME})`,
			},
		],
	},
];

export async function amend(this: IExecuteFunctions, itemIndex: number, session: HelioSessionContext): Promise<IDataObject> {
	const accountId = readAccountId(this, itemIndex);
	const orderId = requiredText(this, itemIndex, 'orderId', 'Order ID', 'the ID of an open order', ORDER_ID_HINT);
	const fields = this.getNodeParameter('updateFields', itemIndex, {}) as IDataObject;
	const body: IDataObject = {};

	const volume = optionalNumber(fields, 'volume');
	if (volume !== undefined) body.volume = volumeOf(this, itemIndex, volume);
	const limitPrice = optionalNumber(fields, 'limitPrice');
	if (limitPrice !== undefined) body.limit_price = priceOf(this, itemIndex, limitPrice, 'Limit Price');
	const stopPrice = optionalNumber(fields, 'stopPrice');
	if (stopPrice !== undefined) body.stop_price = priceOf(this, itemIndex, stopPrice, 'Stop Price');
	if (!isEmpty(fields.timeInForce)) {
		const key = typeof fields.timeInForce === 'string' ? fields.timeInForce.trim() : '';
		const timeInForce = RESTING_TIMES_IN_FORCE.find((name) => name === key || TIMES_IN_FORCE[name] === key.toUpperCase());
		if (!timeInForce) {
			throw invalid(
				this,
				itemIndex,
				'Time in Force',
				`one of ${RESTING_TIMES_IN_FORCE.join(', ')} (an open order cannot become IOC or FOK)`,
				fields.timeInForce,
			);
		}
		body.time_in_force = TIMES_IN_FORCE[timeInForce];
		if (timeInForce === 'gtd') body.good_till_date = goodTillDateOf(this, itemIndex, fields.goodTillDate);
	}
	if (body.good_till_date === undefined && !isEmpty(fields.goodTillDate)) {
		body.good_till_date = goodTillDateOf(this, itemIndex, fields.goodTillDate);
	}
	const stopLossPrice = optionalNumber(fields, 'stopLossPrice');
	if (stopLossPrice !== undefined) {
		body.sl_levels = [priceOf(this, itemIndex, stopLossPrice, 'Stop Loss Price')];
	}
	const takeProfitPrice = optionalNumber(fields, 'takeProfitPrice');
	if (takeProfitPrice !== undefined) {
		body.tp_levels = [priceOf(this, itemIndex, takeProfitPrice, 'Take Profit Price')];
	}
	if (Object.keys(body).length === 0) {
		throw refuse(
			this,
			itemIndex,
			'Update Fields',
			'nothing to change; add at least one of Volume (Lots), Limit Price, Stop Price, Time in Force, Good Till Date, Stop Loss Price or Take Profit Price',
		);
	}

	const response = await sessionRequest(this, session, itemIndex, {
		method: 'PATCH',
		path: accountPath(accountId, `/orders/${pathSegment('Order ID', orderId)}`),
		action: `amend order ${orderId} on account ${accountId}`,
		body,
		schema: orderReply,
		describeError: (_error, status) => {
			if (status === 404) return { description: `Account ${accountId} has no order ${orderId}.` };
			if (status === 409) return { description: 'The order is no longer open (filled, cancelled or expired): it cannot be amended.' };
			return undefined;
		},
	});
	return orderOf(response.body);
}
