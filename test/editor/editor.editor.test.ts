/**
 * `npm run test:editor`: n8n's editor in a real browser (Debian's Chromium, driven by
 * playwright-core) against the real n8n 2.41.1 of the e2e suite, with this package installed as a
 * community package and the venue simulator behind it. What a new user does: sign in, find the 8
 * nodes by name and by their codex aliases, add each one and open its panel, create and test a
 * credential per venue, listen with a trigger and see the event, import each example. Any browser
 * console error fails the step that caused it (known n8n noise: consoleNoise.ts). Each step leaves a
 * screenshot in test-results/editor/. The tests run in order: later steps use the session and the
 * credentials of earlier ones.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { startSimulator, type VenueSimulator } from 'trading-venues-simulator';

import { findRepoRoot, pollUntil, startN8nWithPackage, type N8nWithPackage } from '../../tools/e2e';
import { launchEditorBrowser, type EditorBrowser } from './browser';
import {
	addFromAppPage,
	canvasNode,
	canvasSticky,
	chooseLocatorMode,
	closeCredentialDialog,
	closeMultipleChoice,
	closeNodePanel,
	createAndTestCredential,
	firstAppPageItem,
	importWorkflowFile,
	locatorValue,
	multipleChoiceTags,
	newWorkflowWithNodesPanel,
	nodesPanel,
	openApp,
	openLocatorList,
	openMultipleChoice,
	searchNodes,
	selectedCredential,
	signIn,
	type CredentialFields,
} from './n8nEditor';

const REPO = findRepoRoot();

interface Venue {
	/** The nodes panel's entry for the venue (named like its action node). */
	app: string;
	triggerNode: string;
	actionNode: string;
	/** Codex files (nodes/<Venue>/<Node>.node.json), whose aliases the search must know. */
	triggerCodex: string;
	actionCodex: string;
	/** An item of the app page's Actions section: adds the action node. */
	actionItem: string;
	credentialType: string;
	credentialFields(sim: VenueSimulator): CredentialFields;
}

const VENUES: Venue[] = [
	{
		app: 'Totalis',
		triggerNode: 'Totalis Trigger',
		actionNode: 'Totalis',
		triggerCodex: 'nodes/Totalis/TotalisTrigger.node.json',
		actionCodex: 'nodes/Totalis/Totalis.node.json',
		actionItem: 'Get a quote request',
		credentialType: 'Totalis API',
		credentialFields: (sim) => ({
			'API Key': sim.totalis.apiKey,
			'REST Base URL': sim.totalis.restUrl,
			'WebSocket URL': sim.totalis.wsUrl,
		}),
	},
	{
		app: 'Helio',
		triggerNode: 'Helio Trigger',
		actionNode: 'Helio',
		triggerCodex: 'nodes/Helio/HelioTrigger.node.json',
		actionCodex: 'nodes/Helio/Helio.node.json',
		actionItem: 'List the trading accounts',
		credentialType: 'Helio API',
		credentialFields: (sim) => ({ 'Trader Host': sim.helio.restUrl, Email: sim.helio.email, Password: sim.helio.password }),
	},
	{
		app: 'agg.market',
		triggerNode: 'agg.market Trigger',
		actionNode: 'agg.market',
		triggerCodex: 'nodes/AggMarket/AggMarketTrigger.node.json',
		actionCodex: 'nodes/AggMarket/AggMarket.node.json',
		actionItem: 'Get the balances',
		credentialType: 'agg.market API',
		credentialFields: (sim) => ({
			'App ID': sim.agg.appId,
			'Access Token': sim.agg.accessToken,
			'Refresh Token': sim.agg.refreshToken,
			'REST Base URL': sim.agg.restUrl,
			'WebSocket URL': sim.agg.wsUrl,
			'Refresh Path': sim.agg.refreshPath,
		}),
	},
	{
		app: 'OpenMarkets',
		triggerNode: 'OpenMarkets Trigger',
		actionNode: 'OpenMarkets',
		triggerCodex: 'nodes/OpenMarkets/OpenMarketsTrigger.node.json',
		actionCodex: 'nodes/OpenMarkets/OpenMarkets.node.json',
		actionItem: 'Get many leagues',
		credentialType: 'OpenMarkets API',
		credentialFields: (sim) => ({
			'API Key': sim.openmarkets.apiKey,
			'REST Base URL': sim.openmarkets.restUrl,
			'Stream URL': sim.openmarkets.streamUrl,
		}),
	},
];

