import {
	NodeConnectionTypes,
	type INodeType,
	type INodeTypeDescription,
	type ITriggerFunctions,
	type ITriggerResponse,
} from 'n8n-workflow';

import { runStreamTrigger } from '../shared/delivery/triggerHost';
import { readOpenMarketsCredentials } from './auth';
import { channelsField, openMarketsTriggerProperties } from './stream/description';
import { readOpenMarketsTriggerSettings } from './stream/settings';
import { openMarketsTriggerSetup } from './stream/setup';
import { chosenNames } from '../shared/subtitles';
import { testOpenMarketsCredential } from './credentialTest';
import { getContests, getLeagues, getPartners } from './pickers';

export class OpenMarketsTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'OpenMarkets Trigger',
		name: 'openMarketsTrigger',
		icon: { light: 'file:openMarkets.svg', dark: 'file:openMarkets.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: `={{ ($parameter["contests"] === "list" ? "Contests: " + $parameter["contestIds"] : "Leagues: " + $parameter["leagueIds"]) + " · " + ${chosenNames(channelsField)} }}`,
		description:
			'Starts the workflow on OpenMarkets liquidity and contest-state changes, over as many self-healing connections as the contests need',
		defaults: { name: 'OpenMarkets Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		// Tested by a method rather than the credential's own `test`, so a failure can name the URL it called.
		// The name as a literal: n8n's lint (credential-test-required) reads it from the source.
		credentials: [{ name: 'openMarketsApi', required: true, testedBy: 'testOpenMarketsCredential' }],
		properties: openMarketsTriggerProperties,
	};

	methods = { credentialTest: { testOpenMarketsCredential }, loadOptions: { getLeagues, getContests, getPartners } };

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		const credentials = await readOpenMarketsCredentials(this);
		const settings = readOpenMarketsTriggerSettings(this);
		return await runStreamTrigger(this, openMarketsTriggerSetup(this, credentials, settings));
	}
}
