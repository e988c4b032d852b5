import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { operationSubtitle } from '../shared/subtitles';
import { runActions, type ActionHandlers } from '../shared/actions/runActions';
import { Redactor } from '../shared/redact';
import type { AggSessionContext } from './actions/common';
import { balanceFields, balanceHandlers, balanceOperations } from './actions/balance';
import { orderFields, orderHandlers, orderOperations } from './actions/order';
import { positionFields, positionHandlers, positionOperations } from './actions/position';
import { quoteFields, quoteHandlers, quoteOperations } from './actions/quote';
import { readAggMarketCredentials } from './auth';
import { testAggMarketCredential } from './credentialTest';
import { searchMarkets, searchOutcomes } from './pickers';

const handlers: ActionHandlers<AggSessionContext> = {
	balance: balanceHandlers,
	position: positionHandlers,
	order: orderHandlers,
	quote: quoteHandlers,
};

/** Each resource's Operation field, in the order the panel shows them. */
const operations = [balanceOperations, positionOperations, orderOperations, quoteOperations];

export class AggMarket implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'agg.market',
		name: 'aggMarket',
		icon: { light: 'file:aggMarket.svg', dark: 'file:aggMarket.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: operationSubtitle(operations),
		description: 'Read balances, positions and orders and get quotes across prediction-market venues on agg.market',
		defaults: { name: 'agg.market' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		// The name as a literal: n8n's lint reads it to find which node tests the credential.
		credentials: [{ name: 'aggMarketApi', required: true, testedBy: 'testAggMarketCredential' }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Balance', value: 'balance', description: 'Cash per token and chain, and the value of positions per venue' },
					{ name: 'Order', value: 'order', description: 'Orders of the user' },
					{ name: 'Position', value: 'position', description: 'Positions of the user across venues' },
					{ name: 'Quote', value: 'quote', description: 'The price of a buy or sell across venues' },
				],
				default: 'balance',
			},
			...operations,
			...balanceFields,
			...positionFields,
			...orderFields,
			...quoteFields,
		],
	};

	methods = { credentialTest: { testAggMarketCredential }, listSearch: { searchMarkets, searchOutcomes } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const credentials = await readAggMarketCredentials(this);
		const session: AggSessionContext = {
			credentials,
			redactor: new Redactor([credentials.accessToken, credentials.refreshToken, credentials.sessionToken]),
		};
		return await runActions(this, handlers, session);
	}
}