function codexAliases(file: string): string[] {
	const codex = JSON.parse(readFileSync(join(REPO, file), 'utf8')) as { alias?: string[] };
	return codex.alias ?? [];
}

interface ExampleNode {
	name: string;
	type: string;
	parameters: { content?: string };
}

function exampleNodes(file: string): ExampleNode[] {
	return (JSON.parse(readFileSync(join(REPO, 'examples', file), 'utf8')) as { nodes: ExampleNode[] }).nodes;
}

const STICKY_NOTE_TYPE = 'n8n-nodes-base.stickyNote';
/** The first words of a sticky note's text as n8n renders its markdown (no heading marks or emphasis). */
function stickyHeadline(content: string): string {
	const firstLine = content.split('\n').find((line) => line.trim()) ?? '';
	return firstLine
		.replace(/^#+\s*/, '')
		.replace(/[*_`]/g, '')
		.trim()
		.slice(0, 40);
}

const STEP_TIMEOUT_MS = 10 * 60_000;

/** The simulated Helio login's first account. */
const HELIO_ACCOUNT = 'acc-1001';

describe("n8n's editor in a real browser", () => {
	let sim: VenueSimulator;
	let n8n: N8nWithPackage | undefined;
	let browser: EditorBrowser | undefined;
	/** The credential names n8n gave the credentials created in the UI, by venue app name. */
	const credentialNames = new Map<string, string>();

	beforeAll(async () => {
		sim = await startSimulator();
		n8n = await startN8nWithPackage();
		browser = await launchEditorBrowser();
		// Leaving an unsaved workflow asks "leave the page?": yes, each step starts afresh.
		browser.page.on('dialog', (dialog) => void (dialog.type() === 'beforeunload' ? dialog.accept() : dialog.dismiss()));
	}, 20 * 60_000);

	afterAll(async () => {
		await browser?.close();
		await n8n?.stop();
		await sim?.close();
	}, 2 * 60_000);

	afterEach(() => {
		// Every step fails on a console error it caused, and names it.
		expect(browser!.takeUnexpectedConsoleErrors()).toEqual([]);
	});

	it(
		'signs in as the owner',
		async () => {
			const { page, screenshot } = browser!;
			await signIn(page, n8n!.baseUrl, n8n!.owner);
			expect(new URL(page.url()).pathname).not.toMatch(/^\/signin/);
			await screenshot('signed in');
		},
		STEP_TIMEOUT_MS,
	);

	/** Searches each query and returns every one that does not list the venue's app entry, with what was listed instead. */
	async function searchMisses(queries: (venue: Venue) => string[], screenshotName: (venue: Venue) => string): Promise<string[]> {
		const { page, screenshot } = browser!;
		const panel = await newWorkflowWithNodesPanel(page, n8n!.baseUrl);
		const missing: string[] = [];
		for (const venue of VENUES) {
			const asked = queries(venue);
			expect(asked.length).toBeGreaterThan(0);
			for (const query of asked) {
				const found = await searchNodes(panel, query, venue.app);
				if (!found.includes(venue.app)) missing.push(`"${query}" → ${venue.app} (listed: ${found.join(', ') || 'nothing'})`);
			}
			await screenshot(screenshotName(venue));
		}
		return missing;
	}

	it(
		'finds each of the 8 nodes in the nodes panel by its name and by every alias of its app entry',
		async () => {
			// n8n lists a trigger and its action node as one app entry, found by both node names and by
			// the action node's codex aliases (every alias the two codex files share).
			const missing = await searchMisses(
				(venue) => [...new Set([venue.triggerNode, venue.actionNode, ...codexAliases(venue.actionCodex)])],
				(venue) => `search ${venue.app} by name and alias`,
			);
			expect(missing).toEqual([]);
		},
		STEP_TIMEOUT_MS,
	);

	// n8n 2.41.1 searches the app entry by the action node's codex only, so the action codex files
	// carry the triggers' aliases too ("stream", "websocket", "real-time"); this holds every alias a
	// trigger's own codex file names to finding it.
	it(
		"finds each trigger by every alias of its own codex file (n8n searches the app entry's, the action node's)",
		async () => {
			const missing = await searchMisses(
				(venue) => codexAliases(venue.triggerCodex),
				(venue) => `search ${venue.triggerNode} by its own aliases`,
			);
			expect(missing).toEqual([]);
		},
		STEP_TIMEOUT_MS,
	);

	it(
		'runs the credential test of each credential against the simulator: Test passes',
		async () => {
			const { page, screenshot } = browser!;
			for (const venue of VENUES) {
				await createAndTestCredential(page, n8n!.baseUrl, venue.credentialType, venue.credentialFields(sim));
				const name = (await page.getByTestId('credential-name').innerText()).trim();
				expect(name).not.toBe('');
				credentialNames.set(venue.app, name);
				await screenshot(`credential ${venue.credentialType} tested`);
				await closeCredentialDialog(page);
			}
		},
		STEP_TIMEOUT_MS,
	);

	it(
		'adds each node and opens its panel: the parameters render, with the credential selected',
		async () => {
			const { page, screenshot } = browser!;
			for (const venue of VENUES) {
				const panel = await newWorkflowWithNodesPanel(page, n8n!.baseUrl);
				await searchNodes(panel, venue.app, venue.app);
				const { triggers } = await openApp(panel, venue.app);
				await triggers.waitFor();
				// The first item of the Triggers section: the trigger node with that event.
				const firstTrigger = await firstAppPageItem(panel);
				for (const [node, add] of [
					[venue.triggerNode, () => addFromAppPage(page, panel, firstTrigger)],
					[
						venue.actionNode,
						async () => {
							await page.getByTestId('node-creator-plus-button').click();
							const again = await nodesPanel(page);
							await searchNodes(again, venue.app, venue.app);
							const { actions } = await openApp(again, venue.app);
							return addFromAppPage(page, again, venue.actionItem, actions);
						},
					],
				] as const) {
					const ndv = await add();
					expect(await ndv.getByTestId('parameter-input').count()).toBeGreaterThan(0);
					expect(await selectedCredential(ndv)).toContain(credentialNames.get(venue.app));
					await screenshot(`panel of ${node}`);
					await closeNodePanel(page);
				}
			}
		},
		STEP_TIMEOUT_MS,
	);

	it(
		'picks an ID from a list: Helio "Create an order", Account ID → From List offers the login\'s acc-1001, and the field shows it',
		async () => {
			const { page, screenshot } = browser!;
			const panel = await newWorkflowWithNodesPanel(page, n8n!.baseUrl);
			await searchNodes(panel, 'Helio', 'Helio');
			const { actions } = await openApp(panel, 'Helio');
			const ndv = await addFromAppPage(page, panel, 'Create an order', actions);
			expect(await selectedCredential(ndv)).toContain(credentialNames.get('Helio'));

			const accountId = await chooseLocatorMode(page, ndv, 'accountId', 'list');
			// The entries come from Helio's accounts endpoint, through the credential's login.
			const accounts = await openLocatorList(page, accountId, HELIO_ACCOUNT);
			expect(await accounts.allInnerTexts()).toEqual(expect.arrayContaining([expect.stringContaining(HELIO_ACCOUNT)]));
			await screenshot('helio account id list');
			await accounts.filter({ hasText: HELIO_ACCOUNT }).first().click();
			await pollUntil(async () => ((await locatorValue(accountId)).includes(HELIO_ACCOUNT) ? true : undefined), {
				timeoutMs: 30_000,
				description: `the Account ID field to show ${HELIO_ACCOUNT}`,
			});
			await screenshot('helio account id picked');
			await closeNodePanel(page);
		},
		STEP_TIMEOUT_MS,
	);

	it(
		"picks from a multiple-choice list: OpenMarkets Trigger's League IDs offers the simulator's leagues, loaded through the credential, and shows the two picked",
		async () => {
			const { page, screenshot, savePage } = browser!;
			const panel = await newWorkflowWithNodesPanel(page, n8n!.baseUrl);
			await searchNodes(panel, 'OpenMarkets', 'OpenMarkets');
			const { triggers } = await openApp(panel, 'OpenMarkets');
			await triggers.waitFor();
			// n8n loads the options as the panel opens: listen from before.
			const listed = sim.openmarkets.events.waitFor(
				'rest:request',
				(call) => call.path.endsWith('/leagues') && call.status === 200,
				120_000,
			);
			listed.catch(() => undefined); // awaited below; a step that fails earlier must not leave it unhandled
			const ndv = await addFromAppPage(page, panel, await firstAppPageItem(panel));
			expect(await selectedCredential(ndv)).toContain(credentialNames.get('OpenMarkets'));

			// "Follow a Rule" (the default) shows League IDs, whose options come from GET /leagues.
			const leagues = sim.openmarkets.leagues().sort((a, b) => a.name.localeCompare(b.name));
			expect(leagues.length).toBeGreaterThanOrEqual(2);
			try {
				const options = await openMultipleChoice(page, ndv, 'leagueIds', leagues[0].id);
				await listed;
				const shown = await options.allInnerTexts();
				for (const league of leagues)
					expect(shown).toEqual(expect.arrayContaining([expect.stringContaining(`${league.name} (${league.id})`)]));
				await screenshot('openmarkets league ids list');

				const picked = leagues.slice(0, 2).map((league) => `${league.name} (${league.id})`);
				for (const label of picked) await options.filter({ hasText: label }).first().click();
				await closeMultipleChoice(page, ndv, 'leagueIds');
				await pollUntil(async () => ((await multipleChoiceTags(ndv, 'leagueIds')).length === 2 ? true : undefined), {
					timeoutMs: 30_000,
					description: 'the League IDs field to show two picked leagues',
				});
				expect(await multipleChoiceTags(ndv, 'leagueIds')).toEqual(picked);
				await screenshot('openmarkets league ids picked');
			} catch (error) {
				await savePage('openmarkets league ids failed');
				throw error;
			}
			await closeNodePanel(page);
		},
		STEP_TIMEOUT_MS,
	);

	it(
		"listens with the Totalis Trigger (Execute step), shows the venue's event in the output panel, then closes its socket",
		async () => {
			const { page, screenshot } = browser!;
			const panel = await newWorkflowWithNodesPanel(page, n8n!.baseUrl);
			await searchNodes(panel, 'Totalis', 'Totalis');
			await openApp(panel, 'Totalis');
			const ndv = await addFromAppPage(page, panel, 'On quote and position events');
			expect(await selectedCredential(ndv)).toContain(credentialNames.get('Totalis'));

			const channel = `mm:quotes:${sim.totalis.userId}`;
			const subscribed = sim.totalis.waitFor('ws:subscribe', (event) => event.channel === channel, 120_000);
			await ndv.getByTestId('node-execute-button').first().click();
			await subscribed;
			await screenshot('totalis trigger listening');

			const closed = sim.totalis.waitFor('ws:close', undefined, 120_000);
			const quoteId = `q-editor-${Date.now()}`;
			expect(sim.totalis.publish(channel, 'quote:expired', { quote_id: quoteId, rfq_id: 'r-editor' })).toBe(1);
			await ndv.getByText(quoteId).first().waitFor();
			await expect(ndv.getByText('quote:expired').first().isVisible()).resolves.toBe(true);
			await screenshot('totalis trigger output');
			await closed;
			await pollUntil(() => sim.totalis.openSockets() === 0, { timeoutMs: 30_000, description: "the manual run's socket to close" });
			await closeNodePanel(page);
		},
		STEP_TIMEOUT_MS,
	);

	const examples = readdirSync(join(REPO, 'examples')).filter((file) => file.endsWith('.json'));

	it.each(examples)(
		'imports examples/%s: every node and every sticky note in the JSON renders',
		async (file) => {
			const { page, screenshot } = browser!;
			const nodes = exampleNodes(file);
			const workNodes = nodes.filter((node) => node.type !== STICKY_NOTE_TYPE);
			await page.goto(`${n8n!.baseUrl}/workflow/new`);
			await page.getByTestId('canvas-add-button').waitFor();
			await importWorkflowFile(page, join(REPO, 'examples', file), workNodes[0].name);
			for (const node of workNodes) {
				await canvasNode(page, node.name).first().waitFor();
				await expect(canvasNode(page, node.name).count()).resolves.toBe(1);
			}
			// Every example explains itself in sticky notes (one per flow).
			const stickies = nodes.filter((node) => node.type === STICKY_NOTE_TYPE);
			expect(stickies.length).toBeGreaterThan(0);
			for (const sticky of stickies) {
				const note = canvasSticky(page, sticky.name).getByTestId('sticky');
				await note.waitFor();
				const headline = stickyHeadline(sticky.parameters.content ?? '');
				if (headline) await note.getByText(headline, { exact: false }).first().waitFor();
			}
			await screenshot(`example ${file}`);
		},
		STEP_TIMEOUT_MS,
	);
});
