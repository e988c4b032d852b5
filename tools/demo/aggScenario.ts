/**
 * The agg.market scenario of the demo, built only from this package's nodes: one agg.market
 * Trigger follows the user's orders to their end (fill, partial fill, failure) and, after each
 * fill, the agg.market node reads the balances; another keeps two order books and reports the
 * top of book (latest per second). Every 10 s the simulator skips a book sequence number, to
 * show the trigger asking for a fresh snapshot and flagging the resynced book.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { ActiveTrigger, N8nHarness } from '../harness';
import type { AggSimulator } from 'trading-venues-simulator';
import type { LoopStep } from './marketMakingLoop';

export interface AggStats {
	orders: number;
	fills: number;
	failures: number;
	books: number;
	resyncs: number;
}

export interface AggScenario {
	stats: AggStats;
	stop(): Promise<void>;
}

const FINAL_ORDER_EVENTS = ['filled', 'partial_fill', 'failed', 'dag_failed'];

export async function startAggScenario(
	harness: N8nHarness,
	agg: AggSimulator,
	report: (step: LoopStep) => void,
	options: { gapEveryMs?: number } = {},
): Promise<AggScenario> {
	const stats: AggStats = { orders: 0, fills: 0, failures: 0, books: 0, resyncs: 0 };
	const watched = agg.outcomes.slice(0, 2).map((outcome) => outcome.outcomeId);
	let pending: Promise<void> = Promise.resolve();

	const reportBalances = async () => {
		const result = await harness.executeNode('aggMarket', { resource: 'balance', operation: 'get' } as never, 'aggMarketApi');
		if (result.error) return report({ kind: 'failed', text: `agg.market balances: ${result.error.message}` });
		const cash = (result.items[0]?.json.cash as IDataObject[] | undefined) ?? [];
		report({
			kind: 'portfolio',
			text: `agg.market cash: ${cash.map((entry) => `${entry.total} ${entry.tokenSymbol}`).join(', ') || 'none'}`,
		});
	};

	const onUserEvent = ({ json }: INodeExecutionData) => {
		const data = json.data as IDataObject;
		if (json.event === 'order_submitted') {
			stats.orders++;
			report({
				kind: 'order',
				text: `agg.market order ${String(data.orderId)}: ${data.side} ${data.size} at ${data.price} on ${data.venue}`,
			});
		} else if (json.event === 'order_event' && (data.event === 'filled' || data.event === 'partial_fill')) {
			stats.fills++;
			report({
				kind: 'fill',
				text: `agg.market order ${String(data.orderId)} ${String(data.event)} on ${data.venue} (${data.filledAmountRaw} raw)`,
			});
			pending = pending.then(reportBalances);
		} else if (json.event === 'order_event') {
			stats.failures++;
			report({ kind: 'failed', text: `agg.market order ${String(data.orderId)} ${String(data.event)}: ${data.errorReason ?? ''}` });
		}
	};

	const onBook = ({ json }: INodeExecutionData) => {
		const book = json.data as IDataObject;
		// A checksum the trigger cannot verify, or a resnapshot storm: said once, not a book.
		if (json.event === 'book_warning') return report({ kind: 'gap', text: String(book.message) });
		stats.books++;
		const resynced = book.resynced as IDataObject | undefined;
		if (resynced) {
			stats.resyncs++;
			report({ kind: 'gap', text: `agg.market book ${String(book.outcomeId)} resynced after a ${resynced.cause}: ${resynced.detail}` });
		}
		const price = (level: unknown) => ((level as IDataObject | null)?.price as number | undefined)?.toFixed(2) ?? '—';
		report({
			kind: 'book',
			text: `agg.market ${String(book.outcomeId)} ${price(book.bestBid)} / ${price(book.bestAsk)} (seq ${book.seq})`,
		});
	};

	const triggers: ActiveTrigger[] = [
		await harness.startTrigger(
			'aggMarketTrigger',
			{ source: 'userEvents', events: ['order_submitted', 'order_event'], orderEvents: FINAL_ORDER_EVENTS },
			'aggMarketApi',
			{ keep: false, onEmit: (items) => items.forEach(onUserEvent) },
		),
		await harness.startTrigger(
			'aggMarketTrigger',
			{
				source: 'orderBooks',
				outcomeIds: watched.join(','),
				bookEmission: 'topOfBook',
				options: { delivery: 'batch', batchWindowMs: 1000, batchMaxItems: 0, keepLatest: true },
			},
			'aggMarketApi',
			{ keep: false, onEmit: (items) => items.forEach(onBook) },
		),
	];

	let turn = 0;
	const gapTimer = setInterval(() => agg.faults.skipSeq(watched[turn++ % watched.length]), options.gapEveryMs ?? 10_000);

	return {
		stats,
		async stop() {
			clearInterval(gapTimer);
			for (const trigger of triggers) await trigger.close();
			await pending;
		},
	};
}
