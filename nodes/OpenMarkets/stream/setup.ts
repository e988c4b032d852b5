import { NodeOperationError, type INode, type ITriggerFunctions } from 'n8n-workflow';

import { eventFilter, type Stage } from '../../shared/delivery/stages';
import type { StreamTriggerSetup } from '../../shared/delivery/triggerHost';
import { StreamEngine, type StreamTiming } from '../../shared/engine/StreamEngine';
import { WebSocketTransport } from '../../shared/engine/websocketTransport';
import { Redactor } from '../../shared/redact';
import { readStreamOptions } from '../../shared/triggerOptions';
import { commaList } from '../../shared/triggerParameters';
import type { OpenMarketsCredentials } from '../auth';
import { StreamRest } from './contestSource';
import { DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_CONTESTS_PER_CONNECTION, OPENMARKETS_STREAM_DEFAULTS } from './description';
import { liquidityFilter } from './liquidityFilter';
import type { OpenMarketsChannel } from './protocol';
import { ShardedStream, type ContestSelection, type ShardedStreamOptions } from './shardedStream';

/** A full book of a busy contest is the largest frame OpenMarkets sends on the stream; 2 MB is far above it. */
const MAX_FRAME_BYTES = 2 * 1024 * 1024;

/** The stream URL with the key as `api_key` (the venue's documented way; redacted wherever printed). */
export function streamUrlWithKey(streamUrl: string, apiKey: string): string {
	const url = new URL(streamUrl.trim());
	url.searchParams.set('api_key', apiKey);
	return url.toString();
}

/** The credential's stream URL with its key, refused before any connection when it is not a URL. */
export function credentialStreamUrl(node: INode, credentials: OpenMarketsCredentials): string {
	try {
		return streamUrlWithKey(credentials.streamUrl, credentials.apiKey);
	} catch {
		throw new NodeOperationError(node, `Credential → Stream URL: expected a ws:// or wss:// URL, got ${JSON.stringify(credentials.streamUrl)}`);
	}
}

export interface OpenMarketsStreamOptions extends Omit<ShardedStreamOptions, 'createEngine'> {
	/** The stream URL with the key (credentialStreamUrl). */
	url: string;
	redactor: Redactor;
	timing: StreamTiming;
}

/** The OpenMarkets stream over WebSocket connections within `limits`: the trigger's, and Contest → Watch's. */
export function openMarketsStream({ url, redactor, timing, ...options }: OpenMarketsStreamOptions): ShardedStream {
	return new ShardedStream({
		...options,
		createEngine: (protocol, onConnected) =>
			new StreamEngine({
				transport: new WebSocketTransport({ url, redactor }),
				protocol,
				redactor,
				timing,
				maxFrameBytes: MAX_FRAME_BYTES,
				...options.hooks,
				onConnected: (_session, connectionId) => onConnected(connectionId),
			}),
	});
}

/** Builds the OpenMarkets Trigger's sharded stream from its parameters. */
export function openMarketsTriggerSetup(ctx: ITriggerFunctions, credentials: OpenMarketsCredentials): StreamTriggerSetup {
	const node = ctx.getNode();
	const fail = (message: string) => new NodeOperationError(node, message);
	const url = credentialStreamUrl(node, credentials);
	const redactor = new Redactor([credentials.apiKey]);
	const { delivery, timing } = readStreamOptions(ctx, OPENMARKETS_STREAM_DEFAULTS);
	const options = ctx.getNodeParameter('options', {}) as { maxConnections?: number; maxContestsPerConnection?: number };
	const limits = {
		maxConnections: wholeNumber(ctx, 'Options → Max Connections', options.maxConnections ?? DEFAULT_MAX_CONNECTIONS),
		maxContestsPerConnection: wholeNumber(ctx, 'Options → Max Contests per Connection', options.maxContestsPerConnection ?? DEFAULT_MAX_CONTESTS_PER_CONNECTION),
	};
	const selection = readSelection(ctx);
	const channels = ctx.getNodeParameter('channels', []) as OpenMarketsChannel[];
	if (channels.length === 0) throw fail('Channels is empty: choose Liquidity, Contest State or both');
	const minPriceMove = Number(ctx.getNodeParameter('minPriceMove', 0));
	const minSizeChange = Number(ctx.getNodeParameter('minSizeChange', 0));
	if (!(minPriceMove >= 0)) throw fail(`Min Price Move: expected a number ≥ 0, got ${JSON.stringify(minPriceMove)}`);
	if (!(minSizeChange >= 0)) throw fail(`Min Size Change: expected a number ≥ 0, got ${JSON.stringify(minSizeChange)}`);
	const includeErrors = ctx.getNodeParameter('includeErrors', true) as boolean;
	const wanted = ['liquidity.update', 'liquidity.snapshot', 'contest_state.update', 'contest_state', ...(includeErrors ? ['error', 'subscription_limit'] : [])];
	const stages: Stage[] = [
		eventFilter(wanted),
		liquidityFilter({ partners: commaList(ctx.getNodeParameter('partners', '')), minPriceMove, minSizeChange }),
	];
	const rest = new StreamRest(ctx, credentials.baseUrl, redactor);
	return {
		venueName: 'OpenMarkets',
		redactor,
		delivery,
		stages,
		createEngine: (hooks) =>
			openMarketsStream({
				url,
				redactor,
				timing,
				ctx,
				hooks,
				rest,
				selection,
				limits,
				channels,
				snapshotOnSubscribe: ctx.getNodeParameter('snapshotOnSubscribe', true) as boolean,
			}),
	};
}

function readSelection(ctx: ITriggerFunctions): ContestSelection {
	const node = ctx.getNode();
	if (ctx.getNodeParameter('contests', 'rule') === 'list') {
		const contestIds = commaList(ctx.getNodeParameter('contestIds', ''));
		if (contestIds.length === 0) throw new NodeOperationError(node, 'Contest IDs is empty: give at least one contest ID (e.g. ct_abc123)');
		return { kind: 'list', contestIds };
	}
	const leagueIds = commaList(ctx.getNodeParameter('leagueIds', ''));
	if (leagueIds.length === 0) throw new NodeOperationError(node, 'League IDs is empty: give at least one league ID (e.g. nba)');
	const withinHours = Number(ctx.getNodeParameter('withinHours', 24));
	if (!(withinHours >= 0)) throw new NodeOperationError(node, `Starting Within (Hours): expected a number ≥ 0, got ${JSON.stringify(withinHours)}`);
	const refreshMinutes = Number(ctx.getNodeParameter('refreshMinutes', 5));
	if (!(refreshMinutes > 0)) throw new NodeOperationError(node, `Refresh Every (Minutes): expected a number above 0, got ${JSON.stringify(refreshMinutes)}`);
	return { kind: 'rule', rule: { leagueIds, withinHours }, refreshMs: refreshMinutes * 60_000 };
}

function wholeNumber(ctx: ITriggerFunctions, field: string, value: unknown): number {
	const number = Number(value);
	if (!Number.isInteger(number) || number < 1) {
		throw new NodeOperationError(ctx.getNode(), `${field}: expected a whole number ≥ 1, got ${JSON.stringify(value)}`);
	}
	return number;
}
