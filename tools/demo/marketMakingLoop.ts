/**
 * The market-making loop, built only from this package's nodes, run the way n8n runs them:
 *
 *   Totalis Trigger (quote requests) → price (the Code node's job) → Totalis: Submit Quote
 *   Totalis Trigger (quote:accepted) → Totalis: Confirm
 *   Totalis Trigger (position:settled) → a one-line report
 *
 * Triggers run through n8n-core's TriggerContext; each action runs in a real workflow execution.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { ActiveTrigger, N8nHarness } from '../harness';
import { payoutOddsFor, type PricedRequest } from './pricing';

export interface LoopStep {
	kind:
		| 'request'
		| 'quoted'
		| 'accepted'
		| 'confirmed'
		| 'settled'
		| 'cancelled'
		| 'expired'
		| 'raced'
		| 'failed'
		| 'gap'
		| 'quote'
		| 'order'
		| 'fill'
		| 'portfolio'
		| 'book';
	text: string;
	/** Milliseconds from the triggering event reaching the trigger to the action's answer. */
	latencyMs?: number;
}

export interface LoopStats {
	requests: number;
	quoted: number;
	accepted: number;
	confirmed: number;
	settled: number;
	/** Quotes refused because the request changed or closed meanwhile: a normal race, not a failure. */
	raced: number;
	failed: number;
	/** Market-maker P&L over settled positions (win for the taker costs mm_cost). */
	pnl: number;
	confirmLatenciesMs: number[];
}

export interface MarketMakingLoop {
	stats: LoopStats;
	stop(): Promise<void>;
}

const short = (id: unknown) => String(id).slice(0, 8);

/** As the example's Race Check: a 409 saying the request moved on or closed is a race with the market. */
function raceOf(error: unknown): string | undefined {
	const { httpCode, context } = error as { httpCode?: string | null; context?: IDataObject };
	if (httpCode !== '409') return undefined;
	const reason = (context?.details as IDataObject | undefined)?.reason ?? context?.code;
	if (reason === 'version_mismatch') return 'changed';
	if (reason === 'request_not_active') return 'closed';
	return undefined;
}

