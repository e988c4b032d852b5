import type { INodeProperties } from 'n8n-workflow';

import { streamOptionProperties } from '../../shared/triggerOptions';
import { WEBSOCKET_EVENTS } from './schemas';

export const TOTALIS_STREAM_DEFAULTS = { heartbeatIntervalMs: 15000, silenceTimeoutMs: 40000 };

/** Each WebSocket event in plain words; the description names Totalis's own event type. */
const EVENTS: Record<string, { name: string; help: string }> = {
	'quote:accepted': { name: 'Quote Accepted', help: 'A taker accepted your quote: confirm it before its confirmation_deadline' },
	'mm_quote:accepted': {
		name: 'Quote Accepted (Market-Maker Details)',
		help: 'The same acceptance with the details a market maker needs: the quote, its cost and exposure legs',
	},
	'quote:confirmed': { name: 'Quote Confirmed', help: 'You confirmed the quote; settlement begins' },
	'quote:executed': { name: 'Quote Executed', help: 'The position was created in the on-chain vault' },
	'quote:expired': { name: 'Quote Expired', help: 'The quote expired before it was confirmed' },
	'quote:rejected': { name: 'Quote Rejected', help: "Another market maker's quote was accepted instead" },
	'quote:withdrawn': { name: 'Quote Withdrawn', help: 'You withdrew the quote' },
	'position:created': { name: 'Position Created', help: 'The vault position was created and the collateral locked' },
	'position:settled': { name: 'Position Settled', help: 'The position settled with its outcome' },
	'position:cancelled': { name: 'Position Cancelled', help: 'The position was cancelled and the collateral unlocked' },
	'position:error': { name: 'Position Error', help: 'Executing the position failed' },
};

