import type { INodeProperties } from 'n8n-workflow';

import { idListField } from '../../shared/actions/idPicker';
import { streamOptionProperties } from '../../shared/triggerOptions';
import { VENUES } from '../actions/quote';
import { ORDER_EVENT_KINDS, type OrderEventKind } from './userEvents';

/** agg.market sends a heartbeat every 15 s: a socket silent for 40 s has missed two. */
export const AGG_STREAM_DEFAULTS = { heartbeatIntervalMs: 15000, silenceTimeoutMs: 40000 };

/** agg.market's limit of order-book subscriptions per connection. */
export const MAX_OUTCOMES_PER_CONNECTION = 100;

/** How many connections one Order Books trigger may open by default (agg.market documents no limit). */
export const DEFAULT_MAX_BOOK_CONNECTIONS = 5;

/**
 * agg.market runs an order as an execution plan of steps (its "DAG": approvals, transfers, a leg
 * per venue); each kind in plain words, sorted by name, with agg.market's own word in the description.
 */
const ORDER_EVENT_OPTIONS: Record<OrderEventKind, { name: string; help: string }> = {
	dag_started: { name: 'Execution Started', help: 'agg.market started executing the order, step by step' },
	dag_completed: { name: 'Execution Completed', help: 'Every step of the order is done' },
	dag_failed: { name: 'Execution Failed', help: 'The execution of the order stopped on a failure' },
	dag_cancelled: { name: 'Execution Cancelled', help: 'The execution of the order was cancelled' },
	step_started: { name: 'Step Started', help: 'One step of the execution (an approval, a transfer, a venue leg) started' },
	step_completed: { name: 'Step Completed', help: 'One step of the execution is done' },
	step_waiting: { name: 'Step Waiting', help: 'A step waits, e.g. for a transfer to arrive' },
	step_failed: { name: 'Step Failed', help: 'A step failed' },
	step_retrying: { name: 'Step Retried', help: 'A step failed and is being tried again' },
	filled: { name: 'Order Filled', help: 'The order filled completely' },
	partial_fill: { name: 'Order Partially Filled', help: 'Part of the order filled' },
	failed: { name: 'Order Failed', help: 'The order failed' },
};

const orderEventOptions = ORDER_EVENT_KINDS.map((kind) => ({
	name: ORDER_EVENT_OPTIONS[kind].name,
	value: kind,
	description: `${ORDER_EVENT_OPTIONS[kind].help} (agg.market event ${kind})`,
})).sort((a, b) => a.name.localeCompare(b.name));

/** How the venues' names are written. */
const VENUE_NAMES: Record<string, string> = { kalshi: 'Kalshi', limitless: 'Limitless', opinion: 'Opinion', polymarket: 'Polymarket' };

const showFor = (source: string) => ({ displayOptions: { show: { source: [source] } } });

/** The agg.market Trigger's parameters (the node file holds the rest of its description). */
export const aggMarketTriggerProperties: INodeProperties[] = [
	{
		// "Trigger On": n8n's node panel lists the options of the first field so named (or "Events")
		// as the node's triggers, so each source shows there.
		displayName: 'Trigger On',
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
		options: orderEventOptions,
		description:
			'Which steps, fills and failures of an order pass (the "event" field of agg.market\'s order_event); none selected passes all twelve',
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
		displayName: 'Add Balances in Currency Units',
		name: 'centsToAmounts',
		type: 'boolean',
		default: true,
		description:
			'Whether balance updates also carry tradingBalance and walletBalance in currency units (e.g. 7331.62), beside the cents agg.market sends (tradingBalanceCents, walletBalanceCents: 733162)',
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
		displayName: 'Interval (Milliseconds)',
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