export async function startMarketMakingLoop(harness: N8nHarness, report: (step: LoopStep) => void): Promise<MarketMakingLoop> {
	const stats: LoopStats = {
		requests: 0,
		quoted: 0,
		accepted: 0,
		confirmed: 0,
		settled: 0,
		raced: 0,
		failed: 0,
		pnl: 0,
		confirmLatenciesMs: [],
	};
	/** What each accepted quote puts at risk, to report P&L at settlement. */
	const exposure = new Map<string, { mmCost: number; userCost: number }>();

	const runAction = async (parameters: IDataObject, item: IDataObject) => {
		const result = await harness.executeNode('totalis', parameters as never, 'totalisApi', [item]);
		if (result.error) throw result.error;
		return result.items[0]?.json ?? {};
	};

	const noteGap = (json: IDataObject) => {
		const gap = json.gap as { reconnects: number; droppedFrames: number } | null;
		if (gap) report({ kind: 'gap', text: `gap before this event: ${gap.reconnects} reconnect(s), ${gap.droppedFrames} dropped frame(s)` });
	};

	const onRequest = async ({ json }: INodeExecutionData) => {
		const started = performance.now();
		noteGap(json);
		const request = json.data as unknown as PricedRequest;
		stats.requests++;
		const odds = payoutOddsFor(request);
		report({
			kind: 'request',
			text: `${json.event === 'quote_request:updated' ? 'updated' : 'new'} request ${short(request.id)} v${request.version}, ${request.legs?.length ?? '?'} legs, bet ${request.bet_amount}${json.snapshot ? ' (snapshot)' : ''}`,
		});
		try {
			await runAction(
				{
					resource: 'quoteRequest',
					operation: 'submitQuote',
					quoteRequestId: '={{ $json.data.id }}',
					requestVersion: '={{ $json.data.version }}',
					requestHash: '={{ $json.data.request_hash }}',
					payoutOdds: odds,
					expiresInMs: 15000,
				},
				json,
			);
			stats.quoted++;
			report({
				kind: 'quoted',
				text: `quoted ${short(request.id)} v${request.version} at odds ${odds.toFixed(2)}`,
				latencyMs: performance.now() - started,
			});
		} catch (error) {
			const race = raceOf(error);
			if (race) {
				stats.raced++;
				report({ kind: 'raced', text: `quote on ${short(request.id)} v${request.version} raced: the request ${race} meanwhile` });
				return;
			}
			stats.failed++;
			report({ kind: 'failed', text: `quote on ${short(request.id)} refused: ${(error as Error).message}` });
		}
	};

	const onQuoteEvent = async ({ json }: INodeExecutionData) => {
		const started = performance.now();
		noteGap(json);
		const data = json.data as IDataObject;
		switch (json.event) {
			case 'quote:accepted': {
				stats.accepted++;
				const quote = (data.quote ?? {}) as IDataObject;
				exposure.set(String(data.rfq_id), { mmCost: Number(quote.mm_cost ?? 0), userCost: Number(quote.user_cost ?? 0) });
				const left = Date.parse(String(data.confirmation_deadline)) - Date.now();
				report({ kind: 'accepted', text: `quote ${short(data.quote_id)} accepted, ${left} ms left to confirm` });
				try {
					const confirmed = await runAction(
						{
							resource: 'quote',
							operation: 'confirm',
							quoteId: '={{ $json.data.quote_id }}',
							confirmationDeadline: '={{ $json.data.confirmation_deadline }}',
						},
						json,
					);
					const latency = performance.now() - started;
					stats.confirmed++;
					stats.confirmLatenciesMs.push(latency);
					report({
						kind: 'confirmed',
						text: `confirmed ${short(data.quote_id)} → execution ${short(confirmed.execution_id)}`,
						latencyMs: latency,
					});
				} catch (error) {
					stats.failed++;
					report({ kind: 'failed', text: `confirm of ${short(data.quote_id)} failed: ${(error as Error).message}` });
				}
				return;
			}
			case 'position:settled': {
				stats.settled++;
				const risk = exposure.get(String(data.rfq_id));
				exposure.delete(String(data.rfq_id));
				const pnl = risk ? (data.outcome === 'win' ? -risk.mmCost : risk.userCost) : 0;
				stats.pnl += pnl;
				report({
					kind: 'settled',
					text: `position ${short(data.rfq_id)} settled: taker ${data.outcome === 'win' ? 'won' : 'lost'}, MM P&L ${pnl >= 0 ? '+' : ''}${pnl.toFixed(2)} (total ${stats.pnl.toFixed(2)})`,
				});
				return;
			}
			case 'position:cancelled':
			case 'position:error':
				report({ kind: 'cancelled', text: `position ${short(data.rfq_id)}: ${json.event} ${String(data.reason ?? data.error ?? '')}` });
				return;
			case 'quote:expired':
				report({ kind: 'expired', text: `quote ${short(data.quote_id)} expired unconfirmed` });
		}
	};

	// n8n runs executions concurrently; so does the demo (each emission handled as it comes).
	const triggers: ActiveTrigger[] = [];
	const pending = new Set<Promise<void>>();
	const track = (work: Promise<void>) => {
		pending.add(work);
		void work.finally(() => pending.delete(work));
	};
	triggers.push(
		await harness.startTrigger(
			'totalisTrigger',
			{ source: 'quoteRequests', requestEvents: ['quote_request', 'quote_request:updated'], mmHeartbeatMs: 20000 },
			'totalisApi',
			{ keep: false, onEmit: (items) => items.forEach((item) => track(onRequest(item))) },
		),
	);
	triggers.push(
		await harness.startTrigger(
			'totalisTrigger',
			{
				source: 'websocket',
				events: ['quote:accepted', 'mm_quote:accepted', 'position:settled', 'position:cancelled', 'position:error', 'quote:expired'],
				mergeAccepted: true,
				mergeWaitMs: 100,
			},
			'totalisApi',
			{ keep: false, onEmit: (items) => items.forEach((item) => track(onQuoteEvent(item))) },
		),
	);

	return {
		stats,
		async stop() {
			for (const trigger of triggers) await trigger.close();
			await Promise.allSettled([...pending]);
		},
	};
}
