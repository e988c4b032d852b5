/**
 * Builds the agg.market Trigger's stream from its settings and the credential: one socket for
 * user events, or the order books spread over sockets of at most 100 outcomes each.
 */
import { NodeOperationError, type ITriggerFunctions } from 'n8n-workflow';

import { eventFilter, type Stage } from '../../shared/delivery/stages';
import type { StreamTriggerSetup } from '../../shared/delivery/triggerHost';
import { EngineGroup, shardsOf } from '../../shared/engine/engineGroup';
import { StreamEngine } from '../../shared/engine/StreamEngine';
import { WebSocketTransport } from '../../shared/engine/websocketTransport';
import { Redactor } from '../../shared/redact';
import { aggBase, AggTokens, appHeaders, type AggMarketCredentials } from '../auth';
import { MAX_OUTCOMES_PER_CONNECTION } from './description';
import { AggMarketProtocol, type AggStreamPlan } from './protocol';
import type { AggMarketTriggerSettings } from './settings';
import { bookThrottleStage, userEventFilter } from './stages';

/** A snapshot of a deep book is the largest agg.market frame; 2 MB is far above one. */
const MAX_FRAME_BYTES = 2 * 1024 * 1024;

/** The socket URL with the app id; the token is sent after connecting, so no URL ever holds it. */
export function aggSocketUrl(wsUrl: string, appId: string): string {
	const url = new URL(wsUrl.trim());
	url.searchParams.set('appId', appId);
	return url.toString();
}

export function aggMarketTriggerSetup(
	ctx: ITriggerFunctions,
	credentials: AggMarketCredentials,
	settings: AggMarketTriggerSettings,
): StreamTriggerSetup {
	const fail = (message: string) => new NodeOperationError(ctx.getNode(), message);
	let socketUrl: string;
	try {
		socketUrl = aggSocketUrl(credentials.wsUrl, credentials.appId);
	} catch {
		throw fail(`Credential → WebSocket URL: expected a ws:// or wss:// URL, got ${JSON.stringify(credentials.wsUrl)}`);
	}
	const { source } = settings;
	const authenticate = source.kind === 'userEvents';
	if (authenticate && !credentials.accessToken && !credentials.refreshToken && !credentials.sessionToken) {
		throw fail('User events need a signed-in user: the agg.market API credential has no Access Token or Refresh Token');
	}
	const redactor = new Redactor();
	const tokens = new AggTokens(ctx, credentials, redactor);
	// A token that must be renewed is renewed before connecting: refused credentials open no socket.
	// The transport's signal ends a renewal that outlasts the connect timeout, or a closing trigger's.
	const url = async (signal: AbortSignal) => {
		if (authenticate) await tokens.current(signal);
		return socketUrl;
	};
	// agg.market takes at most 100 book subscriptions per connection: more outcomes, more connections.
	const shards = source.kind === 'orderBooks' ? shardsOf(source.outcomeIds, MAX_OUTCOMES_PER_CONNECTION) : [[]];
	const plan = (outcomeIds: string[], index: number): AggStreamPlan => ({
		authenticate,
		outcomeIds,
		bookEmission: source.kind === 'orderBooks' ? source.emission : 'topOfBook',
		verifyChecksum: source.kind === 'orderBooks' ? source.verifyChecksum : true,
		userEvents: { centsToAmounts: source.kind === 'userEvents' && source.centsToAmounts },
		shard: shards.length > 1 ? index + 1 : undefined,
	});
	return {
		venueName: 'agg.market',
		redactor,
		delivery: settings.delivery,
		stages: streamStages(settings),
		createEngine: (hooks) => {
			const engines = shards.map(
				(shardOutcomes, index) =>
					new StreamEngine({
						transport: new WebSocketTransport({
							url,
							urlStep: `the agg.market token renewal at ${redactor.text(aggBase(credentials.baseUrl))}`,
							headers: appHeaders(credentials),
							redactor,
							domains: credentials.domains,
						}),
						protocol: new AggMarketProtocol(plan(shardOutcomes, index), tokens, hooks.logger),
						redactor,
						timing: settings.timing,
						maxFrameBytes: MAX_FRAME_BYTES,
						...hooks,
						refreshCredentials: () => tokens.refreshCredentials(),
					}),
			);
			return engines.length === 1 ? engines[0] : new EngineGroup(engines);
		},
		refusalReportIntervalMs: settings.timing.refusalReportIntervalMs,
	};
}

/** Which events pass to delivery, and for "at most once per interval" the books' throttle. */
function streamStages({ source, includeErrors }: AggMarketTriggerSettings): Stage[] {
	const errors = includeErrors ? ['error'] : [];
	if (source.kind === 'userEvents') {
		return [userEventFilter({ events: [...source.events, ...errors], orderEvents: source.orderEvents, venues: source.venues })];
	}
	const stages = [eventFilter(['orderbook', 'top_of_book', 'market_resolved', 'book_warning', ...errors])];
	if (source.intervalMs !== undefined) stages.push(bookThrottleStage(source.intervalMs));
	return stages;
}
