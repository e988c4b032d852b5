/** Resource "Liquidity": a contest's full book, each position's price and size at every partner. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { z } from 'zod';
import { contestIdField, invalid, readContestId, sessionRequest, type OpenMarketsSession, type OperationHandler } from './common';
import { pathSegment } from '../../shared/pathSegment';

const OUTPUTS = ['contest', 'partnerLiquidity'];

export const liquidityOperations: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['liquidity'] } },
	options: [
		{
			name: 'Get',
			value: 'get',
			action: 'Get the liquidity of a contest',
			description: 'Every position of a contest with the price and size each partner offers',
		},
	],
	default: 'get',
};

export const liquidityFields: INodeProperties[] = [
	contestIdField('liquidity', ['get'], 'The contest whose book to read'),
	{
		displayName: 'Output',
		name: 'output',
		type: 'options',
		default: 'contest',
		displayOptions: { show: { resource: ['liquidity'], operation: ['get'] } },
		options: [
			{
				name: 'One Item per Contest',
				value: 'contest',
				description: 'The book as OpenMarkets sends it: contest_id and positions, each with its partner_liquidities',
			},
			{
				name: 'One Item per Partner Liquidity',
				value: 'partnerLiquidity',
				description:
					"One item per partner and position, with the position's fields (position_hash, title, market_key, side_key, consensus_price, …) beside the partner's price and available",
			},
		],
	},
];

const partnerLiquiditySchema = z.object({ partner_id: z.string(), liquidity_hash: z.string() }).passthrough();
const positionSchema = z.object({ position_hash: z.string(), partner_liquidities: z.array(partnerLiquiditySchema) }).passthrough();
const bookSchema = z.object({ data: z.object({ contest_id: z.string(), positions: z.array(positionSchema) }).passthrough() }).passthrough();

async function get(this: IExecuteFunctions, itemIndex: number, session: OpenMarketsSession): Promise<IDataObject | IDataObject[]> {
	const contestId = readContestId(this, itemIndex);
	const output = this.getNodeParameter('output', itemIndex, 'contest') as unknown;
	if (typeof output !== 'string' || !OUTPUTS.includes(output))
		throw invalid(this, itemIndex, 'Output', `one of ${OUTPUTS.join(', ')}`, output);
	const response = await sessionRequest(this, session, itemIndex, {
		method: 'GET',
		path: `/contests/${pathSegment('Contest ID', contestId)}/liquidity`,
		action: `get the liquidity of contest ${contestId}`,
		schema: bookSchema,
	});
	const book = response.body.data;
	if (output === 'contest') return book as IDataObject;
	return book.positions.flatMap(({ partner_liquidities: entries, ...position }) =>
		entries.map((entry) => ({ contest_id: book.contest_id, ...position, ...entry }) as IDataObject),
	);
}

export const liquidityHandlers: Record<string, OperationHandler> = { get };
