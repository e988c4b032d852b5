/** Resource "Order": create, amend and cancel orders of one trading account. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { z } from 'zod';
import { accountPath, segment } from '../transport';
import {
	ORDER_TYPES,
	SIDES,
	TIMES_IN_FORCE,
	choice,
	goodTillDateOf,
	invalid,
	isEmpty,
	pointsOf,
	positiveNumber,
	readAccountId,
	refuse,
	requiredText,
	sessionRequest,
	timeInForceOptions,
	toNumber,
	volumeOf,
	type HelioSessionContext,
	type OperationHandler,
} from './common';

const forOperations = (...operation: string[]) => ({ show: { resource: ['order'], operation } });
const forCreate = (orderType: string[], extra: Record<string, string[]> = {}) => ({
	show: { resource: ['order'], operation: ['create'], orderType, ...extra },
});

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

/** What an order that is already open may become (IOC and FOK only make sense at placement). */
const RESTING_TIMES_IN_FORCE = ['gtc', 'day', 'gtd'];

const ORDER_ID_HINT = 'The id Create returned, or orderId from an executionEvent of the Helio Trigger.';

export const orderFields: INodeProperties[] = [
	{
		displayName: 'Symbol',
		name: 'symbol',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. EURUSD',
		displayOptions: forOperations('create'),
		description: 'The instrument to trade, as Helio names it (sent as symbol_id)',
	},
	{
		displayName: 'Side',
		name: 'side',
		type: 'options',
		options: [
			{ name: 'Buy', value: 'buy' },
			{ name: 'Sell', value: 'sell' },
		],
		default: 'buy',
		displayOptions: forOperations('create'),
	},
	{
		displayName: 'Order Type',
		name: 'orderType',
		type: 'options',
		options: [
			{ name: 'Market', value: 'market', description: 'Fills at once at the current price' },
			{ name: 'Limit', value: 'limit', description: 'Fills at the Limit Price or better' },
			{ name: 'Stop', value: 'stop', description: 'Becomes a market order when the price reaches the Stop Price' },
			{
				name: 'Stop Limit',
				value: 'stopLimit',
				description: 'Becomes a limit order at the Limit Price when the price reaches the Stop Price',
			},
			{
				name: 'Trailing Stop',
				value: 'trailingStop',
				description: 'A stop that follows the price at the Trailing Distance',
			},
		],
		default: 'market',
		displayOptions: forOperations('create'),
	},
	{
		displayName: 'Volume (Lots)',
		name: 'volume',
		type: 'number',
		required: true,
		default: 0.01,
		typeOptions: { minValue: 0.01, numberPrecision: 2 },
		displayOptions: forOperations('create'),
		description: 'How much to trade, in lots (0.01 or more)',
	},
	{
		displayName: 'Time in Force',
		name: 'timeInForce',
		type: 'options',
		options: timeInForceOptions,
		default: 'gtc',
		displayOptions: forOperations('create'),
		description: 'How long the order stays open',
	},
	{
		displayName: 'Good Till Date',
		name: 'goodTillDate',
		type: 'dateTime',
		required: true,
		default: '',
		displayOptions: { show: { resource: ['order'], operation: ['create'], timeInForce: ['gtd'] } },
		description: 'When the order expires if not filled; must be in the future',
	},
	{
		displayName: 'Limit Price',
		name: 'limitPrice',
		type: 'number',
		required: true,
		default: 0,
		typeOptions: { minValue: 0, numberPrecision: 5 },
		displayOptions: forCreate(['limit', 'stopLimit']),
		description: 'The worst price the order may fill at: the highest for a buy, the lowest for a sell',
	},
	{
		displayName: 'Stop Price',
		name: 'stopPrice',
		type: 'number',
		required: true,
		default: 0,
		typeOptions: { minValue: 0, numberPrecision: 5 },
		displayOptions: forCreate(['stop', 'stopLimit']),
		description: 'The price that triggers the order',
	},
	{
		displayName: 'Trailing Distance (Points)',
		name: 'trailingDistance',
		type: 'number',
		required: true,
		default: 0,
		typeOptions: { minValue: 0, numberPrecision: 0 },
		displayOptions: forCreate(['trailingStop']),
		description: 'How far the stop follows the price, in points (sent as stop_loss_points)',
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: forOperations('create'),
		options: [
			{
				displayName: 'Client Order ID',
				name: 'clientOrderId',
				type: 'string',
				default: '',
				description: 'Your own ID for the order; Helio returns it with the order and in its execution events',
			},
			{
				displayName: 'Stop Loss Price',
				name: 'stopLossPrice',
				type: 'number',
				default: 0,
				typeOptions: { minValue: 0, numberPrecision: 5 },
				description: 'Close the resulting position at this price to limit a loss. Give the stop loss as a price or in points, not both.',
			},
			{
				displayName: 'Stop Loss (Points)',
				name: 'stopLossPoints',
				type: 'number',
				default: 0,
				typeOptions: { minValue: 0, numberPrecision: 0 },
				description: 'The stop loss as a distance from the fill price, in points',
			},
			{
				displayName: 'Take Profit Price',
				name: 'takeProfitPrice',
				type: 'number',
				default: 0,
				typeOptions: { minValue: 0, numberPrecision: 5 },
				description: 'Close the resulting position at this price to take a profit. Give the take profit as a price or in points, not both.',
			},
			{
				displayName: 'Take Profit (Points)',
				name: 'takeProfitPoints',
				type: 'number',
				default: 0,
				typeOptions: { minValue: 0, numberPrecision: 0 },
				description: 'The take profit as a distance from the fill price, in points',
			},
		],
	},
	{
		displayName: 'Order ID',
		name: 'orderId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 5001',
		displayOptions: forOperations('amend', 'cancel'),
		description: ORDER_ID_HINT,
	},
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
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
				default: 0,
				typeOptions: { minValue: 0, numberPrecision: 5 },
			},
			{
				displayName: 'Stop Loss Price',
				name: 'stopLossPrice',
				type: 'number',
				default: 0,
				typeOptions: { minValue: 0, numberPrecision: 5 },
				description: 'The stop loss the resulting position gets (sent as sl_levels)',
			},
			{
				displayName: 'Stop Price',
				name: 'stopPrice',
				type: 'number',
				default: 0,
				typeOptions: { minValue: 0, numberPrecision: 5 },
			},
			{
				displayName: 'Take Profit Price',
				name: 'takeProfitPrice',
				type: 'number',
				default: 0,
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
				typeOptions: { minValue: 0.01, numberPrecision: 2 },
				description: 'The new total volume of the order, in lots (0.01 or more)',
			},
		],
	},
];

