/**
 * The OpenMarkets Trigger's parameters, read and checked once into typed settings before anything
 * connects (as n8n's Kafka v2 trigger reads its TriggerSettings): setup.ts builds the stream from
 * them and reads no parameter itself. Contest → Watch reads its own fields per item.
 */
import type { ITriggerFunctions } from 'n8n-workflow';

import type { DeliveryOptions } from '../../shared/delivery/delivery';
import type { StreamTiming } from '../../shared/engine/StreamEngine';
import { readStreamOptions } from '../../shared/triggerOptions';
import { PathSegmentError, pathSegment } from '../../shared/pathSegment';
import { TriggerParameters } from '../../shared/triggerParameters';
import { DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_CONTESTS_PER_CONNECTION, OPENMARKETS_STREAM_DEFAULTS } from './description';
import type { LiquidityFilterOptions } from './liquidityFilter';
import type { OpenMarketsChannel } from './protocol';
import type { ContestSelection, ShardLimits } from './shardedStream';

export interface OpenMarketsTriggerSettings {
	delivery: DeliveryOptions;
	timing: StreamTiming;
	limits: ShardLimits;
	selection: ContestSelection;
	channels: OpenMarketsChannel[];
	/** Which partners and how large a move pass. */
	liquidity: LiquidityFilterOptions;
	snapshotOnSubscribe: boolean;
	/** Whether OpenMarkets' errors, failed snapshots and the rule going over the limits become items. */
	includeErrors: boolean;
}

export function readOpenMarketsTriggerSettings(ctx: ITriggerFunctions): OpenMarketsTriggerSettings {
	const parameters = new TriggerParameters(ctx);
	const { delivery, timing } = readStreamOptions(ctx, OPENMARKETS_STREAM_DEFAULTS);
	const options = parameters.options<{ maxConnections: number; maxContestsPerConnection: number }>();
	const limits: ShardLimits = {
		maxConnections: parameters.wholeNumber('Options → Max Connections', options.maxConnections, DEFAULT_MAX_CONNECTIONS),
		maxContestsPerConnection: parameters.wholeNumber(
			'Options → Max Contests per Connection',
			options.maxContestsPerConnection,
			DEFAULT_MAX_CONTESTS_PER_CONNECTION,
		),
	};
	const selection = readSelection(parameters);
	const channels = parameters.choices<OpenMarketsChannel>('channels', 'Trigger On', [], 'choose Liquidity, Contest State or both');
	const atLeastZero = (name: string, label: string) => parameters.numberParameter(name, label, 0, { min: 0 });
	return {
		delivery,
		timing,
		limits,
		selection,
		channels,
		liquidity: {
			partners: parameters.commaList('partners'),
			minPriceMove: atLeastZero('minPriceMove', 'Min Price Move (0–1 Price Scale)'),
			minSizeChange: atLeastZero('minSizeChange', 'Min Size Change'),
		},
		snapshotOnSubscribe: parameters.value('snapshotOnSubscribe', true),
		includeErrors: parameters.value('includeErrors', true),
	};
}

/** A fixed list of contests, or the follow rule and how often it is re-read. */
function readSelection(parameters: TriggerParameters): ContestSelection {
	if (parameters.value<string>('contests', 'rule') === 'list') {
		const contestIds = parameters.requiredCommaList('contestIds', 'Contest IDs', 'contest ID', 'ct_abc123');
		// Each contest's full book is read at /contests/{id}/liquidity: refuse an ID that cannot be a path segment before connecting.
		try {
			for (const contestId of contestIds) pathSegment('Contest IDs', contestId);
		} catch (error) {
			throw error instanceof PathSegmentError ? parameters.fail(error.message) : error;
		}
		return { kind: 'list', contestIds };
	}
	const leagueIds = parameters.requiredCommaList('leagueIds', 'League IDs', 'league ID', 'nba');
	const withinHours = parameters.numberParameter('withinHours', 'Starting Within (Hours)', 24, { min: 0 });
	const refreshMinutes = parameters.numberParameter('refreshMinutes', 'Refresh Every (Minutes)', 5, { above: 0 });
	return { kind: 'rule', rule: { leagueIds, withinHours }, refreshMs: refreshMinutes * 60_000 };
}
