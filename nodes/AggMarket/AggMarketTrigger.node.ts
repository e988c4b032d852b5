import {
	NodeConnectionTypes,
	type INodeType,
	type INodeTypeDescription,
	type ITriggerFunctions,
	type ITriggerResponse,
} from 'n8n-workflow';

import { runStreamTrigger } from '../shared/delivery/triggerHost';
import { readAggMarketCredentials } from './auth';
import { testAggMarketCredential } from './credentialTest';
import { aggMarketTriggerProperties } from './stream/description';
import { readAggMarketTriggerSettings } from './stream/settings';
import { aggMarketTriggerSetup } from './stream/setup';
import { chosenNames, propertyNamed } from '../shared/subtitles';
import { getOutcomes } from './pickers';

export class AggMarketTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'agg.market Trigger',
		name: 'aggMarketTrigger',
		icon: { light: 'file:aggMarket.svg', dark: 'file:aggMarket.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: `={{ $parameter["source"] === "orderBooks" ? "Order books: " + $parameter["outcomeIds"] : "User events: " + ${chosenNames(propertyNamed(aggMarketTriggerProperties, 'events'))} }}`,
		description:
			'Starts the workflow on your agg.market orders and balances, or on order books it keeps in sequence, over one self-healing connection',
		defaults: { name: 'agg.market Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		// The name as a literal: n8n's lint reads it to find which node tests the credential.
		credentials: [{ name: 'aggMarketApi', required: true, testedBy: 'testAggMarketCredential' }],
		properties: aggMarketTriggerProperties,
	};

	methods = { credentialTest: { testAggMarketCredential }, loadOptions: { getOutcomes } };

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		const credentials = await readAggMarketCredentials(this);
		const settings = readAggMarketTriggerSettings(this);
		return await runStreamTrigger(this, aggMarketTriggerSetup(this, credentials, settings));
	}
}
