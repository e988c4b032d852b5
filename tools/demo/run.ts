/**
 * `npm run demo`: starts the venue simulator with a live market and runs the market-making loop
 * through the real nodes, printing each step with its latency, until Ctrl+C (or --duration).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// n8n-core reads its settings folder on import: give it a throwaway one before loading it.
process.env.N8N_USER_FOLDER ??= mkdtempSync(join(tmpdir(), 'trading-venues-demo-'));

import { AggMarketApi } from '../../credentials/AggMarketApi.credentials';
import { HelioApi } from '../../credentials/HelioApi.credentials';
import { OpenMarketsApi } from '../../credentials/OpenMarketsApi.credentials';
import { TotalisApi } from '../../credentials/TotalisApi.credentials';
import { N8nHarness, onLog, useSimulatorCredentials } from '../harness';
import { AggMarket } from '../../nodes/AggMarket/AggMarket.node';
import { AggMarketTrigger } from '../../nodes/AggMarket/AggMarketTrigger.node';
import { Helio } from '../../nodes/Helio/Helio.node';
import { OpenMarketsTrigger } from '../../nodes/OpenMarkets/OpenMarketsTrigger.node';
import { HelioTrigger } from '../../nodes/Helio/HelioTrigger.node';
import { Totalis } from '../../nodes/Totalis/Totalis.node';
import { TotalisTrigger } from '../../nodes/Totalis/TotalisTrigger.node';
import { addDialectArg, startSimulator, type DialectChoice } from 'trading-venues-simulator';
import { startAggScenario } from './aggScenario';
import { startHelioScenario } from './helioScenario';
import { startMarketMakingLoop, type LoopStep } from './marketMakingLoop';
import { startOpenMarketsScenario } from './openMarketsScenario';

const LABELS: Record<LoopStep['kind'], string> = {
	request: 'REQUEST  ',
	quoted: 'QUOTED   ',
	accepted: 'ACCEPTED ',
	confirmed: 'CONFIRMED',
	settled: 'SETTLED  ',
	cancelled: 'CANCELLED',
	expired: 'EXPIRED  ',
	raced: 'RACED    ',
	failed: 'FAILED   ',
	gap: 'GAP      ',
	quote: 'QUOTE    ',
	order: 'ORDER    ',
	fill: 'FILL     ',
	portfolio: 'PORTFOLIO',
	book: 'BOOK     ',
};

function print(step: LoopStep) {
	const time = new Date().toISOString().slice(11, 23);
	const latency = step.latencyMs === undefined ? '' : `  (${step.latencyMs.toFixed(1)} ms)`;
	console.log(`${time}  ${LABELS[step.kind]}  ${step.text}${latency}`);
}

function percentile(values: number[], p: number) {
	if (values.length === 0) return NaN;
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main() {
	const durationArg = process.argv.find((arg) => arg.startsWith('--duration='));
	const durationMs = durationArg ? Number(durationArg.split('=')[1]) * 1000 : undefined;

	// --dialect=helio=snake (repeatable) or --dialect=variant: venues that read their docs another way.
	const dialects: DialectChoice = {};
	for (const arg of process.argv) if (arg.startsWith('--dialect=')) addDialectArg(dialects, arg.slice('--dialect='.length));

	const sim = await startSimulator({
		port: Number(process.env.DEMO_PORT ?? 0),
		totalis: { dialect: dialects.totalis },
		helio: { dialect: dialects.helio },
		agg: { dialect: dialects.agg },
		openmarkets: { dialect: dialects.openmarkets },
	});
	sim.totalis.startMarket({ newRequestEveryMs: 2500, updateEveryMs: 7000, autoAccept: { delayMs: 800, probability: 0.7 } });

	sim.helio.startMarket();
	sim.agg.startMarket();
	sim.openmarkets.startAutoplay();

	const harness = new N8nHarness({
		nodes: {
			totalis: Totalis,
			totalisTrigger: TotalisTrigger,
			helio: Helio,
			helioTrigger: HelioTrigger,
			aggMarket: AggMarket,
			aggMarketTrigger: AggMarketTrigger,
			openMarketsTrigger: OpenMarketsTrigger,
		},
		credentialTypes: [TotalisApi, HelioApi, AggMarketApi, OpenMarketsApi],
	});
	useSimulatorCredentials(harness, sim);
	onLog((line) => {
		if (line.level === 'warn' || line.level === 'error') console.log(`               ${line.level.toUpperCase()}      ${line.message}`);
	});

	console.log(`Venue simulator on ${sim.baseUrl} (Totalis REST ${sim.totalis.restUrl}, WebSocket ${sim.totalis.wsUrl})`);
	console.log('Totalis market-making loop: quote requests → price → Submit Quote; quote accepted → Confirm; position settled → report');
	console.log(
		`Helio (${sim.helio.restUrl}): a market order on EURUSD every 3 s; the trigger reports quotes (latest per second), fills and the portfolio`,
	);
	console.log(
		`agg.market (${sim.agg.restUrl}): the user's orders to their end with balances after fills; two books' top of book, a sequence gap every 10 s`,
	);
	console.log(
		`OpenMarkets (${sim.openmarkets.restUrl}): every contest starting within a day; line moves of 2 cents+, scores, full books; a drop every 15 s`,
	);
	console.log(durationMs ? `Running for ${durationMs / 1000} s.\n` : 'Press Ctrl+C to stop.\n');

	const loop = await startMarketMakingLoop(harness, print);
	const helio = await startHelioScenario(harness, sim.helio.accounts[0].id, print);
	const agg = await startAggScenario(harness, sim.agg, print);
	const openMarkets = await startOpenMarketsScenario(harness, sim.openmarkets, print);
	let stopping = false;
	const stop = async () => {
		if (stopping) return;
		stopping = true;
		await loop.stop();
		await helio.stop();
		await agg.stop();
		await openMarkets.stop();
		sim.totalis.stopMarket();
		sim.helio.stopMarket();
		sim.agg.stopMarket();
		sim.openmarkets.stopAutoplay();
		await sim.close();
		const { stats } = loop;
		console.log(
			`\n${stats.requests} requests, ${stats.quoted} quoted, ${stats.accepted} accepted, ${stats.confirmed} confirmed, ${stats.settled} settled, ${stats.raced} raced, ${stats.failed} failed; MM P&L ${stats.pnl.toFixed(2)}`,
		);
		const h = helio.stats;
		console.log(
			`Helio: ${h.orders} orders, ${h.fills} fills, ${h.quotes} quote updates, ${h.failed} failed; order placed → fill event median ${percentile(h.fillLatenciesMs, 50).toFixed(1)} ms`,
		);
		const a = agg.stats;
		console.log(
			`agg.market: ${a.orders} orders, ${a.fills} fills, ${a.failures} failures; ${a.books} book updates, ${a.resyncs} resynced after a gap`,
		);
		const o = openMarkets.stats;
		console.log(`OpenMarkets: ${o.moves} line moves, ${o.states} state changes, ${o.snapshots} full books, ${o.gaps} items after a gap`);
		if (stats.confirmLatenciesMs.length > 0) {
			console.log(
				`confirm latency (trigger item → confirm answered): median ${percentile(stats.confirmLatenciesMs, 50).toFixed(1)} ms, max ${Math.max(...stats.confirmLatenciesMs).toFixed(1)} ms`,
			);
		}
	};
	process.once('SIGINT', () => void stop());
	process.once('SIGTERM', () => void stop());
	if (durationMs) setTimeout(() => void stop(), durationMs);
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
