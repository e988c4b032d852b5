#!/usr/bin/env node
/**
 * `npm run simulator`: the venue simulator on a fixed port, with a live market, printing the
 * values to paste into the n8n credential and a line per notable event.
 */
import { logAggEvents } from './agg/eventLog';
import { CLI_USAGE, parseCliArgs, type CliOptions } from './cliArgs';
import { logHelioEvents } from './helio/eventLog';
import { startSimulator } from './index';
import { logOpenMarketsEvents } from './openmarkets/eventLog';
import { logTotalisEvents } from './totalis/eventLog';

function timestamp(): string {
	return new Date().toISOString().slice(11, 23);
}

async function main(options: CliOptions): Promise<void> {
	const sim = await startSimulator({
		host: options.host,
		port: options.port,
		totalis: { seed: options.seed, dialect: options.dialects.totalis },
		helio: { seed: options.seed, dialect: options.dialects.helio },
		agg: { seed: options.seed, dialect: options.dialects.agg },
		openmarkets: { seed: options.seed, dialect: options.dialects.openmarkets },
	});
	const { totalis, helio, agg, openmarkets } = sim;
	console.log(`Venue simulator listening on ${sim.baseUrl}`);
	const dialects = Object.entries(options.dialects).map(([venue, dialect]) => `${venue}=${dialect}`);
	if (dialects.length > 0) console.log(`Dialects: ${dialects.join(', ')} (the other venues speak their default)`);
	console.log('');
	console.log('Totalis credential (paste into n8n):');
	console.log(`  REST base URL   ${totalis.restUrl}`);
	console.log(`  WebSocket URL   ${totalis.wsUrl}`);
	console.log(`  API key         ${totalis.apiKey}`);
	console.log(`  (user_id ${totalis.userId}, mm_id ${totalis.mmId}; quote-request SSE stream ${totalis.sseUrl})`);
	console.log('');
	console.log('Helio credential (paste into n8n):');
	console.log(`  Trader Host     ${helio.restUrl}`);
	console.log(`  Email           ${helio.email}`);
	console.log(`  Password        ${helio.password}`);
	const accounts = helio.accounts.map((account) => account.id).join(', ');
	console.log(`  (accounts ${accounts}; symbols ${helio.symbols.join(', ')}; WebSocket ${helio.wsUrl}?token=…)`);
	console.log('');
	console.log('agg.market credential (paste into n8n):');
	console.log(`  REST base URL   ${agg.restUrl}`);
	console.log(`  WebSocket URL   ${agg.wsUrl}`);
	console.log(`  App ID          ${agg.appId}`);
	console.log(`  Access token    ${agg.accessToken}`);
	console.log(`  Refresh token   ${agg.refreshToken}`);
	console.log(`  Refresh path    ${agg.refreshPath}`);
	console.log(
		`  (user ${agg.userId}; outcomes e.g. ${agg.outcomes
			.slice(0, 2)
			.map((o) => o.outcomeId)
			.join(', ')})`,
	);
	console.log('');
	console.log('OpenMarkets credential (paste into n8n):');
	console.log(`  API key         ${openmarkets.apiKey}`);
	console.log(`  REST base URL   ${openmarkets.restUrl}`);
	console.log(`  Stream URL      ${openmarkets.streamUrl}`);
	const contests = openmarkets.contests();
	console.log(
		`  (${contests.length} contests in ${openmarkets
			.leagues()
			.map((l) => l.name)
			.join(', ')}; e.g. ${contests
			.slice(0, 2)
			.map((c) => c.id)
			.join(', ')})`,
	);
	console.log('');
	console.log(
		options.market
			? 'Live market on: Totalis quote requests every few seconds (the taker accepts the best quote shortly after you quote);' +
					' Helio quotes move every 250 ms; agg.market books move every 500 ms, with an occasional order;' +
					' OpenMarkets liquidity moves every second, with an occasional score.'
			: 'Live market off (--no-market).',
	);
	console.log('Ctrl+C to stop.');
	console.log('');
	logTotalisEvents(totalis, (line) => console.log(`${timestamp()} [totalis] ${line}`));
	logHelioEvents(helio, (line) => console.log(`${timestamp()} [helio] ${line}`));
	logAggEvents(agg, (line) => console.log(`${timestamp()} [agg] ${line}`));
	logOpenMarketsEvents(openmarkets, (line) => console.log(`${timestamp()} [openmarkets] ${line}`));
	if (options.market) {
		totalis.startMarket();
		helio.startMarket();
		agg.startMarket();
		openmarkets.startAutoplay();
	}

	let stopping = false;
	const stop = (signal: NodeJS.Signals): void => {
		if (stopping) return;
		stopping = true;
		console.log(`\n${signal}: stopping…`);
		sim.close().then(
			() => process.exit(0),
			(error: unknown) => {
				console.error(error);
				process.exit(1);
			},
		);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

let options: CliOptions;
try {
	options = parseCliArgs(process.argv.slice(2));
} catch (error) {
	console.error(`${error instanceof Error ? error.message : String(error)}\n\n${CLI_USAGE}`);
	process.exit(2);
}
if (options.help) {
	console.log(CLI_USAGE);
} else {
	main(options).catch((error: unknown) => {
		console.error(`Simulator failed to start: ${error instanceof Error ? error.message : String(error)}`);
		process.exit(1);
	});
}