const orderSchema = z.object({ id: z.union([z.string(), z.number()]) }).passthrough();
const orderResponse = z.object({ order: orderSchema }).passthrough();

/** An optional number from a collection: undefined when absent or empty. */
function optionalNumber(fields: IDataObject, name: string): unknown {
	const value = fields[name];
	return isEmpty(value) ? undefined : value;
}

/** Optional stop loss / take profit: a price or points (0 and empty mean "not set"), not both. */
function protection(
	context: IExecuteFunctions,
	itemIndex: number,
	fields: IDataObject,
	label: 'Stop Loss' | 'Take Profit',
	priceName: string,
	pointsName: string,
): { price?: number; points?: number } {
	const rawPrice = optionalNumber(fields, priceName);
	const rawPoints = optionalNumber(fields, pointsName);
	const set = (raw: unknown) => raw !== undefined && toNumber(raw) !== 0;
	const result: { price?: number; points?: number } = {};
	if (set(rawPrice)) result.price = positiveNumber(context, itemIndex, rawPrice, `${label} Price`, 'a price greater than 0');
	if (set(rawPoints)) result.points = pointsOf(context, itemIndex, rawPoints, `${label} (Points)`);
	if (result.price !== undefined && result.points !== undefined) {
		throw refuse(context, itemIndex, label, `give it as a price or in points, not both (${label} Price ${result.price}, ${label} (Points) ${result.points})`);
	}
	return result;
}

