/** Resource "Quote": what an order would cost across venues, and whether it can execute. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { z } from 'zod';
import { idLocatorField, readPickedId } from '../../shared/actions/idPicker';
import { boundedNumber, invalid, isEmpty, sessionRequest, type AggSessionContext, type OperationHandler } from './common';

export const VENUES = ['kalshi', 'polymarket', 'limitless', 'opinion'];
const SIDES = ['buy', 'sell'];

/**
 * The largest Amount sent, in dollars or shares. agg.market states none; ours
 * (docs/venues/agg-market.md#undocumented-details-and-what-the-nodes-accept) keeps the amount in
 * raw units (10^6 per share) an exact integer, and refuses a finite but absurd 1e308.
 */
export const MAX_AMOUNT = 1_000_000_000;
const MAX_SLIPPAGE_BPS = 10_000;

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
	idLocatorField({
		displayName: 'Market ID',
		name: 'marketId',
		searchListMethod: 'searchMarkets',
		listPlaceholder: 'Select a market of your positions…',
		idPlaceholder: 'e.g. mkt_fed_cut_july',
		displayOptions: show,
		description: "The market the outcome token belongs to: one of your positions' markets, or any market by ID (marketId of a position)",
	}),
	idLocatorField({
		displayName: 'Token ID',
		name: 'tokenId',
		searchListMethod: 'searchOutcomes',
		listPlaceholder: 'Select an outcome of your positions or orders…',
		idPlaceholder: 'e.g. vmo_fed_cut_july_yes',
		displayOptions: show,
		description:
			"The outcome token to buy or sell: one of your positions' or orders' outcomes (of the market above), or any by ID (outcomeId)",
	}),
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
		// Empty rather than 0, which is refused: the amount is the trader's decision.
		default: null,
		placeholder: 'e.g. 25',
		typeOptions: { minValue: 0, maxValue: MAX_AMOUNT, numberPrecision: 6 },
		displayOptions: show,
		description: 'Greater than 0: on a buy the dollars to spend, on a sell the shares to sell',
	},
	{
		displayName: 'Slippage (Basis Points)',
		name: 'slippageBps',
		type: 'number',
		default: 50,
		typeOptions: { minValue: 0, maxValue: MAX_SLIPPAGE_BPS, numberPrecision: 0 },
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
	const marketId = readPickedId(this, itemIndex, 'marketId', 'Market ID', 'the ID of a market', 'Position → Get Many gives marketId.');
	const tokenId = readPickedId(
		this,
		itemIndex,
		'tokenId',
		'Token ID',
		'the ID of an outcome token',
		'Position → Get Many gives outcomeId.',
	);
	const side = oneOf(this, itemIndex, 'side', 'Side', SIDES, 'buy');
	const rawAmount = this.getNodeParameter('amount', itemIndex, 0) as unknown;
	const amount = boundedNumber(
		this,
		itemIndex,
		rawAmount,
		'Amount',
		{ above: 0, max: MAX_AMOUNT },
		`a number greater than 0, at most ${MAX_AMOUNT}`,
		'On a buy the dollars to spend, on a sell the shares to sell.',
	);
	const rawSlippage = this.getNodeParameter('slippageBps', itemIndex, 50) as unknown;
	const slippage = isEmpty(rawSlippage)
		? 50
		: boundedNumber(
				this,
				itemIndex,
				rawSlippage,
				'Slippage (Basis Points)',
				{ min: 0, max: MAX_SLIPPAGE_BPS, whole: true },
				`a whole number of basis points from 0 to ${MAX_SLIPPAGE_BPS}`,
			);
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
