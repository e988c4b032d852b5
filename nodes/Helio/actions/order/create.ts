/** Order → Create: place a market, limit, stop, stop-limit or trailing-stop order, with optional protection. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { accountPath } from '../../transport';
import {
	MAX_VOLUME,
	ORDER_TYPES,
	SIDES,
	TIMES_IN_FORCE,
	choice,
	goodTillDateOf,
	invalid,
	isEmpty,
	pointsOf,
	priceOf,
	readAccountId,
	refuse,
	requiredText,
	sessionRequest,
	timeInForceOptions,
	toNumber,
	volumeOf,
	type HelioSessionContext,
} from '../common';
import { orderOf, orderReply } from '../records';
import { forOperations, optionalNumber } from './common';

const forCreate = (orderType: string[], extra: Record<string, string[]> = {}) => ({
	show: { resource: ['order'], operation: ['create'], orderType, ...extra },
});

export const createFields: INodeProperties[] = [
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
			{ name: 'Limit', value: 'limit', description: 'Fills at the Limit Price or better' },
			{ name: 'Market', value: 'market', description: 'Fills at once at the current price' },
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
		typeOptions: { minValue: 0.01, maxValue: MAX_VOLUME, numberPrecision: 2 },
		displayOptions: forOperations('create'),
		description: `How much to trade, in lots (0.01 to ${MAX_VOLUME})`,
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
		// Empty rather than 0, which Helio refuses: the order needs a value chosen for it.
		default: null,
		placeholder: 'e.g. 1.08250',
		typeOptions: { minValue: 0, numberPrecision: 5 },
		displayOptions: forCreate(['limit', 'stopLimit']),
		description: 'The worst price the order may fill at: the highest for a buy, the lowest for a sell',
	},
	{
		displayName: 'Stop Price',
		name: 'stopPrice',
		type: 'number',
		required: true,
		// Empty rather than 0, which Helio refuses: the order needs a value chosen for it.
		default: null,
		placeholder: 'e.g. 1.08100',
		typeOptions: { minValue: 0, numberPrecision: 5 },
		displayOptions: forCreate(['stop', 'stopLimit']),
		description: 'The price that triggers the order',
	},
	{
		displayName: 'Trailing Distance (Points)',
		name: 'trailingDistance',
		type: 'number',
		required: true,
		// Empty rather than 0, which Helio refuses: the order needs a value chosen for it.
		default: null,
		placeholder: 'e.g. 150',
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
				displayName: 'Stop Loss (Points)',
				name: 'stopLossPoints',
				type: 'number',
				default: 0,
				typeOptions: { minValue: 0, numberPrecision: 0 },
				description: 'The stop loss as a distance from the fill price, in points',
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
				displayName: 'Take Profit (Points)',
				name: 'takeProfitPoints',
				type: 'number',
				default: 0,
				typeOptions: { minValue: 0, numberPrecision: 0 },
				description: 'The take profit as a distance from the fill price, in points',
			},
			{
				displayName: 'Take Profit Price',
				name: 'takeProfitPrice',
				type: 'number',
				default: 0,
				typeOptions: { minValue: 0, numberPrecision: 5 },
				description: 'Close the resulting position at this price to take a profit. Give the take profit as a price or in points, not both.',
			},
		],
	},
];

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
	if (set(rawPrice)) result.price = priceOf(context, itemIndex, rawPrice, `${label} Price`);
	if (set(rawPoints)) result.points = pointsOf(context, itemIndex, rawPoints, `${label} (Points)`);
	if (result.price !== undefined && result.points !== undefined) {
		throw refuse(
			context,
			itemIndex,
			label,
			`give it as a price or in points, not both (${label} Price ${result.price}, ${label} (Points) ${result.points})`,
		);
	}
	return result;
}

/** A price required by the order type: 0 or empty means "not given". */
function requiredPrice(context: IExecuteFunctions, itemIndex: number, parameter: string, field: string, orderTypeName: string): number {
	const raw = context.getNodeParameter(parameter, itemIndex, undefined) as unknown;
	if (isEmpty(raw) || toNumber(raw) === 0) {
		throw refuse(context, itemIndex, field, `required for a ${orderTypeName} order (a price greater than 0)`);
	}
	return priceOf(context, itemIndex, raw, field);
}

const ORDER_TYPE_NAMES: Record<string, string> = {
	market: 'Market',
	limit: 'Limit',
	stop: 'Stop',
	stopLimit: 'Stop Limit',
	trailingStop: 'Trailing Stop',
};

export async function create(this: IExecuteFunctions, itemIndex: number, session: HelioSessionContext): Promise<IDataObject> {
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
			throw refuse(
				this,
				itemIndex,
				'Trailing Distance (Points)',
				'required for a Trailing Stop order (a whole number of points greater than 0)',
			);
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
		schema: orderReply,
	});
	return orderOf(response.body);
}