/** A price required by the order type: 0 or empty means "not given". */
function requiredPrice(context: IExecuteFunctions, itemIndex: number, parameter: string, field: string, orderTypeName: string): number {
	const raw = context.getNodeParameter(parameter, itemIndex, undefined) as unknown;
	if (isEmpty(raw) || toNumber(raw) === 0) {
		throw refuse(context, itemIndex, field, `required for a ${orderTypeName} order (a price greater than 0)`);
	}
	return positiveNumber(context, itemIndex, raw, field, 'a price greater than 0');
}

const ORDER_TYPE_NAMES: Record<string, string> = {
	market: 'Market',
	limit: 'Limit',
	stop: 'Stop',
	stopLimit: 'Stop Limit',
	trailingStop: 'Trailing Stop',
};

async function create(this: IExecuteFunctions, itemIndex: number, session: HelioSessionContext): Promise<IDataObject> {
	const accountId = readAccountId(this, itemIndex);
	const symbol = requiredText(this, itemIndex, 'symbol', 'Symbol', 'the symbol to trade (e.g. EURUSD)');
	const side = choice(this, itemIndex, 'side', 'Side', SIDES, 'buy');
	const orderType = choice(this, itemIndex, 'orderType', 'Order Type', ORDER_TYPES, 'market');
	const volume = volumeOf(this, itemIndex, this.getNodeParameter('volume', itemIndex, undefined));
	const timeInForce = choice(this, itemIndex, 'timeInForce', 'Time in Force', TIMES_IN_FORCE, 'gtc');
	const typeName = ORDER_TYPE_NAMES[orderType];

	const body: IDataObject = {
		symbol_id: symbol,
		side: SIDES[side],
		type: ORDER_TYPES[orderType],
		time_in_force: TIMES_IN_FORCE[timeInForce],
		volume,
	};
	if (timeInForce === 'gtd') {
		body.good_till_date = goodTillDateOf(this, itemIndex, this.getNodeParameter('goodTillDate', itemIndex, ''));
	}
	if (orderType === 'limit' || orderType === 'stopLimit') {
		body.limit_price = requiredPrice(this, itemIndex, 'limitPrice', 'Limit Price', typeName);
	}
	if (orderType === 'stop' || orderType === 'stopLimit') {
		body.stop_price = requiredPrice(this, itemIndex, 'stopPrice', 'Stop Price', typeName);
	}
	if (orderType === 'trailingStop') {
		const raw = this.getNodeParameter('trailingDistance', itemIndex, undefined) as unknown;
		if (isEmpty(raw) || toNumber(raw) === 0) {
			throw refuse(this, itemIndex, 'Trailing Distance (Points)', 'required for a Trailing Stop order (a whole number of points greater than 0)');
		}
		body.stop_loss_points = pointsOf(this, itemIndex, raw, 'Trailing Distance (Points)');
	}

	const additional = this.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;
	const clientOrderId = additional.clientOrderId;
	if (clientOrderId !== undefined && clientOrderId !== '') {
		const text = typeof clientOrderId === 'number' ? String(clientOrderId) : typeof clientOrderId === 'string' ? clientOrderId.trim() : '';
		if (!text) throw invalid(this, itemIndex, 'Client Order ID', 'a text (or remove the field)', clientOrderId);
		body.client_order_id = text;
	}
	const stopLoss = protection(this, itemIndex, additional, 'Stop Loss', 'stopLossPrice', 'stopLossPoints');
	if (orderType === 'trailingStop' && (stopLoss.price !== undefined || stopLoss.points !== undefined)) {
		throw refuse(
			this,
			itemIndex,
			stopLoss.price !== undefined ? 'Stop Loss Price' : 'Stop Loss (Points)',
			'a Trailing Stop order takes no separate stop loss: its stop is the Trailing Distance (Points)',
		);
	}
	if (stopLoss.price !== undefined) body.stop_loss_price = stopLoss.price;
	if (stopLoss.points !== undefined) body.stop_loss_points = stopLoss.points;
	const takeProfit = protection(this, itemIndex, additional, 'Take Profit', 'takeProfitPrice', 'takeProfitPoints');
	if (takeProfit.price !== undefined) body.take_profit_price = takeProfit.price;
	if (takeProfit.points !== undefined) body.take_profit_points = takeProfit.points;

	const response = await sessionRequest(this, session, itemIndex, {
		method: 'POST',
		path: accountPath(accountId, '/orders'),
		action: `create a ${typeName.toLowerCase()} ${side} order for ${volume} lots of ${symbol} on account ${accountId}`,
		body,
		schema: orderResponse,
	});
	return response.body.order as IDataObject;
}

