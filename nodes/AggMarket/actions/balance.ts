/** Resource "Balance": the user's cash (per token and chain) and the value of positions per venue. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { z } from 'zod';
import { rawToDecimal } from '../transport';
import { sessionRequest, type AggSessionContext, type OperationHandler } from './common';

export const balanceOperations: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['balance'] } },
	options: [
		{
			name: 'Get',
			value: 'get',
			action: 'Get the balances',
			description:
				"The cash of the user per token (with totalRaw also given as the decimal number total, using the token's decimals, per chain too) and the value of positions per venue, as one item",
		},
	],
	default: 'get',
};

export const balanceFields: INodeProperties[] = [];

const balancesSchema = z
	.object({
		cash: z.array(
			z
				.object({
					tokenSymbol: z.string().optional(),
					totalRaw: z.union([z.string(), z.number()]),
					decimals: z.number().int().min(0),
					chains: z.array(z.object({ totalRaw: z.union([z.string(), z.number()]) }).passthrough()).optional(),
				})
				.passthrough(),
		),
		positions: z.array(z.object({}).passthrough()).optional(),
	})
	.passthrough();

async function get(this: IExecuteFunctions, itemIndex: number, session: AggSessionContext): Promise<IDataObject> {
	const response = await sessionRequest(this, session, itemIndex, {
		method: 'GET',
		path: '/execution/balances',
		action: 'get the balances',
		schema: balancesSchema,
	});
	const body = response.body;
	const cash = body.cash.map((entry) => {
		const withTotal: IDataObject = { ...(entry as IDataObject), total: rawToDecimal(entry.totalRaw, entry.decimals) ?? null };
		if (entry.chains) {
			withTotal.chains = entry.chains.map((chain) => ({
				...(chain as IDataObject),
				total: rawToDecimal(chain.totalRaw, entry.decimals) ?? null,
			}));
		}
		return withTotal;
	});
	return { ...(body as IDataObject), cash };
}

export const balanceHandlers: Record<string, OperationHandler> = { get };
