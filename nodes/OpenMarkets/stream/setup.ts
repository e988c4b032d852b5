/**
 * Builds the OpenMarkets stream: connections, protocol and stages over ShardedStream. The
 * trigger's comes from its settings; Contest → Watch runs the same stream through
 * openMarketsStream on one connection.
 */
import { NodeOperationError, type INode, type ITriggerFunctions } from 'n8n-workflow';

import { eventFilter, type Stage } from '../../shared/delivery/stages';
import type { StreamTriggerSetup } from '../../shared/delivery/triggerHost';
import type { DomainRestriction } from '../../shared/engine/allowedDomains';
import { StreamFailure } from '../../shared/engine/errors';
import { StreamEngine, type StreamTiming } from '../../shared/engine/StreamEngine';
import type { Transport } from '../../shared/engine/transport';
import { WebSocketTransport } from '../../shared/engine/websocketTransport';
import { LiveCredentials } from '../../shared/liveCredentials';
import { Redactor } from '../../shared/redact';
import { readOpenMarketsCredentials, type OpenMarketsCredentials } from '../auth';
import { StreamRest } from './contestSource';
import { liquidityFilter } from './liquidityFilter';
import type { OpenMarketsTriggerSettings } from './settings';
import { ShardedStream, type ShardedStreamOptions } from './shardedStream';

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
		throw new NodeOperationError(
			node,
			`Credential → Stream URL: expected a ws:// or wss:// URL, got ${JSON.stringify(credentials.streamUrl)}`,
		);
	}
}

export interface OpenMarketsStreamOptions extends Omit<ShardedStreamOptions, 'createEngine'> {
	/** The stream URL with the key (credentialStreamUrl); a function is asked again for every connection. */
	url: string | (() => string);
	redactor: Redactor;
	timing: StreamTiming;
	/** The credential's allowed domains, which every connection keeps to. */
	domains?: DomainRestriction;
	/** Reads the credential again before a reconnect (the trigger's). */
	refreshCredentials?(): Promise<void>;
}

/** The OpenMarkets stream over WebSocket connections within `limits`: the trigger's, and Contest → Watch's. */
export function openMarketsStream({
	url,
	redactor,
	timing,
	domains,
	refreshCredentials,
	...options
}: OpenMarketsStreamOptions): ShardedStream {
	return new ShardedStream({
		...options,
		createEngine: (protocol, onConnected) =>
			new StreamEngine({
				transport: explainConnectionLimit(new WebSocketTransport({ url, redactor, domains })),
				protocol,
				redactor,
				timing,
				maxFrameBytes: MAX_FRAME_BYTES,
				...options.hooks,
				refreshCredentials,
				onConnected: (_session, connectionId) => onConnected(connectionId),
			}),
	});
}

/**
 * OpenMarkets turns a key's connection past its limit away with HTTP 429 at the upgrade
 * (docs/venues/openmarkets.md#limits): say so, since the limit is shared by everything that
 * streams with the key (every trigger, every Contest → Watch), not just this node.
 */
function explainConnectionLimit(transport: Transport): Transport {
	return {
		get endpoint() {
			return transport.endpoint;
		},
		open: (handlers, options) =>
			transport.open(handlers, options).catch((error: unknown) => {
				if (!(error instanceof StreamFailure) || error.details.httpStatus !== 429) throw error;
				throw new StreamFailure(error.kind, error.message, {
					...error.details,
					explanation:
						'OpenMarkets allows 3 stream connections per API key (unless it raised your limit), shared by every trigger and Contest → Watch using this key. Deactivate other workflows that stream with it, lower Max Connections, or ask OpenMarkets for a higher limit.',
				});
			}),
	};
}

/** Builds the OpenMarkets Trigger's sharded stream from its settings and the credential. */
export function openMarketsTriggerSetup(
	ctx: ITriggerFunctions,
	credentials: OpenMarketsCredentials,
	settings: OpenMarketsTriggerSettings,
): StreamTriggerSetup {
	const node = ctx.getNode();
	credentialStreamUrl(node, credentials);
	const redactor = new Redactor();
	// Read again before every reconnect: a key corrected in n8n is used without re-activating.
	const live = new LiveCredentials(
		credentials,
		async () => {
			const next = await readOpenMarketsCredentials(ctx);
			credentialStreamUrl(node, next);
			return next;
		},
		redactor,
		({ apiKey }) => [apiKey],
	);
	const url = () => credentialStreamUrl(node, live.value);
	const refreshCredentials = () => live.refresh();
	const rest = new StreamRest(ctx, credentials.baseUrl, redactor);
	const { timing, selection, limits, channels, snapshotOnSubscribe } = settings;
	return {
		venueName: 'OpenMarkets',
		redactor,
		delivery: settings.delivery,
		stages: streamStages(settings),
		createEngine: (hooks) =>
			openMarketsStream({
				url,
				redactor,
				timing,
				domains: credentials.domains,
				refreshCredentials,
				ctx,
				hooks,
				rest,
				selection,
				limits,
				channels,
				snapshotOnSubscribe,
			}),
		refusalReportIntervalMs: timing.refusalReportIntervalMs,
	};
}

/** Which events pass to delivery, then the partner and move filter on liquidity. */
function streamStages({ includeErrors, liquidity }: OpenMarketsTriggerSettings): Stage[] {
	const errors = includeErrors ? ['error', 'subscription_limit', 'follow_rule.empty'] : [];
	return [
		eventFilter(['liquidity.update', 'liquidity.snapshot', 'contest_state.update', 'contest_state', ...errors]),
		liquidityFilter(liquidity),
	];
}
