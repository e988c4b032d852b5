import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { operationSubtitle } from '../shared/subtitles';
import { runActions, type ActionHandlers } from '../shared/actions/runActions';
import { Redactor } from '../shared/redact';
import type { OpenMarketsSession } from './actions/common';
import { contestFields, contestHandlers, contestOperations } from './actions/contest';
import { contestStateFields, contestStateHandlers, contestStateOperations } from './actions/contestState';
import { depthFields, depthHandlers, depthOperations } from './actions/depth';
import { leagueFields, leagueHandlers, leagueOperations } from './actions/league';
import { liquidityFields, liquidityHandlers, liquidityOperations } from './actions/liquidity';
import { participantFields, participantHandlers, participantOperations } from './actions/participant';
import { readOpenMarketsCredentials } from './auth';
import { testOpenMarketsCredential } from './credentialTest';
import { getContests, getLeagues, getPartners, searchContests } from './pickers';

const handlers: ActionHandlers<OpenMarketsSession> = {
	league: leagueHandlers,
	participant: participantHandlers,
	contest: contestHandlers,
	liquidity: liquidityHandlers,
	depth: depthHandlers,
	contestState: contestStateHandlers,
};

/** Each resource's Operation field, in the order the panel shows them. */
const operations = [
	contestOperations,
	contestStateOperations,
	depthOperations,
	leagueOperations,
	liquidityOperations,
	participantOperations,
];

export class OpenMarkets implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'OpenMarkets',
		name: 'openMarkets',
		icon: { light: 'file:openMarkets.svg', dark: 'file:openMarkets.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: operationSubtitle(operations),
		description: 'Read sports contests and their liquidity across partners (Kalshi, Polymarket, …) from OpenMarkets',
		defaults: { name: 'OpenMarkets' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		// Tested by a method rather than the credential's own `test`, so a failure can name the URL it called.
		// The name as a literal: n8n's lint (credential-test-required) reads it from the source.
		credentials: [{ name: 'openMarketsApi', required: true, testedBy: 'testOpenMarketsCredential' }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Contest', value: 'contest', description: 'Games between two participants of a league' },
					{ name: 'Contest State', value: 'contestState', description: 'Where a contest stands: status, score, period' },
					{ name: 'Depth', value: 'depth', description: 'The price levels of one position at each partner' },
					{ name: 'League', value: 'league', description: 'The leagues OpenMarkets covers' },
					{ name: 'Liquidity', value: 'liquidity', description: "A contest's positions with each partner's price and size" },
					{ name: 'Participant', value: 'participant', description: 'The teams of the leagues' },
				],
				default: 'contest',
			},
			...operations,
			...contestFields,
			...contestStateFields,
			...depthFields,
			...leagueFields,
			...liquidityFields,
			...participantFields,
		],
	};

	methods = {
		credentialTest: { testOpenMarketsCredential },
		listSearch: { searchContests },
		loadOptions: { getLeagues, getContests, getPartners },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const credentials = await readOpenMarketsCredentials(this);
		const session: OpenMarketsSession = {
			baseUrl: credentials.baseUrl,
			redactor: new Redactor([credentials.apiKey]),
			credentials,
		};
		return await runActions(this, handlers, session);
	}
}
