import {
	NodeConnectionTypes,
	type INodeType,
	type INodeTypeDescription,
	type ITriggerFunctions,
	type ITriggerResponse,
} from 'n8n-workflow';

import { runStreamTrigger } from '../shared/delivery/triggerHost';
import { readTotalisCredentials } from './auth';
import { totalisTriggerProperties } from './stream/description';
import { readTotalisTriggerSettings } from './stream/settings';
import { totalisTriggerSetup } from './stream/setup';
import { chosenNames, propertyNamed } from '../shared/subtitles';
import { testTotalisCredential } from './credentialTest';

export class TotalisTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Totalis Trigger',
		name: 'totalisTrigger',
		icon: { light: 'file:totalis.svg', dark: 'file:totalis.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: `={{ $parameter["source"] === "quoteRequests" ? "Quote requests" : "Events: " + ${chosenNames(propertyNamed(totalisTriggerProperties, 'events'))} }}`,
		description: 'Starts the workflow on Totalis quote, position and quote-request events, over one self-healing connection',
		defaults: { name: 'Totalis Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		// Tested by a method rather than the credential's own `test`, so a failure can name the URL it called.
		// The name as a literal: n8n's lint (credential-test-required) reads it from the source.
		credentials: [{ name: 'totalisApi', required: true, testedBy: 'testTotalisCredential' }],
		properties: totalisTriggerProperties,
	};

	methods = { credentialTest: { testTotalisCredential } };

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		const credentials = await readTotalisCredentials(this);
		const settings = readTotalisTriggerSettings(this);
		return await runStreamTrigger(this, totalisTriggerSetup(this, credentials, settings));
	}
}
