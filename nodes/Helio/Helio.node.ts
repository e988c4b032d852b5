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
import { accountFields, accountHandlers, accountOperations } from './actions/account';
import { accountIdField, type HelioSessionContext, type OperationHandler } from './actions/common';
import { historyFields, historyHandlers, historyOperations } from './actions/history';
import { orderFields, orderHandlers, orderOperations } from './actions/order';
import { positionFields, positionHandlers, positionOperations } from './actions/position';
import type { HelioCredentials } from './login';
import { HELIO_CREDENTIAL_TYPE } from './transport';

const handlers: Record<string, Record<string, OperationHandler>> = {
	order: orderHandlers,
	position: positionHandlers,
	history: historyHandlers,
	account: accountHandlers,
};

export class Helio implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Helio',
		name: 'helio',
		icon: { light: 'file:helio.svg', dark: 'file:helio.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Place, amend and cancel orders, manage positions and read the history of your accounts on a Helio broker platform',
		defaults: { name: 'Helio' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: HELIO_CREDENTIAL_TYPE, required: true }],
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
			orderOperations,
			positionOperations,
			historyOperations,
			accountOperations,
			accountIdField(['order', 'position', 'history']),
			...orderFields,
			...positionFields,
			...historyFields,
			...accountFields,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const raw = await this.getCredentials<HelioCredentials>(HELIO_CREDENTIAL_TYPE);
		const credentials: HelioCredentials = {
			baseUrl: String(raw.baseUrl ?? ''),
			email: String(raw.email ?? ''),
			password: String(raw.password ?? ''),
		};
		const session: HelioSessionContext = {
			credentials,
			redactor: new Redactor([raw.password, raw.accessToken]),
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
				const result = await handler.call(this, itemIndex, session);
				for (const json of Array.isArray(result) ? result : [result]) {
					output.push({ json: session.redactor.value(json), pairedItem: { item: itemIndex } });
				}
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
	if (typeof context.field === 'string') json.field = context.field;
	if (error instanceof NodeApiError && error.httpCode) json.httpCode = error.httpCode;
	return json;
}
