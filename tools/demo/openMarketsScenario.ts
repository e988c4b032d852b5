/**
 * The OpenMarkets scenario of the demo, built only from this package's nodes: one OpenMarkets
 * Trigger follows every contest of the simulated leagues starting within a day, spread over as
 * many connections as the venue's limits need; line moves of 2 cents or more are reported
 * (latest per liquidity per second), score changes as they come, and full books when a contest
 * is subscribed, when the venue asks for a refresh, and after a reconnect. Every 15 s the
 * simulator drops the connections, to show the trigger healing and re-reading every book.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { ActiveTrigger, N8nHarness } from '../harness';
import type { OpenMarketsSimulator } from 'trading-venues-simulator';
import type { LoopStep } from './marketMakingLoop';

export interface OpenMarketsStats {
	moves: number;
	states: number;
	snapshots: number;
	gaps: number;
}

export interface OpenMarketsScenario {
	stats: OpenMarketsStats;
	stop(): Promise<void>;
}

export async function startOpenMarketsScenario(
	harness: N8nHarness,
	openmarkets: OpenMarketsSimulator,
	report: (step: LoopStep) => void,
	options: { dropEveryMs?: number } = {},
): Promise<OpenMarketsScenario> {
	const stats: OpenMarketsStats = { moves: 0, states: 0, snapshots: 0, gaps: 0 };

	const onItem = ({ json }: INodeExecutionData) => {
		const data = json.data as IDataObject;
		const gap = json.gap as IDataObject | null;
		if (gap) {
			stats.gaps++;
			report({ kind: 'gap', text: `OpenMarkets connection ${json.shard}: ${gap.reconnects} reconnect(s) before this item` });
		}
		if (json.event === 'liquidity.snapshot') {
			stats.snapshots++;
			const positions = (data.positions as unknown[] | undefined)?.length ?? 0;
			report({ kind: 'book', text: `OpenMarkets ${String(data.contest_id)} full book (${json.reason}): ${positions} positions` });
		} else if (json.event === 'liquidity.update') {
			stats.moves++;
			const move = typeof data.priceMove === 'number' ? ` (${data.priceMove > 0 ? '+' : ''}${data.priceMove})` : '';
			report({
				kind: 'quote',
				text: `OpenMarkets ${String(data.contest_id)} ${String(data.partner_id)} ${data.price}${move}, ${data.available} available`,
			});
		} else if (String(json.event).startsWith('contest_state')) {
			stats.states++;
			const state = (data.state ?? data) as IDataObject;
			// The score as home_score / away_score, or as score: {home, away} (the simulator's variant dialect).
			const score = (state.score ?? {}) as IDataObject;
			const home = state.home_score ?? score.home ?? '';
			const away = state.away_score ?? score.away ?? '';
			report({
				kind: 'portfolio',
				text: `OpenMarkets ${String(data.contest_id)} ${state.status} ${String(home)}-${String(away)} ${state.period ?? ''}`,
			});
		} else if (json.event === 'error' || json.event === 'subscription_limit' || json.event === 'follow_rule.empty') {
			report({ kind: 'failed', text: `OpenMarkets ${String(data.code ?? json.event)}: ${String(data.message ?? '')}` });
		}
	};

	const leagueIds = openmarkets
		.leagues()
		.map((league) => league.id)
		.join(',');
	const triggers: ActiveTrigger[] = [
		await harness.startTrigger(
			'openMarketsTrigger',
			{
				contests: 'rule',
				leagueIds,
				withinHours: 24,
				channels: ['liquidity', 'contest_state'],
				minPriceMove: 0.02,
				options: { delivery: 'batch', batchWindowMs: 1000, batchMaxItems: 0, keepLatest: true },
			},
			'openMarketsApi',
			{ keep: false, onEmit: (items) => items.forEach(onItem) },
		),
	];
	const dropTimer = setInterval(() => openmarkets.faults.dropConnections(), options.dropEveryMs ?? 15_000);

	return {
		stats,
		async stop() {
			clearInterval(dropTimer);
			for (const trigger of triggers) await trigger.close();
		},
	};
}
