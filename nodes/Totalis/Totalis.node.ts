import {
	NodeApiError,
	NodeConnectionTypes,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { Redactor } from '../shared/redact';
import type { OperationHandler, TotalisSession } from './actions/common';
import { marketMakerFields, marketMakerHandlers, marketMakerOperations } from './actions/marketMaker';
import { quoteFields, quoteHandlers, quoteOperations } from './actions/quote';
import { quoteRequestFields, quoteRequestHandlers, quoteRequestOperations } from './actions/quoteRequest';
import { TOTALIS_CREDENTIAL_TYPE, type TotalisCredentials } from './transport';

const handlers: Record<string, Record<string, OperationHandler>> = {
	quote: quoteHandlers,
	quoteRequest: quoteRequestHandlers,
	marketMaker: marketMakerHandlers,
};

export class Totalis implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Totalis',
		name: 'totalis',
		icon: { light: 'file:totalis.svg', dark: 'file:totalis.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Quote on parlay requests, confirm accepted quotes and stay live as a market maker on Totalis',
		defaults: { name: 'Totalis' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: TOTALIS_CREDENTIAL_TYPE, required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Quote', value: 'quote', description: 'A quote a taker accepted' },
					{ name: 'Quote Request', value: 'quoteRequest', description: 'A parlay a taker wants priced' },
					{ name: 'Market Maker', value: 'marketMaker', description: 'Your market-maker session' },
				],
				default: 'quote',
			},
			quoteOperations,
			quoteRequestOperations,
			marketMakerOperations,
			...quoteFields,
			...quoteRequestFields,
			...marketMakerFields,
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Rate Limit Max Wait (Seconds)',
						name: 'rateLimitMaxWaitSeconds',
						type: 'number',
						default: 30,
						typeOptions: { minValue: 0 },
						description:
							'When Totalis answers "too many requests" (429), wait as long as it asks and retry, up to this many seconds in total. A longer wait fails at once with the time to retry. 0 never waits.',
					},
				],
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const credentials = await this.getCredentials<TotalisCredentials>(TOTALIS_CREDENTIAL_TYPE);
		const session: TotalisSession = {
			baseUrl: String(credentials.baseUrl ?? ''),
			redactor: new Redactor([credentials.apiKey]),
		};
		const output: INodeExecutionData[] = [];

		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			try {
				const resource = this.getNodeParameter('resource', itemIndex) as string;
				const operation = this.getNodeParameter('operation', itemIndex) as string;
				const handler = handlers[resource]?.[operation];
				if (!handler) {
					throw new NodeOperationError(this.getNode(), `Unknown operation "${operation}" for resource "${resource}"`, {
						itemIndex,
					});
				}
				const json = await handler.call(this, itemIndex, session);
				output.push({ json, pairedItem: { item: itemIndex } });
			} catch (caught) {
				const error = asNodeError(this, caught, itemIndex, session.redactor);
				if (this.continueOnFail()) {
					output.push({ json: errorItem(error), pairedItem: { item: itemIndex } });
					continue;
				}
				throw error;
			}
		}
		return [output];
	}
}

/** Every error leaves the node as a NodeApiError or NodeOperationError, scrubbed of secrets. */
function asNodeError(
	context: IExecuteFunctions,
	caught: unknown,
	itemIndex: number,
	redactor: Redactor,
): NodeApiError | NodeOperationError {
	if (caught instanceof NodeApiError || caught instanceof NodeOperationError) {
		redactor.error(caught);
		if (caught.description) caught.description = redactor.text(caught.description);
		return caught;
	}
	const message = caught instanceof Error ? caught.message : String(caught);
	return new NodeOperationError(context.getNode(), redactor.text(message), { itemIndex });
}

function errorItem(error: NodeApiError | NodeOperationError): IDataObject {
	const json: IDataObject = { error: error.message };
	if (error.description) json.description = error.description;
	const context = error.context ?? {};
	if (typeof context.code === 'string') json.code = context.code;
	if (error instanceof NodeApiError && error.httpCode) json.httpCode = error.httpCode;
	return json;
}
