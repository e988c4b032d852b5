/**
 * Debian's Chromium (/usr/bin/chromium, installed by scripts/install-chromium.sh) driven by
 * playwright-core: Playwright's own browser download is never used. Every console error and
 * uncaught page error is recorded, so a test can fail on those no known noise explains, and each
 * step can leave a screenshot under test-results/editor/ (CI keeps the folder as artifacts).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { chromium, selectors, type Browser, type BrowserContext, type Page } from 'playwright-core';

import { findRepoRoot } from '../../tools/e2e';
import { unexpectedConsoleErrors, type ConsoleEntry } from './consoleNoise';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const SCREENSHOT_DIR = join(findRepoRoot(), 'test-results', 'editor');

/** Generous: the CI machine is shared, and n8n's editor loads a few MB of scripts per page. */
const ACTION_TIMEOUT_MS = 60_000;
const NAVIGATION_TIMEOUT_MS = 120_000;

export interface EditorBrowser {
	page: Page;
	/** Console errors no known noise explains, since the last call (so each step reports its own). */
	takeUnexpectedConsoleErrors(): ConsoleEntry[];
	/** Saves `test-results/editor/<nn>-<name>.png`, numbered in the order the steps ran. */
	screenshot(name: string): Promise<void>;
	/** Saves the page's HTML as `test-results/editor/<nn>-<name>.html` and a screenshot beside it: what a failed step saw. */
	savePage(name: string): Promise<void>;
	close(): Promise<void>;
}

export async function launchEditorBrowser(): Promise<EditorBrowser> {
	// n8n marks its elements with data-test-id, not Playwright's default data-testid.
	selectors.setTestIdAttribute('data-test-id');
	rmSync(SCREENSHOT_DIR, { recursive: true, force: true });
	mkdirSync(SCREENSHOT_DIR, { recursive: true });

	// --no-sandbox: CI runs as root, where Chromium refuses its sandbox.
	const browser: Browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox'] });
	let context: BrowserContext | undefined;
	try {
		context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
		const page = await context.newPage();
		page.setDefaultTimeout(ACTION_TIMEOUT_MS);
		page.setDefaultNavigationTimeout(NAVIGATION_TIMEOUT_MS);

		let errors: ConsoleEntry[] = [];
		page.on('console', (message) => {
			if (message.type() === 'error') errors.push({ text: message.text(), url: message.location().url });
		});
		page.on('pageerror', (error) => errors.push({ text: `uncaught: ${error.stack ?? error.message}`, url: page.url() }));

		let shots = 0;
		const nextFile = (name: string) => {
			shots += 1;
			return join(SCREENSHOT_DIR, `${String(shots).padStart(2, '0')}-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`);
		};
		return {
			page,
			takeUnexpectedConsoleErrors: () => {
				const unexpected = unexpectedConsoleErrors(errors);
				errors = [];
				return unexpected;
			},
			screenshot: async (name) => {
				await page.screenshot({ path: `${nextFile(name)}.png` });
			},
			savePage: async (name) => {
				const file = nextFile(name);
				writeFileSync(`${file}.html`, await page.content());
				await page.screenshot({ path: `${file}.png` });
			},
			close: async () => {
				await context?.close();
				await browser.close();
			},
		};
	} catch (error) {
		await browser.close();
		throw error;
	}
}
