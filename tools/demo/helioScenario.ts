/**
 * The Helio scenario of the demo, built only from this package's nodes: one Helio Trigger
 * follows EURUSD quotes, batched to the latest per second (a fast stream); another reports
 * executions and the portfolio one execution per event (they are rare and urgent); the Helio
 * node places a small market order every few seconds, alternating buy and sell. Each fill
 * is reported with the time from placing the order to its execution event reaching the trigger.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { ActiveTrigger, N8nHarness } from '../harness';
import type { LoopStep } from './marketMakingLoop';

export interface HelioStats {
	orders: number;
	fills: number;
	quotes: number;
	failed: number;
	fillLatenciesMs: number[];
}

export interface HelioScenario {
	stats: HelioStats;
	stop(): Promise<void>;
}

export async function startHelioScenario(
	harness: N8nHarness,
	accountId: string,
	report: (step: LoopStep) => void,
	options: { orderEveryMs?: number } = {},
): Promise<HelioScenario> {
	const stats: HelioStats = { orders: 0, fills: 0, quotes: 0, failed: 0, fillLatenciesMs: [] };
	const placedAt = new Map<string, number>();

	const onItem = ({ json }: INodeExecutionData) => {
		const data = json.data as IDataObject;
		if (json.event === 'quoteEvent') {
			stats.quotes++;
			report({ kind: 'quote', text: `Helio EURUSD ${data.bid} / ${data.ask}${json.coalesced ? ` (latest of ${json.coalesced})` : ''}` });
		} else if (json.event === 'executionEvent' && data.status === 'FILLED') {
			stats.fills++;
			// Helio's docs leave the spelling open (`--dialect=helio=snake` sends snake_case).
			const clientOrderId = String(data.clientOrderId ?? data.client_order_id);
			const started = placedAt.get(clientOrderId);
			placedAt.delete(clientOrderId);
			const latencyMs = started === undefined ? undefined : performance.now() - started;
			if (latencyMs !== undefined) stats.fillLatenciesMs.push(latencyMs);
			report({
				kind: 'fill',
				text: `Helio order ${clientOrderId} filled: ${data.side} ${data.volume} ${data.symbol} at ${data.price}`,
				latencyMs,
			});
		} else if (json.event === 'portfolioEvent') {
			const positions = (data.positions as unknown[] | undefined)?.length ?? 0;
			report({
				kind: 'portfolio',
				text: `Helio portfolio of ${String(data.accountId ?? data.account_id)}: ${positions} open position(s), balance ${Number(data.balance).toFixed(2)}`,
			});
		} else if (json.event === 'error') {
			report({ kind: 'failed', text: `Helio error ${data.code}: ${data.message}` });
		}
	};

	const triggers: ActiveTrigger[] = [
		await harness.startTrigger(
			'helioTrigger',
			{
				symbols: 'EURUSD',
				events: ['quoteEvent'],
				metrics: 'none',
				options: { delivery: 'batch', batchWindowMs: 1000, batchMaxItems: 0, keepLatest: true },
			},
			'helioApi',
			{ keep: false, onEmit: (items) => items.forEach(onItem) },
		),
		await harness.startTrigger(
			'helioTrigger',
			{ symbols: 'EURUSD', events: ['executionEvent', 'portfolioEvent'], metrics: 'none' },
			'helioApi',
			{ keep: false, onEmit: (items) => items.forEach(onItem) },
		),
	];

	let side: 'buy' | 'sell' = 'buy';
	const placeOrder = async () => {
		// Our own client order id: the fill can reach the trigger before the REST answer does.
		const clientOrderId = `demo-${stats.orders + stats.failed + 1}`;
		report({ kind: 'order', text: `Helio ${side} 0.5 EURUSD at market (client order id ${clientOrderId})` });
		placedAt.set(clientOrderId, performance.now());
		const result = await harness.executeNode(
			'helio',
			{
				resource: 'order',
				operation: 'create',
				accountId,
				symbol: 'EURUSD',
				side,
				orderType: 'market',
				volume: 0.5,
				timeInForce: 'ioc',
				additionalFields: { clientOrderId },
			} as never,
			'helioApi',
		);
		if (result.error) {
			stats.failed++;
			placedAt.delete(clientOrderId);
			report({ kind: 'failed', text: `Helio order refused: ${result.error.message}` });
			return;
		}
		stats.orders++;
		side = side === 'buy' ? 'sell' : 'buy';
	};
	let pending: Promise<void> = Promise.resolve();
	const timer = setInterval(() => {
		pending = pending.then(placeOrder);
	}, options.orderEveryMs ?? 3000);

	return {
		stats,
		async stop() {
			clearInterval(timer);
			await pending;
			for (const trigger of triggers) await trigger.close();
		},
	};
}