async function amend(this: IExecuteFunctions, itemIndex: number, session: HelioSessionContext): Promise<IDataObject> {
	const accountId = readAccountId(this, itemIndex);
	const orderId = requiredText(this, itemIndex, 'orderId', 'Order ID', 'the ID of an open order', ORDER_ID_HINT);
	const fields = this.getNodeParameter('updateFields', itemIndex, {}) as IDataObject;
	const body: IDataObject = {};

	const volume = optionalNumber(fields, 'volume');
	if (volume !== undefined) body.volume = volumeOf(this, itemIndex, volume);
	const limitPrice = optionalNumber(fields, 'limitPrice');
	if (limitPrice !== undefined) body.limit_price = positiveNumber(this, itemIndex, limitPrice, 'Limit Price', 'a price greater than 0');
	const stopPrice = optionalNumber(fields, 'stopPrice');
	if (stopPrice !== undefined) body.stop_price = positiveNumber(this, itemIndex, stopPrice, 'Stop Price', 'a price greater than 0');
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
		body.sl_levels = [positiveNumber(this, itemIndex, stopLossPrice, 'Stop Loss Price', 'a price greater than 0')];
	}
	const takeProfitPrice = optionalNumber(fields, 'takeProfitPrice');
	if (takeProfitPrice !== undefined) {
		body.tp_levels = [positiveNumber(this, itemIndex, takeProfitPrice, 'Take Profit Price', 'a price greater than 0')];
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
		path: accountPath(accountId, `/orders/${segment(orderId)}`),
		action: `amend order ${orderId} on account ${accountId}`,
		body,
		schema: orderResponse,
		describeError: (_error, status) => {
			if (status === 404) return { description: `Account ${accountId} has no order ${orderId}.` };
			if (status === 409) return { description: 'The order is no longer open (filled, cancelled or expired): it cannot be amended.' };
			return undefined;
		},
	});
	return response.body.order as IDataObject;
}

async function cancel(this: IExecuteFunctions, itemIndex: number, session: HelioSessionContext): Promise<IDataObject> {
	const accountId = readAccountId(this, itemIndex);
	const orderId = requiredText(this, itemIndex, 'orderId', 'Order ID', 'the ID of an open order', ORDER_ID_HINT);
	const response = await sessionRequest(this, session, itemIndex, {
		method: 'DELETE',
		path: accountPath(accountId, `/orders/${segment(orderId)}`),
		action: `cancel order ${orderId} on account ${accountId}`,
		schema: orderResponse,
		describeError: (_error, status) => {
			if (status === 404) return { description: `Account ${accountId} has no order ${orderId}.` };
			if (status === 409) return { description: 'The order is no longer open: it was filled (close the position instead), cancelled or expired.' };
			return undefined;
		},
	});
	return response.body.order as IDataObject;
}

export const orderHandlers: Record<string, OperationHandler> = { create, amend, cancel };
