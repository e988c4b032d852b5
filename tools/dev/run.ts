/**
 * `npm run dev`: the venue simulator with a live market, and a real n8n 2.x with this package
 * installed as a community package, a credential pointing at the simulator and the example
 * workflows imported and active. Open the editor and watch the executions come in. Ctrl+C stops
 * everything. n8n is installed on first use into the project cache (several minutes, once).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { startN8nWithPackage, type N8nWithPackage } from '../e2e';
import { projectCacheDir } from '../e2e/cacheDir';
import {
	AGG_CREDENTIAL_NAME,
	EXAMPLE_CREDENTIAL_NAME,
	HELIO_CREDENTIAL_NAME,
	loadExample,
	OPENMARKETS_CREDENTIAL_NAME,
} from '../e2e/examples';
import { N8nApiError, type N8nCredential } from '../e2e/n8nApi';
import { simulatorCredentials, type VenueCredentialType } from '../harness/simulatorCredentials';
import { logHelioEvents, logTotalisEvents, startSimulator, type VenueSimulator } from 'trading-venues-simulator';

const N8N_PORT = Number(process.env.N8N_PORT ?? 5678);
const SIMULATOR_PORT = Number(process.env.SIMULATOR_PORT ?? 5700);
const EXAMPLES = [
	'totalis-market-making.json',
	'helio-quote-signal.json',
	'agg-market-fills-and-spread.json',
	'openmarkets-line-moves.json',
];
const AGG_EXAMPLE = 'agg-market-fills-and-spread.json';
/** Each venue's credential in n8n, by the name the examples are imported with. */
const CREDENTIAL_NAMES: Record<VenueCredentialType, string> = {
	totalisApi: EXAMPLE_CREDENTIAL_NAME,
	helioApi: HELIO_CREDENTIAL_NAME,
	aggMarketApi: AGG_CREDENTIAL_NAME,
	openMarketsApi: OPENMARKETS_CREDENTIAL_NAME,
};

/** What this folder's n8n already holds, so a restart keeps the user's edits instead of re-importing. */
interface DevState {
	credentials: Record<string, string>;
	workflows: Record<string, string>;
}

const time = () => new Date().toISOString().slice(11, 23);
const say = (line: string) => console.log(`${time()} ${line}`);

async function exists(check: () => Promise<unknown>): Promise<boolean> {
	try {
		await check();
		return true;
	} catch (error) {
		if (error instanceof N8nApiError && error.status === 404) return false;
		throw error;
	}
}

async function provision(n8n: N8nWithPackage, sim: VenueSimulator, statePath: string) {
	const state: DevState = existsSync(statePath)
		? (JSON.parse(readFileSync(statePath, 'utf8')) as DevState)
		: { credentials: {}, workflows: {} };
	const values = simulatorCredentials(sim);
	// The simulated agg.market issues new tokens each run (and rotates refresh tokens): its
	// credential gets this run's pair (replacing all its data clears the stored session token), and an
	// agg.market workflow already active is restarted on it. The others keep what the user edited.
	const restartAgg = Boolean(state.credentials.aggMarketApi);
	const credentials: Record<string, N8nCredential> = {};
	for (const [type, name] of Object.entries(CREDENTIAL_NAMES) as Array<[VenueCredentialType, string]>) {
		let id = state.credentials[type];
		if (id && type === 'aggMarketApi') await n8n.api.updateCredential(id, values[type]);
		if (!id) {
			id = state.credentials[type] = (await n8n.api.createCredential({ name, type, data: values[type] })).id;
			say(`created the credential "${name}" (pointing at the simulator)`);
		}
		credentials[type] = { id, name, type };
	}
	for (const file of EXAMPLES) {
		const known = state.workflows[file];
		if (known && (await exists(() => n8n.api.getWorkflow(known)))) {
			if (file === AGG_EXAMPLE && restartAgg && (await n8n.api.getWorkflow(known)).active) {
				await n8n.api.deactivateWorkflow(known);
				await n8n.api.activateWorkflow(known);
				say("restarted the agg.market workflow on this run's simulator tokens");
			}
			continue;
		}
		const workflow = await n8n.api.createWorkflow(loadExample(file, credentials, { shippedSaving: true }));
		await n8n.api.activateWorkflow(workflow.id);
		state.workflows[file] = workflow.id;
		say(`imported and activated "${workflow.name}" (examples/${file})`);
	}
	writeFileSync(statePath, `${JSON.stringify(state, null, '\t')}\n`);
}

async function main() {
	const userFolder = join(projectCacheDir(), 'dev-n8n');
	mkdirSync(userFolder, { recursive: true });

	const sim = await startSimulator({ port: SIMULATOR_PORT });
	say(`venue simulator on ${sim.baseUrl} (Totalis REST ${sim.totalis.restUrl}, WebSocket ${sim.totalis.wsUrl}, key ${sim.totalis.apiKey})`);
	let n8n: N8nWithPackage | undefined;
	let stopping = false;
	const stop = async (code = 0) => {
		if (stopping) return;
		stopping = true;
		say('stopping n8n and the simulator…');
		await n8n?.stop().catch((error: unknown) => console.error(error));
		await sim.close();
		process.exit(code);
	};
	process.once('SIGINT', () => void stop());
	process.once('SIGTERM', () => void stop());

	try {
		n8n = await startN8nWithPackage({ port: N8N_PORT, userFolder, log: (line) => say(line) });
		await provision(n8n, sim, join(userFolder, 'dev-state.json'));
	} catch (error) {
		console.error(error);
		await stop(1);
		return;
	}
	sim.totalis.startMarket();
	sim.helio.startMarket();
	sim.agg.startMarket();
	sim.openmarkets.startAutoplay();
	logTotalisEvents(sim.totalis, (line) => say(`[totalis] ${line}`));
	logHelioEvents(sim.helio, (line) => say(`[helio] ${line}`));
	console.log(`
n8n is running with n8n-nodes-trading-venues: open ${n8n.baseUrl}
  sign in as ${n8n.owner.email} / ${n8n.owner.password}
  the workflows "Totalis: market-making loop", "Helio: quote signal and fill report",
  "agg.market: fill report and spread watch" and "OpenMarkets: line moves and game state"
  are active: see their executions
  n8n's own log: ${join(userFolder, 'n8n.log')}
The simulated market is live; Ctrl+C stops everything.
`);
}

void main();
