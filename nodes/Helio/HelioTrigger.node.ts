import {
	NodeConnectionTypes,
	type INodeType,
	type INodeTypeDescription,
	type ITriggerFunctions,
	type ITriggerResponse,
} from 'n8n-workflow';

import { runStreamTrigger } from '../shared/delivery/triggerHost';
import { readHelioCredentials } from './auth';
import { getAccounts } from './pickers';
import { helioTriggerProperties } from './stream/description';
import { readHelioTriggerSettings } from './stream/settings';
import { helioTriggerSetup } from './stream/setup';
import { chosenNames, propertyNamed } from '../shared/subtitles';
import { testHelioCredential } from './credentialTest';

export class HelioTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Helio Trigger',
		name: 'helioTrigger',
		icon: { light: 'file:helio.svg', dark: 'file:helio.dark.svg' },
		group: ['trigger'],
		// Version 2 added Trigger On, whose default follows symbol events only (version 1's follows everything).
		version: [1, 2],
		defaultVersion: 2,
		subtitle: `={{ $parameter["source"] === "depth" ? "Depth: " + $parameter["depthSymbols"] : $parameter["source"] === "metrics" ? "Account metrics" : ($parameter["symbols"] ? $parameter["symbols"] + ": " : "") + ${chosenNames(propertyNamed(helioTriggerProperties, 'events'))} }}`,
		description: 'Starts the workflow on Helio quotes, executions, portfolio, depth and account metrics, over one self-healing connection',
		defaults: { name: 'Helio Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		// Tested by a method rather than the credential's own `test`, so a failure can name the URL it called.
		// The name as a literal: n8n's lint (credential-test-required) reads it from the source.
		credentials: [{ name: 'helioApi', required: true, testedBy: 'testHelioCredential' }],
		properties: helioTriggerProperties,
	};

	methods = { credentialTest: { testHelioCredential }, loadOptions: { getAccounts } };

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		const credentials = await readHelioCredentials(this);
		const settings = readHelioTriggerSettings(this);
		return await runStreamTrigger(this, helioTriggerSetup(this, credentials, settings));
	}
}
