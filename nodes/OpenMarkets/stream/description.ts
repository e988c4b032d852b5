import type { INodeProperties } from 'n8n-workflow';

import { idListField } from '../../shared/actions/idPicker';
import { streamOptionProperties } from '../../shared/triggerOptions';

/** The client pings every 15 s and OpenMarkets pings every 25 s: 40 s of silence is a dead socket. */
export const OPENMARKETS_STREAM_DEFAULTS = { heartbeatIntervalMs: 15000, silenceTimeoutMs: 40000 };

/** OpenMarkets' documented limits per API key. */
export const DEFAULT_MAX_CONNECTIONS = 3;
export const DEFAULT_MAX_CONTESTS_PER_CONNECTION = 200;

const showFor = (contests: string) => ({ displayOptions: { show: { contests: [contests] } } });

/** The stream's channels: the trigger's field, and Contest → Watch's (with its own displayOptions). */
export const channelsField: INodeProperties = {
	displayName: 'Channels',
	name: 'channels',
	type: 'multiOptions',
	default: ['liquidity', 'contest_state'],
	options: [
		{
			name: 'Liquidity',
			value: 'liquidity',
			description: 'Price and size changes per partner (liquidity.update), and full books (liquidity.snapshot)',
		},
		{ name: 'Contest State', value: 'contest_state', description: 'Status, period, clock and score changes' },
	],
};

/** The OpenMarkets Trigger's parameters (the node file holds the rest of its description). */
export const openMarketsTriggerProperties: INodeProperties[] = [
	{
		displayName: 'Contests',
		name: 'contests',
		type: 'options',
		noDataExpression: true,
		default: 'rule',
		options: [
			{
				name: 'Follow a Rule',
				value: 'rule',
				description: 'Every contest of some leagues starting within the next hours, re-read on an interval',
			},
			{ name: 'These Contests', value: 'list', description: 'A fixed list of contest IDs' },
		],
	},
	{
		...idListField({
			displayName: 'League IDs',
			name: 'leagueIds',
			loadOptionsMethod: 'getLeagues',
			required: true,
			description: 'The leagues whose contests to follow',
		}),
		...showFor('rule'),
	},
	{
		displayName: 'Starting Within (Hours)',
		name: 'withinHours',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 24,
		description: 'Follow contests that start within this many hours, and those under way; finished contests are dropped',
		...showFor('rule'),
	},
	{
		displayName: 'Refresh Every (Minutes)',
		name: 'refreshMinutes',
		type: 'number',
		typeOptions: { minValue: 0.05 },
		default: 5,
		description: 'How often the rule is re-read: new contests are subscribed and finished ones unsubscribed on the open connections',
		...showFor('rule'),
	},
	{
		...idListField({
			displayName: 'Contest IDs',
			name: 'contestIds',
			loadOptionsMethod: 'getContests',
			required: true,
			description: 'The contests to follow',
		}),
		...showFor('list'),
	},
	// "Trigger On" here: n8n's node panel lists the options of the first field so named (or
	// "Events") as the node's triggers, so each channel shows there.
	{ ...channelsField, displayName: 'Trigger On' },
	idListField({
		displayName: 'Partners',
		name: 'partners',
		loadOptionsMethod: 'getPartners',
		dependsOn: ['contestIds'],
		description:
			"Partners whose liquidity passes (the list offers those quoting on the chosen contests' books); none chosen passes every partner",
	}),
	{
		displayName: 'Min Price Move (0–1 Price Scale)',
		name: 'minPriceMove',
		type: 'number',
		typeOptions: { minValue: 0, numberPrecision: 4 },
		default: 0,
		description:
			'Pass a change only when its price moved at least this much since the last change that passed for the same liquidity (0 = any). OpenMarkets prices run from 0 to 1 (0.52 is 52 cents on the dollar): 0.02 is a 2-cent move. With Min Size Change also set, either is enough.',
	},
	{
		displayName: 'Min Size Change',
		name: 'minSizeChange',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 0,
		description:
			"Pass a change only when the available size (the partner's available, in its units) changed at least this much since the last change that passed (0 = any)",
	},
	{
		displayName: 'Snapshot on Subscribe',
		name: 'snapshotOnSubscribe',
		type: 'boolean',
		default: true,
		description:
			"Whether each contest's full book is emitted (liquidity.snapshot) when it is first subscribed. Full books are always emitted after a reconnect and when OpenMarkets says refresh_required.",
	},
	{
		displayName: 'Include Errors',
		name: 'includeErrors',
		type: 'boolean',
		default: true,
		description:
			"Whether OpenMarkets' error messages, a failed snapshot, and the follow rule going over the limits or matching no contest start the workflow as items",
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Max Connections',
				name: 'maxConnections',
				type: 'number',
				typeOptions: { minValue: 1, numberPrecision: 0 },
				default: DEFAULT_MAX_CONNECTIONS,
				description:
					'Connections this trigger may open (OpenMarkets allows 3 per key by default; keep room for other triggers on the same key)',
			},
			{
				displayName: 'Max Contests per Connection',
				name: 'maxContestsPerConnection',
				type: 'number',
				typeOptions: { minValue: 1, numberPrecision: 0 },
				default: DEFAULT_MAX_CONTESTS_PER_CONNECTION,
				description: 'OpenMarkets allows 200',
			},
			...streamOptionProperties(OPENMARKETS_STREAM_DEFAULTS),
		],
	},
];
