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
	type ILoadOptionsFunctions,
	type INodeProperties,
	type JsonObject,
} from 'n8n-workflow';
import { executionCancelSignal } from '../../shared/rest';
import type { Redactor } from '../../shared/redact';
import { findLoginError, helioLogin, loginFailureWording, type HelioAccount, type HelioCredentials } from '../auth';
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
	const accounts = await accountsOfLogin(this, session.credentials, session.redactor, {
		signal: executionCancelSignal(this),
		itemIndex,
	});
	return accounts.map((account) => ({ ...account }) as IDataObject);
}

/**
 * The accounts of the credential's login (Helio lists them only in the login's answer): for
 * Account → List and for the account pickers. A refused or failed login is a NodeApiError in
 * Helio's words, with every secret redacted; the token is added to `redactor`.
 */
export async function accountsOfLogin(
	context: Pick<IExecuteFunctions, 'getNode' | 'helpers'> | Pick<ILoadOptionsFunctions, 'getNode' | 'helpers'>,
	credentials: HelioCredentials,
	redactor: Redactor,
	options: { signal?: AbortSignal; itemIndex?: number } = {},
): Promise<HelioAccount[]> {
	try {
		const login = await helioLogin((request) => context.helpers.httpRequest(request), credentials, { signal: options.signal });
		redactor.add(login.accessToken);
		return login.accounts;
	} catch (error) {
		const failure = findLoginError(error);
		const itemIndex = options.itemIndex;
		if (!failure) throw new NodeOperationError(context.getNode(), error as Error, { itemIndex });
		const wording = loginFailureWording(failure);
		const info = redactor.value({
			venue: HELIO_VENUE,
			action: 'list the accounts of the login',
			code: wording.code ?? 'LOGIN_REFUSED',
			...(wording.httpStatus ? { httpStatus: wording.httpStatus } : {}),
			...(wording.info ?? {}),
		}) as JsonObject;
		const apiError = new NodeApiError(context.getNode(), info, { itemIndex });
		// Set after construction: NodeApiError rewrites messages about common network failures.
		apiError.message = redactor.text(wording.message);
		apiError.description = wording.description ? redactor.text(wording.description) : null;
		apiError.httpCode = wording.httpStatus ? String(wording.httpStatus) : null;
		apiError.messages = [];
		Object.assign(apiError.context, info);
		throw apiError;
	}
}

export const accountHandlers: Record<string, OperationHandler> = { list };
