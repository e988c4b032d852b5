/**
 * The lists the editor offers for Helio's ID fields: the accounts of the credential's login, for
 * the action node's Account ID (searchable) and the trigger's metrics accounts. Helio has no
 * symbol list, so symbols stay typed.
 */
import type { ILoadOptionsFunctions, INodeListSearchResult, INodePropertyOptions } from 'n8n-workflow';
import { labelOf, optionsOf, searchResult, type PickEntry } from '../shared/actions/idPicker';
import { Redactor } from '../shared/redact';
import { accountsOfLogin } from './actions/account';
import { readHelioCredentials, type HelioAccount } from './auth';

function entryOf(account: HelioAccount): PickEntry {
	const group = account.gid === undefined ? undefined : `Group ${String(account.gid)}`;
	return { id: account.id, label: labelOf(account.name, account.id), description: group };
}

async function loginAccounts(context: ILoadOptionsFunctions): Promise<PickEntry[]> {
	const credentials = await readHelioCredentials(context);
	const accounts = await accountsOfLogin(context, credentials, new Redactor([credentials.password, credentials.accessToken]));
	return accounts.map(entryOf);
}

/** listSearch: the login's accounts whose ID or name contains `filter`. */
export async function searchAccounts(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	return searchResult(await loginAccounts(this), filter);
}

/** loadOptions: every account of the login. */
export async function getAccounts(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	return optionsOf(await loginAccounts(this));
}
