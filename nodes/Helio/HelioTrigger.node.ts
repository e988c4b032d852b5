import {
	NodeConnectionTypes,
	type INodeType,
	type INodeTypeDescription,
	type ITriggerFunctions,
	type ITriggerResponse,
} from 'n8n-workflow';

import { runStreamTrigger } from '../shared/delivery/triggerHost';
import { HELIO_CREDENTIAL_TYPE, readHelioCredentials } from './auth';
import { getAccounts } from './pickers';
import { helioTriggerProperties } from './stream/description';
import { readHelioTriggerSettings } from './stream/settings';
import { helioTriggerSetup } from './stream/setup';
import { chosenNames, propertyNamed } from '../shared/subtitles';

export class HelioTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Helio Trigger',
		name: 'helioTrigger',
		icon: { light: 'file:helio.svg', dark: 'file:helio.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: `={{ ($parameter["symbols"] ? $parameter["symbols"] + ": " : "") + ${chosenNames(propertyNamed(helioTriggerProperties, 'events'))} }}`,
		description: 'Starts the workflow on Helio quotes, executions, portfolio, depth and account metrics, over one self-healing connection',
		defaults: { name: 'Helio Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: HELIO_CREDENTIAL_TYPE, required: true }],
		properties: helioTriggerProperties,
	};

	methods = { loadOptions: { getAccounts } };

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		const credentials = await readHelioCredentials(this);
		const settings = readHelioTriggerSettings(this);
		return await runStreamTrigger(this, helioTriggerSetup(this, credentials, settings));
	}
}
