import type { INodeProperties } from 'n8n-workflow';

import { idListField } from '../../shared/actions/idPicker';
import { streamOptionProperties } from '../../shared/triggerOptions';
import { VENUES } from '../actions/quote';
import { ORDER_EVENT_KINDS } from './userEvents';

/** agg.market sends a heartbeat every 15 s: a socket silent for 40 s has missed two. */
export const AGG_STREAM_DEFAULTS = { heartbeatIntervalMs: 15000, silenceTimeoutMs: 40000 };

/** agg.market's limit of order-book subscriptions per connection. */
export const MAX_OUTCOMES_PER_CONNECTION = 100;

/** How many connections one Order Books trigger may open by default (agg.market documents no limit). */
export const DEFAULT_MAX_BOOK_CONNECTIONS = 5;

const title = (value: string) => value.replace(/_/g, ' ').replace(/^\w/, (first) => first.toUpperCase());

/** How the venues' names are written. */
const VENUE_NAMES: Record<string, string> = { kalshi: 'Kalshi', limitless: 'Limitless', opinion: 'Opinion', polymarket: 'Polymarket' };

const showFor = (source: string) => ({ displayOptions: { show: { source: [source] } } });

/** The agg.market Trigger's parameters (the node file holds the rest of its description). */
export const aggMarketTriggerProperties: INodeProperties[] = [
	{
		displayName: 'Source',
		name: 'source',
		type: 'options',
		noDataExpression: true,
		default: 'userEvents',
		options: [
			{
				name: 'User Events',
				value: 'userEvents',
				description: 'Your orders submitted and moving through their steps to fill or failure, and your balances',
			},
			{
				name: 'Order Books',
				value: 'orderBooks',
				description: 'Aggregated order books of chosen outcomes, kept in sequence and checksum-verified',
			},
		],
	},
	{
		displayName: 'Events',
		name: 'events',
		type: 'multiOptions',
		default: ['order_submitted', 'order_event', 'balance_update'],
		options: [
			{ name: 'Order Submitted', value: 'order_submitted', description: 'An order was placed' },
			{ name: 'Order Event', value: 'order_event', description: 'A step, fill or failure of an order (see Order Event Types)' },
			{ name: 'Balance Update', value: 'balance_update', description: 'Trading and wallet balance of a venue changed' },
		],
		description: 'Which user events start the workflow',
		...showFor('userEvents'),
	},
	{
		displayName: 'Order Event Types',
		name: 'orderEvents',
		type: 'multiOptions',
		default: [],
		options: ORDER_EVENT_KINDS.map((kind) => ({ name: title(kind), value: kind })),
		description: 'Which kinds of order_event pass (its "event" field); none selected passes all twelve',
		...showFor('userEvents'),
	},
	{
		displayName: 'Venues',
		name: 'venues',
		type: 'multiOptions',
		default: [],
		options: [...VENUES].sort().map((venue) => ({ name: VENUE_NAMES[venue] ?? venue, value: venue })),
		description:
			'Venues whose events pass; none chosen passes every venue. An expression may name others (a list, or venues separated by commas).',
		...showFor('userEvents'),
	},
	{
		displayName: 'Add Amounts From Cents',
		name: 'centsToAmounts',
		type: 'boolean',
		default: true,
		description: 'Whether balance updates also carry tradingBalance and walletBalance in currency units (the cents fields divided by 100)',
		...showFor('userEvents'),
	},
	{
		...idListField({
			displayName: 'Outcome IDs',
			name: 'outcomeIds',
			loadOptionsMethod: 'getOutcomes',
			required: true,
			description: `The outcomes whose books to keep (the list offers those of your positions and orders); every ${MAX_OUTCOMES_PER_CONNECTION} (agg.market's limit per connection) take one more connection`,
		}),
		...showFor('orderBooks'),
	},
	{
		displayName: 'Emit',
		name: 'bookEmission',
		type: 'options',
		default: 'topOfBook',
		options: [
			{ name: 'Every Change', value: 'everyChange', description: 'The full book after every snapshot and delta (busy)' },
			{
				name: 'Top of Book When It Changes',
				value: 'topOfBook',
				description: 'Best bid and ask, midpoint and spread, when one of them changes',
			},
			{
				name: 'Full Book at Most Once per Interval',
				value: 'throttled',
				description: 'The latest full book of each outcome, at most once per Interval',
			},
		],
		description: 'What each book item holds, and how often it comes',
		...showFor('orderBooks'),
	},
	{
		displayName: 'Interval (Ms)',
		name: 'bookIntervalMs',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 1000,
		description: 'At most one book per outcome in this period',
		displayOptions: { show: { source: ['orderBooks'], bookEmission: ['throttled'] } },
	},
	{
		displayName: 'Verify Checksums',
		name: 'verifyChecksum',
		type: 'boolean',
		default: true,
		description:
			"Whether to check each snapshot and delta against its checksum, in the form agg.market's first snapshot shows, and ask for a fresh snapshot on a mismatch. Checking stops by itself, with a warning item, when no known form fits; sequence gaps are still caught.",
		...showFor('orderBooks'),
	},
	{
		displayName: 'Include Errors',
		name: 'includeErrors',
		type: 'boolean',
		default: true,
		description: 'Whether error messages from agg.market (a refused action) also start the workflow, as "error" items',
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
				default: DEFAULT_MAX_BOOK_CONNECTIONS,
				description: `Order Books: connections this trigger may open, ${MAX_OUTCOMES_PER_CONNECTION} outcomes each`,
			},
			...streamOptionProperties(AGG_STREAM_DEFAULTS),
		],
	},
];
