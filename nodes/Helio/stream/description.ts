import type { INodeProperties } from 'n8n-workflow';

import { idListField } from '../../shared/actions/idPicker';
import { streamOptionProperties } from '../../shared/triggerOptions';

/** Helio pings every 20 s: a connection silent for 45 s has missed two of them. */
export const HELIO_STREAM_DEFAULTS = { heartbeatIntervalMs: 15000, silenceTimeoutMs: 45000 };

/** The Helio Trigger's parameters (the node file holds the rest of its description). */
export const helioTriggerProperties: INodeProperties[] = [
	{
		displayName: 'Symbols',
		name: 'symbols',
		type: 'string',
		default: '',
		placeholder: 'EURUSD, GBPUSD',
		description: 'Comma-separated symbols whose quote, execution and portfolio events to receive',
	},
	{
		displayName: 'Events',
		name: 'events',
		type: 'multiOptions',
		default: ['quoteEvent', 'executionEvent'],
		options: [
			{ name: 'Quote', value: 'quoteEvent', description: 'Bid and ask of the symbols as they move (fast: batch or keep latest)' },
			{ name: 'Execution', value: 'executionEvent', description: 'Your orders accepted, filled, partially filled or cancelled' },
			{ name: 'Portfolio', value: 'portfolioEvent', description: 'Your positions and balances changed' },
		],
		description: 'Which events of the symbols above start the workflow',
	},
	{
		displayName: 'Order Book Depth Symbols',
		name: 'depthSymbols',
		type: 'string',
		default: '',
		placeholder: 'EURUSD',
		description: 'Comma-separated symbols whose order-book depth to receive (depthEvent)',
	},
	{
		displayName: 'Depth Levels',
		name: 'depthLevels',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 5,
		description: 'Price levels per side of each depth update',
	},
	{
		displayName: 'Account Metrics',
		name: 'metrics',
		type: 'options',
		default: 'all',
		options: [
			{ name: 'Every Account of the Login', value: 'all', description: 'Equity, margin and P&L of every account the login returned' },
			{ name: 'These Accounts', value: 'list' },
			{ name: 'None', value: 'none' },
		],
		description: 'Whose metricsEvent (equity, margin, P&L) to receive',
	},
	idListField({
		displayName: 'Account IDs',
		name: 'accountIds',
		loadOptionsMethod: 'getAccounts',
		displayOptions: { show: { metrics: ['list'] } },
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
