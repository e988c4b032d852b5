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
import { MAX_RATE_LIMIT_WAIT_SECONDS, type TotalisSession } from './actions/common';
import { marketMakerFields, marketMakerHandlers, marketMakerOperations } from './actions/marketMaker';
import { quoteFields, quoteHandlers, quoteOperations } from './actions/quote';
import { quoteRequestFields, quoteRequestHandlers, quoteRequestOperations } from './actions/quoteRequest';
import { readTotalisCredentials } from './auth';
import { testTotalisCredential } from './credentialTest';

const handlers: ActionHandlers<TotalisSession> = {
	quote: quoteHandlers,
	quoteRequest: quoteRequestHandlers,
	marketMaker: marketMakerHandlers,
};

/** Each resource's Operation field, in the order the panel shows them. */
const operations = [quoteOperations, quoteRequestOperations, marketMakerOperations];

export class Totalis implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Totalis',
		name: 'totalis',
		icon: { light: 'file:totalis.svg', dark: 'file:totalis.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: operationSubtitle(operations),
		description: 'Quote on parlay requests, confirm accepted quotes and stay live as a market maker on Totalis',
		defaults: { name: 'Totalis' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		// Tested by a method rather than the credential's own `test`, so a failure can name the URL it called.
		// The name as a literal: n8n's lint (credential-test-required) reads it from the source.
		credentials: [{ name: 'totalisApi', required: true, testedBy: 'testTotalisCredential' }],
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
			...operations,
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
						typeOptions: { minValue: 0, maxValue: MAX_RATE_LIMIT_WAIT_SECONDS },
						description: `When Totalis answers "too many requests" (429), wait as long as it asks and retry, up to this many seconds in total (at most ${MAX_RATE_LIMIT_WAIT_SECONDS}). A longer wait fails at once with the time to retry. 0 never waits.`,
					},
				],
			},
		],
	};

	methods = { credentialTest: { testTotalisCredential } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const credentials = await readTotalisCredentials(this);
		const session: TotalisSession = { baseUrl: credentials.baseUrl, redactor: new Redactor([credentials.apiKey]) };
		return await runActions(this, handlers, session);
	}
}
