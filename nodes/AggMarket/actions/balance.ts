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
				"The cash of the user per token (its raw amount, totalRaw or balanceRaw, also given as the decimal number total, using the token's decimals, per chain too) and the value of positions per venue, as one item",
		},
	],
	default: 'get',
};

export const balanceFields: INodeProperties[] = [];

/**
 * Only `cash` is read, and only to add decimals: the raw amount's field and the shape of a chain
 * are not documented alike everywhere (`totalRaw`, or `{chain, balanceRaw}`), so entries of any
 * shape pass through and get a decimal `total` only where a raw amount and its decimals are present.
 */
const balancesSchema = z.object({ cash: z.array(z.unknown()).optional() }).passthrough();

/** The raw amount fields, in the order they are read: agg.market's documented one first. */
const RAW_FIELDS = ['totalRaw', 'balanceRaw'] as const;

/** `total`: the entry's raw amount as a decimal number, where it has one and its decimals are known. */
function withTotal(entry: unknown, inheritedDecimals: unknown): unknown {
	if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return entry;
	const record = entry as IDataObject;
	const decimals = typeof record.decimals === 'number' ? record.decimals : inheritedDecimals;
	const field = RAW_FIELDS.find((name) => record[name] !== undefined && record[name] !== null);
	const out: IDataObject = { ...record };
	if (field !== undefined && typeof decimals === 'number') out.total = rawToDecimal(record[field], decimals) ?? null;
	if (Array.isArray(record.chains)) out.chains = record.chains.map((chain) => withTotal(chain, decimals)) as IDataObject[];
	return out;
}

async function get(this: IExecuteFunctions, itemIndex: number, session: AggSessionContext): Promise<IDataObject> {
	const response = await sessionRequest(this, session, itemIndex, {
		method: 'GET',
		path: '/execution/balances',
		action: 'get the balances',
		schema: balancesSchema,
	});
	const body = response.body;
	if (!body.cash) return body as IDataObject;
	return { ...(body as IDataObject), cash: body.cash.map((entry) => withTotal(entry, undefined)) as IDataObject[] };
}

export const balanceHandlers: Record<string, OperationHandler> = { get };
