import { NodeOperationError, type ITriggerFunctions } from 'n8n-workflow';

import { eventFilter, type Stage } from '../../shared/delivery/stages';
import type { StreamTriggerSetup } from '../../shared/delivery/triggerHost';
import { EngineGroup, shardsOf } from '../../shared/engine/engineGroup';
import { StreamEngine } from '../../shared/engine/StreamEngine';
import { WebSocketTransport } from '../../shared/engine/websocketTransport';
import { Redactor } from '../../shared/redact';
import { readStreamOptions } from '../../shared/triggerOptions';
import { commaList } from '../../shared/triggerParameters';
import { AggTokens, appHeaders, type AggMarketCredentials } from '../auth';
import type { BookEmission } from '../book';
import { AggMarketProtocol } from './protocol';
import { AGG_STREAM_DEFAULTS, DEFAULT_MAX_BOOK_CONNECTIONS, MAX_OUTCOMES_PER_CONNECTION } from './description';
import { bookThrottleStage, userEventFilter } from './stages';

/** A snapshot of a deep book is the largest agg.market frame; 2 MB is far above one. */
const MAX_FRAME_BYTES = 2 * 1024 * 1024;

/** The socket URL with the app id; the token is sent after connecting, so no URL ever holds it. */
export function aggSocketUrl(wsUrl: string, appId: string): string {
	const url = new URL(wsUrl.trim());
	url.searchParams.set('appId', appId);
	return url.toString();
}

/** Builds the agg.market Trigger's stream from its parameters. */
export function aggMarketTriggerSetup(ctx: ITriggerFunctions, credentials: AggMarketCredentials): StreamTriggerSetup {
	const node = ctx.getNode();
	const fail = (message: string) => new NodeOperationError(node, message);
	let socketUrl: string;
	try {
		socketUrl = aggSocketUrl(credentials.wsUrl, credentials.appId);
	} catch {
		throw fail(`Credential → WebSocket URL: expected a ws:// or wss:// URL, got ${JSON.stringify(credentials.wsUrl)}`);
	}
	const redactor = new Redactor();
	const { delivery, timing } = readStreamOptions(ctx, AGG_STREAM_DEFAULTS);
	const source = ctx.getNodeParameter('source', 'userEvents') as 'userEvents' | 'orderBooks';
	const includeErrors = ctx.getNodeParameter('includeErrors', true) as boolean;
	const stages: Stage[] = [];

	let outcomeIds: string[] = [];
	let bookEmission: BookEmission = 'topOfBook';
	let verifyChecksum = true;
	let centsToAmounts = false;
	if (source === 'userEvents') {
		const events = ctx.getNodeParameter('events', []) as string[];
		if (events.length === 0) throw fail('Events is empty: choose Order Submitted, Order Event or Balance Update');
		if (!credentials.accessToken && !credentials.refreshToken && !credentials.sessionToken) {
			throw fail('User events need a signed-in user: the agg.market API credential has no Access Token or Refresh Token');
		}
		centsToAmounts = ctx.getNodeParameter('centsToAmounts', true) as boolean;
		stages.push(
			userEventFilter({
				events: includeErrors ? [...events, 'error'] : events,
				orderEvents: ctx.getNodeParameter('orderEvents', []) as string[],
				venues: commaList(ctx.getNodeParameter('venues', '')),
			}),
		);
	} else {
		outcomeIds = commaList(ctx.getNodeParameter('outcomeIds', ''));
		if (outcomeIds.length === 0) throw fail('Outcome IDs is empty: give at least one outcome ID (e.g. vmo_fed_cut_july_yes)');
		const maxConnections = Number((ctx.getNodeParameter('options', {}) as { maxConnections?: number }).maxConnections ?? DEFAULT_MAX_BOOK_CONNECTIONS);
		if (!Number.isInteger(maxConnections) || maxConnections < 1) {
			throw fail(`Options → Max Connections: expected a whole number ≥ 1, got ${JSON.stringify(maxConnections)}`);
		}
		const needed = Math.ceil(outcomeIds.length / MAX_OUTCOMES_PER_CONNECTION);
		if (needed > maxConnections) {
			throw fail(
				`Outcome IDs: ${outcomeIds.length} outcomes need ${needed} connections of at most ${MAX_OUTCOMES_PER_CONNECTION} (agg.market's limit per connection), and Max Connections is ${maxConnections}`,
			);
		}
		bookEmission = ctx.getNodeParameter('bookEmission', 'topOfBook') as BookEmission;
		verifyChecksum = ctx.getNodeParameter('verifyChecksum', true) as boolean;
		stages.push(eventFilter(['orderbook', 'top_of_book', 'market_resolved', ...(includeErrors ? ['error'] : [])]));
		if (bookEmission === 'throttled') {
			const intervalMs = ctx.getNodeParameter('bookIntervalMs', 1000) as number;
			if (!(Number.isFinite(intervalMs) && intervalMs >= 1)) {
				throw fail(`Interval (Ms): expected a number ≥ 1, got ${JSON.stringify(intervalMs)}`);
			}
			stages.push(bookThrottleStage(intervalMs));
		}
	}

	const tokens = new AggTokens(ctx, credentials, redactor);
	const authenticate = source === 'userEvents';
	// A token that must be renewed is renewed before connecting: refused credentials open no socket.
	const url = async () => {
		if (authenticate) await tokens.current();
		return socketUrl;
	};
	// agg.market takes at most 100 book subscriptions per connection: more outcomes, more connections.
	const shards = source === 'orderBooks' ? shardsOf(outcomeIds, MAX_OUTCOMES_PER_CONNECTION) : [[]];
	return {
		venueName: 'agg.market',
		redactor,
		delivery,
		stages,
		createEngine: (hooks) => {
			const engines = shards.map(
				(shardOutcomes, index) =>
					new StreamEngine({
						transport: new WebSocketTransport({ url, headers: appHeaders(credentials), redactor }),
						protocol: new AggMarketProtocol(
							{
								authenticate,
								outcomeIds: shardOutcomes,
								bookEmission,
								verifyChecksum,
								userEvents: { centsToAmounts },
								shard: shards.length > 1 ? index + 1 : undefined,
							},
							tokens,
							hooks.logger,
						),
						redactor,
						timing,
						maxFrameBytes: MAX_FRAME_BYTES,
						...hooks,
					}),
			);
			return engines.length === 1 ? engines[0] : new EngineGroup(engines);
		},
	};
}
