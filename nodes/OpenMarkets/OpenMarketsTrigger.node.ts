import {
	NodeConnectionTypes,
	type INodeType,
	type INodeTypeDescription,
	type ITriggerFunctions,
	type ITriggerResponse,
} from 'n8n-workflow';

import { runStreamTrigger } from '../shared/delivery/triggerHost';
import { OPENMARKETS_CREDENTIAL_TYPE, readOpenMarketsCredentials } from './auth';
import { channelsField, openMarketsTriggerProperties } from './stream/description';
import { readOpenMarketsTriggerSettings } from './stream/settings';
import { openMarketsTriggerSetup } from './stream/setup';
import { chosenNames } from '../shared/subtitles';
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
		credentials: [{ name: OPENMARKETS_CREDENTIAL_TYPE, required: true }],
		properties: openMarketsTriggerProperties,
	};

	methods = { loadOptions: { getLeagues, getContests, getPartners } };

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		const credentials = await readOpenMarketsCredentials(this);
		const settings = readOpenMarketsTriggerSettings(this);
		return await runStreamTrigger(this, openMarketsTriggerSetup(this, credentials, settings));
	}
}
