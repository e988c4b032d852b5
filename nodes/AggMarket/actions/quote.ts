/** Resource "Quote": what an order would cost across venues, and whether it can execute. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { z } from 'zod';
import { invalid, isEmpty, requiredText, sessionRequest, toNumber, type AggSessionContext, type OperationHandler } from './common';

export const VENUES = ['kalshi', 'polymarket', 'limitless', 'opinion'];
const SIDES = ['buy', 'sell'];

export const quoteOperations: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['quote'] } },
	options: [
		{
			name: 'Get',
			value: 'get',
			action: 'Get a quote',
			description: 'Price a buy or sell of an outcome token: the split across venues, the steps and whether it can execute',
		},
	],
	default: 'get',
};

const show = { show: { resource: ['quote'], operation: ['get'] } };

export const quoteFields: INodeProperties[] = [
	{
		displayName: 'Venue',
		name: 'venue',
		type: 'options',
		default: 'polymarket',
		displayOptions: show,
		options: [
			{ name: 'Kalshi', value: 'kalshi' },
			{ name: 'Limitless', value: 'limitless' },
			{ name: 'Opinion', value: 'opinion' },
			{ name: 'Polymarket', value: 'polymarket' },
		],
		description: 'The venue the quote is for (its trading balance must cover a buy)',
	},
	{
		displayName: 'Market ID',
		name: 'marketId',
		type: 'string',
		required: true,
		default: '',
		displayOptions: show,
		description: 'The market the outcome token belongs to (marketId of a position)',
	},
	{
		displayName: 'Token ID',
		name: 'tokenId',
		type: 'string',
		required: true,
		default: '',
		displayOptions: show,
		description: 'The outcome token to buy or sell (outcomeId of a position or order)',
	},
	{
		displayName: 'Side',
		name: 'side',
		type: 'options',
		default: 'buy',
		displayOptions: show,
		options: [
			{ name: 'Buy', value: 'buy' },
			{ name: 'Sell', value: 'sell' },
		],
	},
	{
		displayName: 'Amount',
		name: 'amount',
		type: 'number',
		required: true,
		default: 0,
		typeOptions: { minValue: 0, numberPrecision: 6 },
		displayOptions: show,
		description: 'Greater than 0: on a buy the dollars to spend, on a sell the shares to sell',
	},
	{
		displayName: 'Slippage (Bps)',
		name: 'slippageBps',
		type: 'number',
		default: 50,
		typeOptions: { minValue: 0, maxValue: 10000, numberPrecision: 0 },
		displayOptions: show,
		description: 'How far the price may move against you, in basis points (0–10000; 100 = 1%)',
	},
];

const quoteSchema = z
	.object({
		quoteId: z.string(),
		canExecute: z.boolean(),
		steps: z.array(z.unknown()).optional(),
		splits: z.array(z.unknown()).optional(),
	})
	.passthrough();

function oneOf(
	context: IExecuteFunctions,
	itemIndex: number,
	parameter: string,
	field: string,
	allowed: string[],
	fallback: string,
): string {
	const raw = context.getNodeParameter(parameter, itemIndex, fallback) as unknown;
	const value = typeof raw === 'string' ? raw.trim().toLowerCase() : raw;
	if (typeof value === 'string' && allowed.includes(value)) return value;
	throw invalid(context, itemIndex, field, `one of ${allowed.join(', ')}`, raw);
}

async function get(this: IExecuteFunctions, itemIndex: number, session: AggSessionContext): Promise<IDataObject> {
	const venue = oneOf(this, itemIndex, 'venue', 'Venue', VENUES, 'polymarket');
	const marketId = requiredText(this, itemIndex, 'marketId', 'Market ID', 'the ID of a market', 'Position → Get Many gives marketId.');
	const tokenId = requiredText(
		this,
		itemIndex,
		'tokenId',
		'Token ID',
		'the ID of an outcome token',
		'Position → Get Many gives outcomeId.',
	);
	const side = oneOf(this, itemIndex, 'side', 'Side', SIDES, 'buy');
	const rawAmount = this.getNodeParameter('amount', itemIndex, 0) as unknown;
	const amount = toNumber(rawAmount);
	if (amount === undefined || amount <= 0) {
		throw invalid(
			this,
			itemIndex,
			'Amount',
			'a number greater than 0',
			rawAmount,
			'On a buy the dollars to spend, on a sell the shares to sell.',
		);
	}
	const rawSlippage = this.getNodeParameter('slippageBps', itemIndex, 50) as unknown;
	const slippage = isEmpty(rawSlippage) ? 50 : toNumber(rawSlippage);
	if (slippage === undefined || !Number.isInteger(slippage) || slippage < 0 || slippage > 10_000) {
		throw invalid(this, itemIndex, 'Slippage (Bps)', 'a whole number of basis points from 0 to 10000', rawSlippage);
	}
	const response = await sessionRequest(this, session, itemIndex, {
		method: 'POST',
		path: '/execution/quote',
		action: `quote a ${side} of token ${tokenId}`,
		body: { venue, marketId, tokenId, side, amount, slippageBps: slippage },
		schema: quoteSchema,
	});
	return response.body as IDataObject;
}

export const quoteHandlers: Record<string, OperationHandler> = { get };
