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
import { accountFields, accountHandlers, accountOperations } from './actions/account';
import { accountIdField, type HelioSessionContext } from './actions/common';
import { historyFields, historyHandlers, historyOperations } from './actions/history';
import { orderFields, orderHandlers, orderOperations } from './actions/order';
import { positionFields, positionHandlers, positionOperations } from './actions/position';
import { readHelioCredentials } from './auth';
import { testHelioCredential } from './credentialTest';
import { searchAccounts } from './pickers';

const handlers: ActionHandlers<HelioSessionContext> = {
	order: orderHandlers,
	position: positionHandlers,
	history: historyHandlers,
	account: accountHandlers,
};

/** Each resource's Operation field, in the order the panel shows them. */
const operations = [orderOperations, positionOperations, historyOperations, accountOperations];

export class Helio implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Helio',
		name: 'helio',
		icon: { light: 'file:helio.svg', dark: 'file:helio.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: operationSubtitle(operations),
		description: 'Place, amend and cancel orders, manage positions and read the history of your accounts on a Helio broker platform',
		defaults: { name: 'Helio' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		// Tested by a method rather than the credential's own `test`, so a failure can name the URL it called.
		// The name as a literal: n8n's lint (credential-test-required) reads it from the source.
		credentials: [{ name: 'helioApi', required: true, testedBy: 'testHelioCredential' }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Account', value: 'account', description: 'The trading accounts of your login' },
					{ name: 'History', value: 'history', description: 'Past orders, positions and deals of an account' },
					{ name: 'Order', value: 'order', description: 'Orders of an account' },
					{ name: 'Position', value: 'position', description: 'Open positions of an account' },
				],
				default: 'order',
			},
			...operations,
			accountIdField(['order', 'position', 'history']),
			...orderFields,
			...positionFields,
			...historyFields,
			...accountFields,
		],
	};

	methods = { credentialTest: { testHelioCredential }, listSearch: { searchAccounts } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const credentials = await readHelioCredentials(this);
		const session: HelioSessionContext = {
			credentials,
			redactor: new Redactor([credentials.password, credentials.accessToken]),
			historyPaths: new Map(),
		};
		return await runActions(this, handlers, session);
	}
}