/** The Totalis Trigger's parameters (the node file holds the rest of its description). */
export const totalisTriggerProperties: INodeProperties[] = [
	{
		// "Trigger On": n8n's node panel lists the options of the first field so named (or "Events")
		// as the node's triggers, so each source shows there.
		displayName: 'Trigger On',
		name: 'source',
		type: 'options',
		noDataExpression: true,
		default: 'websocket',
		options: [
			{
				name: 'Quote & Position Events',
				// n8n's panel would drop the "&" and the brackets ("On quote position events").
				action: 'On quote and position events',
				value: 'websocket',
				description: 'The WebSocket: your quotes accepted, confirmed, expired…, positions created and settled',
			},
			{
				name: 'Quote Requests (Market Maker)',
				action: 'On quote requests (market maker)',
				value: 'quoteRequests',
				description: 'The market-maker stream of quote requests to price: a snapshot, then new, updated and removed requests',
			},
		],
	},
	// --- WebSocket ----------------------------------------------------------------------
	{
		displayName: 'Events',
		name: 'events',
		type: 'multiOptions',
		displayOptions: { show: { source: ['websocket'] } },
		default: ['*'],
		options: [
			{ name: 'All Events', value: '*', description: 'Every event, including types Totalis adds later' },
			...WEBSOCKET_EVENTS.map((event) => ({
				name: EVENTS[event]?.name ?? event,
				value: event,
				description: `${EVENTS[event]?.help ?? 'An event'} (Totalis event ${event})`,
			})),
		],
		description: 'Which events start the workflow',
	},
	{
		displayName: 'Subscribe To',
		name: 'channels',
		type: 'multiOptions',
		displayOptions: { show: { source: ['websocket'] } },
		default: ['marketMakerQuotes'],
		options: [
			{
				name: 'My Market-Maker Quotes',
				value: 'marketMakerQuotes',
				description:
					'Channel mm:quotes:{your market-maker ID}: the lifecycle of every quote you submit (with Follow My Trades, their positions too)',
			},
			{ name: 'Specific RFQs', value: 'rfqs', description: 'Channel rfq:{RFQ ID} for each RFQ ID below' },
		],
	},
	{
		displayName: 'RFQ IDs',
		name: 'rfqIds',
		type: 'string',
		displayOptions: { show: { source: ['websocket'], channels: ['rfqs'] } },
		default: '',
		placeholder: '550e8400-e29b-41d4-a716-446655440000, …',
		description: 'Comma-separated RFQ IDs whose position events to follow',
	},
	{
		displayName: 'Market Maker ID',
		name: 'marketMakerId',
		type: 'string',
		displayOptions: { show: { source: ['websocket'], channels: ['marketMakerQuotes'] } },
		default: '',
		description:
			'Leave empty to use the user_id Totalis returns at login (as its documentation does). Set it if your quotes arrive on another ID, e.g. the mm_id of the market-maker heartbeat.',
	},
	{
		displayName: 'Follow My Trades',
		name: 'followTrades',
		type: 'boolean',
		displayOptions: { show: { source: ['websocket'], channels: ['marketMakerQuotes'] } },
		default: true,
		description:
			"Whether to subscribe to a trade's rfq:{RFQ ID} channel when one of your quotes is accepted or confirmed, so its position events (created, settled, cancelled, error) arrive: Totalis sends them there, not on your market-maker channel. The channel is left after the position ends or after Follow For (Minutes); an event that arrives on both channels starts the workflow once.",
	},
	{
		displayName: 'Follow For (Minutes)',
		name: 'followForMinutes',
		type: 'number',
		typeOptions: { minValue: 0 },
		displayOptions: { show: { source: ['websocket'], channels: ['marketMakerQuotes'], followTrades: [true] } },
		default: 1440,
		description:
			'How long to follow a trade at most when no settled, cancelled or error event ends it first (a parlay settles when its last leg resolves). At most 1,000 trades are followed at once; the oldest is left first.',
	},
	{
		displayName: 'Merge Accepted Events',
		name: 'mergeAccepted',
		type: 'boolean',
		displayOptions: { show: { source: ['websocket'] } },
		default: true,
		description:
			'Whether to turn quote:accepted and mm_quote:accepted for one acceptance into one quote:accepted item, whichever arrives first (its mergedFrom field lists both)',
	},
	{
		displayName: 'Merge Wait (Milliseconds)',
		name: 'mergeWaitMs',
		type: 'number',
		typeOptions: { minValue: 0 },
		displayOptions: { show: { source: ['websocket'], mergeAccepted: [true] } },
		default: 150,
		description:
			"How long the first of the two accepted events waits for its partner before it is emitted alone (0: emit at once; the partner is then dropped). The quote's later events wait behind it, so they keep their order. Counts against the confirmation deadline.",
	},
	{
		displayName: 'Confirm Accepted Quotes',
		name: 'confirmAcceptedQuotes',
		type: 'boolean',
		displayOptions: { show: { source: ['websocket'] } },
		default: false,
		description:
			'Whether the trigger itself confirms each accepted quote the moment its first acceptance event arrives, before any workflow runs, so n8n\'s load cannot make it miss the deadline. The acceptance item then says what happened in "confirmation" (confirmed, declined by a guard, or failed). Leave off to confirm in the workflow (Totalis → Quote → Confirm) when the decision needs more than the guards below.',
	},
	{
		displayName: 'Confirm Guards',
		name: 'confirmGuards',
		type: 'collection',
		placeholder: 'Add guard',
		displayOptions: { show: { source: ['websocket'], confirmAcceptedQuotes: [true] } },
		default: {},
		description:
			'Limits checked before each confirm; a quote that fails one is not confirmed (it expires at Totalis) and its item names the guard in confirmation.declinedBy',
		options: [
			{
				displayName: 'Allowed Exposure Venues',
				name: 'allowedExposureVenues',
				type: 'string',
				default: '',
				placeholder: 'kalshi, polymarket',
				description:
					'Comma-separated venues every exposure leg (mm_quote:accepted exposure_legs[].venue) must be on; a quote with a leg elsewhere is not confirmed',
			},
			{
				displayName: 'Confirm in Manual Runs',
				name: 'confirmInManualRuns',
				type: 'boolean',
				default: false,
				description:
					'Whether a manual run ("Execute step", listening in the editor) confirms too. Off: an acceptance caught while testing is not confirmed (declinedBy: manualRun).',
			},
			{
				displayName: 'Max Confirmations per Minute',
				name: 'maxConfirmsPerMinute',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 60,
				description: 'Most confirm calls started in any rolling minute',
			},
			{
				displayName: 'Max Cost per Quote',
				name: 'maxCostPerQuote',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 1000,
				description: 'Most mm_cost (mm_quote:accepted quote.mm_cost: what you pay out if the taker wins) of one quote',
			},
			{
				displayName: 'Max Cost per Rolling Hour',
				name: 'maxCostPerHour',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 10000,
				description: 'Most mm_cost confirmed in any rolling hour, confirms still in flight included',
			},
		],
	},
	// --- Quote requests (SSE) --------------------------------------------------------------
	{
		displayName: 'Request Events',
		name: 'requestEvents',
		type: 'multiOptions',
		displayOptions: { show: { source: ['quoteRequests'] } },
		default: ['quote_request', 'quote_request:updated'],
		options: [
			{ name: 'New Request', value: 'quote_request', description: 'A request to price (quote_request)' },
			{
				name: 'Updated Request',
				value: 'quote_request:updated',
				description: 'A new version and request_hash: any earlier quote is void, re-price',
			},
			{
				name: 'Removed Request and Other Events',
				value: 'other',
				description: 'Requests expired, committed or cancelled, and any event type Totalis adds',
			},
		],
	},
	{
		displayName: 'Include Snapshot',
		name: 'includeSnapshot',
		type: 'boolean',
		displayOptions: { show: { source: ['quoteRequests'] } },
		default: true,
		description:
			'Whether the active requests Totalis sends on connect (and again after a reconnect) start the workflow too; such items say snapshot: true',
	},
	{
		displayName: 'Market-Maker Heartbeat (Milliseconds)',
		name: 'mmHeartbeatMs',
		type: 'number',
		typeOptions: { minValue: 0 },
		displayOptions: { show: { source: ['quoteRequests'] } },
		default: 20000,
		description:
			'Sends POST /v1/mm/heartbeat this often while the stream runs so Totalis keeps you quoting (it needs one at least every 30 s); 0 turns it off',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: streamOptionProperties(TOTALIS_STREAM_DEFAULTS),
	},
];
