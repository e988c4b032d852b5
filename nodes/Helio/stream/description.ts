import type { INodeProperties } from 'n8n-workflow';

import { idListField } from '../../shared/actions/idPicker';
import { streamOptionProperties } from '../../shared/triggerOptions';

/** Helio pings every 20 s: a connection silent for 45 s has missed two of them. */
export const HELIO_STREAM_DEFAULTS = { heartbeatIntervalMs: 15000, silenceTimeoutMs: 45000 };

/** What a Helio Trigger follows; "all" is everything on one connection, as version 1 did. */
export type HelioSource = 'symbols' | 'depth' | 'metrics' | 'all';

const sourceOptions = [
	{ name: 'Account Metrics', value: 'metrics', description: 'Equity, margin and P&L of your accounts (metricsEvent)' },
	{
		name: 'All of These',
		value: 'all',
		description: 'Symbol events, order book depth and account metrics together, over one connection',
	},
	{ name: 'Order Book Depth', value: 'depth', description: 'The order book of chosen symbols, a few price levels per side (depthEvent)' },
	{
		name: 'Symbol Events',
		value: 'symbols',
		description: 'Quotes of chosen symbols, and your executions and portfolio changes in them',
	},
];

/**
 * "Trigger On": n8n's node panel lists the options of the first field so named (or "Events") as
 * the node's triggers, so each source shows there. Version 1 had no such field and followed
 * everything its fields named: its default, All of These, keeps saved workflows as they were.
 */
const sourceFields: INodeProperties[] = [
	{
		displayName: 'Trigger On',
		name: 'source',
		type: 'options',
		noDataExpression: true,
		default: 'all',
		options: sourceOptions,
		displayOptions: { show: { '@version': [1] } },
	},
	{
		displayName: 'Trigger On',
		name: 'source',
		type: 'options',
		noDataExpression: true,
		default: 'symbols',
		options: sourceOptions,
		displayOptions: { show: { '@version': [2] } },
	},
];

const showFor = (...sources: HelioSource[]) => ({ source: [...sources, 'all'] });

/** The Helio Trigger's parameters (the node file holds the rest of its description). */
export const helioTriggerProperties: INodeProperties[] = [
	...sourceFields,
	{
		displayName: 'Symbols',
		name: 'symbols',
		type: 'string',
		displayOptions: { show: showFor('symbols') },
		default: '',
		placeholder: 'EURUSD, GBPUSD',
		description: 'Comma-separated symbols whose quote, execution and portfolio events to receive',
	},
	{
		displayName: 'Events',
		name: 'events',
		type: 'multiOptions',
		displayOptions: { show: showFor('symbols') },
		default: ['quoteEvent', 'executionEvent'],
		options: [
			{ name: 'Execution', value: 'executionEvent', description: 'Your orders accepted, filled, partially filled or cancelled' },
			{ name: 'Portfolio', value: 'portfolioEvent', description: 'Your positions and balances changed' },
			{ name: 'Quote', value: 'quoteEvent', description: 'Bid and ask of the symbols as they move (fast: batch or keep latest)' },
		],
		description: 'Which events of the symbols above start the workflow',
	},
	{
		displayName: 'Order Book Depth Symbols',
		name: 'depthSymbols',
		type: 'string',
		displayOptions: { show: showFor('depth') },
		default: '',
		placeholder: 'EURUSD',
		description: 'Comma-separated symbols whose order-book depth to receive (depthEvent)',
	},
	{
		displayName: 'Depth Levels',
		name: 'depthLevels',
		type: 'number',
		typeOptions: { minValue: 1 },
		displayOptions: { show: showFor('depth') },
		default: 5,
		description: 'Price levels per side of each depth update',
	},
	{
		displayName: 'Account Metrics',
		name: 'metrics',
		type: 'options',
		displayOptions: { show: showFor('metrics') },
		default: 'all',
		options: [
			{ name: 'Every Account of the Login', value: 'all', description: 'Equity, margin and P&L of every account the login returned' },
			{ name: 'None', value: 'none', description: 'No account metrics' },
			{ name: 'These Accounts', value: 'list', description: 'Only the accounts listed in Account IDs' },
		],
		description: 'Whose metricsEvent (equity, margin, P&L) to receive',
	},
	idListField({
		displayName: 'Account IDs',
		name: 'accountIds',
		loadOptionsMethod: 'getAccounts',
		displayOptions: { show: { ...showFor('metrics'), metrics: ['list'] } },
		description: 'The accounts of the login whose metrics to receive',
	}),
	{
		displayName: 'Include Server Errors',
		name: 'includeErrors',
		type: 'boolean',
		default: true,
		description: 'Whether error messages from Helio (with their code) start the workflow as items with event "error"',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: streamOptionProperties(HELIO_STREAM_DEFAULTS),
	},
];
