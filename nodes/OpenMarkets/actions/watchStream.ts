/**
 * Contest → Watch's stream: the stream the OpenMarkets Trigger runs (same protocol, full books,
 * refresh and reconnect handling, items) on one connection, collected for a bounded time or number of
 * updates by the shared collector, then closed.
 */
import { NodeApiError, type IExecuteFunctions, type JsonObject } from 'n8n-workflow';

import { collectStream, type CollectEnd } from '../../shared/delivery/collectStream';
import { toNodeError } from '../../shared/errors';
import { redactingLogger } from '../../shared/logging';
import type { StreamTiming } from '../../shared/engine/StreamEngine';
import { StreamFailure } from '../../shared/engine/errors';
import type { StreamItem } from '../../shared/items';
import { executionCancelSignal } from '../../shared/rest';
import { StreamRest } from '../stream/contestSource';
import { DEFAULT_MAX_CONTESTS_PER_CONNECTION, OPENMARKETS_STREAM_DEFAULTS } from '../stream/description';
import { liquidityFilter } from '../stream/liquidityFilter';
import type { OpenMarketsChannel } from '../stream/protocol';
import type { ShardedStream } from '../stream/shardedStream';
import { credentialStreamUrl, openMarketsStream } from '../stream/setup';
import { OPENMARKETS_VENUE } from '../transport';
import { refuse, type OpenMarketsSession } from './common';

/** One connection: OpenMarkets allows this many contests on it. */
export const MAX_WATCH_CONTESTS = DEFAULT_MAX_CONTESTS_PER_CONNECTION;
/** Items one watch may return, whatever Max Updates says, so a busy book cannot exhaust n8n's memory. */
export const MAX_WATCH_ITEMS = 10_000;

/** A watch lasts minutes at most: reconnect within a few seconds rather than the trigger's 30. */
const WATCH_TIMING: StreamTiming = {
	connectTimeoutMs: 10_000,
	handshakeTimeoutMs: 10_000,
	...OPENMARKETS_STREAM_DEFAULTS,
	backoff: { initialDelayMs: 250, maxDelayMs: 5_000, resetAfterMs: 30_000 },
};

export interface WatchRequest {
	contestIds: string[];
	channels: OpenMarketsChannel[];
	durationMs: number;
	/** 0: no bound but the duration. */
	maxUpdates: number;
	includeSnapshot: boolean;
	/** Partner ids whose liquidity passes; empty: all. */
	partners: string[];
}

export interface WatchResult {
	items: StreamItem[];
	endedBy: CollectEnd;
}

/** Updates count towards Max Updates; full books and the venue's error messages do not. */
const isUpdate = (item: StreamItem) => item.event !== 'error' && item.snapshot !== true;

export async function watchContests(
	ctx: IExecuteFunctions,
	itemIndex: number,
	session: OpenMarketsSession,
	request: WatchRequest,
): Promise<WatchResult> {
	const { credentials, redactor } = session;
	const node = ctx.getNode();
	const url = credentialStreamUrl(node, credentials);
	let stream: ShardedStream | undefined;
	const collected = await collectStream({
		logger: redactingLogger(ctx, redactor),
		// The trigger's filter, so updates carry the same priceMove/sizeChange fields as its items.
		stages: [liquidityFilter({ partners: request.partners, minPriceMove: 0, minSizeChange: 0 })],
		durationMs: request.durationMs,
		maxCounted: request.maxUpdates,
		counts: isUpdate,
		maxItems: MAX_WATCH_ITEMS,
		settled: () => stream?.snapshotsSettled() ?? Promise.resolve(),
		refuse: (item) => unknownContests(ctx, itemIndex, item),
		signal: executionCancelSignal(ctx),
		createRunner: (hooks) =>
			(stream = openMarketsStream({
				url,
				redactor,
				timing: WATCH_TIMING,
				domains: credentials.domains,
				ctx,
				hooks,
				rest: new StreamRest(ctx, credentials.baseUrl, redactor),
				selection: { kind: 'list', contestIds: request.contestIds },
				limits: { maxConnections: 1, maxContestsPerConnection: MAX_WATCH_CONTESTS },
				channels: request.channels,
				snapshotOnSubscribe: request.includeSnapshot,
			})),
	}).catch((error: unknown) => Promise.reject(watchError(ctx, error)));
	if (collected.endedBy === 'maxItems') {
		ctx.logger.warn(`OpenMarkets: Contest → Watch stopped at ${MAX_WATCH_ITEMS} items, before its bounds`);
	}
	return { items: booksFirst(collected.items), endedBy: collected.endedBy };
}

/**
 * The full books fetched after subscribing lead, then everything else in arrival order: a change
 * that overtook its contest's book on the wire is applied after it, as the venue's absolute
 * values allow. `connection.sequence` still tells the order the items arrived in.
 */
function booksFirst(items: StreamItem[]): StreamItem[] {
	const initial = (item: StreamItem) =>
		(item.snapshot === true && item.reason === 'subscribed') ||
		(item.event === 'error' && item.data.code === 'snapshot_failed' && item.data.reason === 'subscribed');
	return [...items.filter(initial), ...items.filter((item) => !initial(item))];
}

/** OpenMarkets' `unknown_contest` ends the watch with an error naming the IDs, as Contest → Get does for one. */
function unknownContests(ctx: IExecuteFunctions, itemIndex: number, item: StreamItem): Error | undefined {
	if (item.event !== 'error' || item.data.code !== 'unknown_contest') return undefined;
	const ids = Array.isArray(item.data.contest_ids) ? item.data.contest_ids.join(', ') : String(item.data.message ?? '');
	return refuse(
		ctx,
		itemIndex,
		'Contest IDs',
		`OpenMarkets does not know ${ids} (unknown_contest)`,
		'Contest → Get Many lists the contests, with their IDs.',
	);
}

/** A refused key in the words of the REST calls; any other stream failure as the triggers word it. */
function watchError(ctx: IExecuteFunctions, error: unknown): Error {
	if (!(error instanceof StreamFailure) || error.kind !== 'auth') return toNodeError(ctx, OPENMARKETS_VENUE, error);
	const status = error.details.httpStatus ?? 401;
	return new NodeApiError(ctx.getNode(), { message: error.message, code: error.details.venueCode } as JsonObject, {
		message: `OpenMarkets refused the API key (HTTP ${status}), so it could not watch the contests`,
		description: 'Check the API Key of the OpenMarkets API credential, and that the key is not revoked.',
		httpCode: String(status),
	});
}
