/**
 * Resource "Account": the trading accounts of the credential's login. Helio has no REST call
 * that lists them; its login answers them. So List logs in with the credential's Email and
 * Password (the same helioLogin the credential's preAuthentication uses) and outputs the
 * accounts, never the session token.
 */
import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
	type JsonObject,
} from 'n8n-workflow';
import { executionCancelSignal } from '../../shared/rest';
import { findLoginError, helioLogin, loginFailureWording } from '../auth';
import { HELIO_VENUE } from '../transport';
import type { HelioSessionContext, OperationHandler } from './common';

export const accountOperations: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['account'] } },
	options: [
		{
			name: 'List',
			value: 'list',
			action: 'List the trading accounts',
			description: "The trading accounts of the credential's login, one item each (their ID is the Account ID of the other operations)",
		},
	],
	default: 'list',
};

export const accountFields: INodeProperties[] = [];

async function list(this: IExecuteFunctions, itemIndex: number, session: HelioSessionContext): Promise<IDataObject[]> {
	try {
		const login = await helioLogin((options) => this.helpers.httpRequest(options), session.credentials, {
			signal: executionCancelSignal(this),
		});
		session.redactor.add(login.accessToken);
		return login.accounts.map((account) => ({ ...account }) as IDataObject);
	} catch (error) {
		const failure = findLoginError(error);
		if (!failure) throw new NodeOperationError(this.getNode(), error as Error, { itemIndex });
		const wording = loginFailureWording(failure);
		const info = session.redactor.value({
			venue: HELIO_VENUE,
			action: 'list the accounts of the login',
			code: wording.code ?? 'LOGIN_REFUSED',
			...(wording.httpStatus ? { httpStatus: wording.httpStatus } : {}),
			...(wording.info ?? {}),
		}) as JsonObject;
		const apiError = new NodeApiError(this.getNode(), info, { itemIndex });
		// Set after construction: NodeApiError rewrites messages about common network failures.
		apiError.message = session.redactor.text(wording.message);
		apiError.description = wording.description ? session.redactor.text(wording.description) : null;
		apiError.httpCode = wording.httpStatus ? String(wording.httpStatus) : null;
		apiError.messages = [];
		Object.assign(apiError.context, info);
		throw apiError;
	}
}

export const accountHandlers: Record<string, OperationHandler> = { list };
