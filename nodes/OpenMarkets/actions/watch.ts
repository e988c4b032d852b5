/**
 * Contest → Watch: subscribe to contests over the stream for a bounded time or number of updates
 * and return what arrived, one item per event, in the OpenMarkets Trigger's item shape. For a
 * workflow step or an AI agent that wants "what moved in the next N seconds".
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { idListField } from '../../shared/actions/idPicker';
import { boundedNumber } from '../../shared/actions/inputs';
import { pathSegment } from '../../shared/pathSegment';
import { channelsField } from '../stream/description';
import { OPENMARKETS_SOURCE, OPENMARKETS_VENUE_ID, type OpenMarketsChannel } from '../stream/protocol';
import { invalid, readIdList, refuse, type OpenMarketsSession } from './common';
import { MAX_WATCH_CONTESTS, watchContests, type WatchRequest, type WatchResult } from './watchStream';

const CHANNELS: OpenMarketsChannel[] = ['liquidity', 'contest_state'];
const MAX_DURATION_SECONDS = 300;

const show = { displayOptions: { show: { resource: ['contest'], operation: ['watch'] } } };

export const watchFields: INodeProperties[] = [
	{
		...idListField({
			displayName: 'Contest IDs',
			name: 'contestIds',
			loadOptionsMethod: 'getContests',
			required: true,
			description: `The contests to watch, at most ${MAX_WATCH_CONTESTS} (one connection)`,
		}),
		...show,
	},
	{ ...channelsField, ...show },
	{
		displayName: 'Max Duration (Seconds)',
		name: 'maxDurationSeconds',
		type: 'number',
		required: true,
		typeOptions: { minValue: 0.1, maxValue: MAX_DURATION_SECONDS },
		default: 10,
		description: `How long to watch once subscribed (at most ${MAX_DURATION_SECONDS}); then the node returns what arrived`,
		...show,
	},
	{
		displayName: 'Max Updates',
		name: 'maxUpdates',
		type: 'number',
		typeOptions: { minValue: 0, numberPrecision: 0 },
		default: 0,
		description:
			'Return as soon as this many updates arrived (liquidity and state changes; full books and errors do not count). 0 = watch for the whole duration.',
		...show,
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		...show,
		options: [
			{
				displayName: 'Include Snapshot',
				name: 'includeSnapshot',
				type: 'boolean',
				default: true,
				description:
					"Whether the first items are each contest's full book (liquidity.snapshot), read once subscribed. Full books are always sent again after a reconnect and when OpenMarkets says refresh_required.",
			},
			idListField({
				displayName: 'Partners',
				name: 'partners',
				loadOptionsMethod: 'getPartners',
				dependsOn: ['contestIds'],
				description:
					"Partners whose liquidity is returned (the list offers those quoting on the chosen contests' books); none chosen returns every partner",
			}),
		],
	},
];

export async function watch(this: IExecuteFunctions, itemIndex: number, session: OpenMarketsSession): Promise<IDataObject[]> {
	const request = readWatchRequest(this, itemIndex);
	const result = await watchContests(this, itemIndex, session, request);
	return result.items.length > 0 ? result.items : [nothingArrived(request, result)];
}

/** Zero items would stop the workflow (and tell an agent nothing): one item says that nothing came. */
function nothingArrived(request: WatchRequest, result: WatchResult): IDataObject {
	const seconds = request.durationMs / 1000;
	return {
		venue: OPENMARKETS_VENUE_ID,
		source: OPENMARKETS_SOURCE,
		event: 'watch.empty',
		data: {
			message: `Nothing arrived from OpenMarkets for ${request.contestIds.join(', ')} on ${request.channels.join(' and ')} within ${seconds} s`,
			contestIds: request.contestIds,
			channels: request.channels,
			maxDurationSeconds: seconds,
			endedBy: result.endedBy,
		},
		receivedAt: new Date().toISOString(),
		connection: null,
		gap: null,
	};
}

/** The fields, refused before any connection when a value is wrong. */
function readWatchRequest(context: IExecuteFunctions, itemIndex: number): WatchRequest {
	const rawIds = context.getNodeParameter('contestIds', itemIndex, '') as unknown;
	const listed = readIdList(context, itemIndex, rawIds, 'Contest IDs', 'ct_abc123, ct_def456');
	if (!listed)
		throw invalid(
			context,
			itemIndex,
			'Contest IDs',
			'one or more contest IDs separated by commas, such as ct_abc123, ct_def456',
			rawIds,
			'Contest → Get Many lists them, with their IDs.',
		);
	const contestIds = [...new Set(listed)];
	// Each contest's full book is read at /contests/{id}/liquidity: refuse an ID that cannot be a path segment before connecting.
	for (const contestId of contestIds) pathSegment('Contest IDs', contestId);
	if (contestIds.length > MAX_WATCH_CONTESTS) {
		throw refuse(
			context,
			itemIndex,
			'Contest IDs',
			`${contestIds.length} contests are more than one watch may follow: at most ${MAX_WATCH_CONTESTS} (one OpenMarkets connection)`,
			'Watch fewer contests, or split them over several items or runs.',
		);
	}
	const channels = context.getNodeParameter('channels', itemIndex, CHANNELS) as unknown;
	if (!Array.isArray(channels) || channels.length === 0 || channels.some((channel) => !CHANNELS.includes(channel as OpenMarketsChannel))) {
		throw invalid(context, itemIndex, 'Channels', `some of ${CHANNELS.join(', ')}`, channels);
	}
	const rawDuration = context.getNodeParameter('maxDurationSeconds', itemIndex, undefined) as unknown;
	const seconds = boundedNumber(
		context,
		itemIndex,
		rawDuration,
		'Max Duration (Seconds)',
		{ above: 0, max: MAX_DURATION_SECONDS },
		`a number of seconds above 0, at most ${MAX_DURATION_SECONDS}`,
	);
	const rawMax = context.getNodeParameter('maxUpdates', itemIndex, 0) as unknown;
	const maxUpdates = boundedNumber(
		context,
		itemIndex,
		rawMax,
		'Max Updates',
		{ min: 0, max: Number.MAX_SAFE_INTEGER, whole: true },
		'a whole number ≥ 0 (0 = no limit)',
	);
	const options = context.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const partners = readIdList(context, itemIndex, options.partners, 'Options → Partners', 'kalshi, polymarket') ?? [];
	return {
		contestIds,
		channels: [...new Set(channels as OpenMarketsChannel[])],
		durationMs: Math.round(seconds * 1000),
		maxUpdates,
		includeSnapshot: options.includeSnapshot !== false,
		partners,
	};
}
