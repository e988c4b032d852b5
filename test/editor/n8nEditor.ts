/**
 * What a person does in n8n 2.41.1's editor, as small steps on a Playwright page. Elements are
 * found by n8n's own data-test-id attributes and by visible text; every wait is for an element or
 * an event, with the page's generous default timeouts.
 */
import type { Locator, Page } from 'playwright-core';

import { pollUntil, type N8nOwner } from '../../tools/e2e';

export async function signIn(page: Page, baseUrl: string, owner: N8nOwner): Promise<void> {
	await page.goto(`${baseUrl}/signin`);
	const form = page.getByTestId('signin-form');
	// The form's first field is "Email", its password field the only one of type password.
	await form.locator('input').first().fill(owner.email);
	await form.locator('input[type="password"]').fill(owner.password);
	await page.getByTestId('form-submit-button').click();
	await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
	await form.waitFor({ state: 'hidden' });
}

/** A new, empty workflow with the nodes panel open on "What triggers this workflow?". */
export async function newWorkflowWithNodesPanel(page: Page, baseUrl: string): Promise<Locator> {
	await page.goto(`${baseUrl}/workflow/new`);
	await page.getByTestId('canvas-add-button').click();
	return nodesPanel(page);
}

export async function nodesPanel(page: Page): Promise<Locator> {
	const panel = page.getByTestId('node-creator');
	await panel.getByTestId('node-creator-search-bar').waitFor();
	return panel;
}

/**
 * Types into the nodes panel's search and returns the names it lists. The search is cleared first,
 * and `expected` waited out of the list, so the answer is this query's and not the previous one's;
 * then it waits for the list (or "no results") and, if `expected` is missing, gives it a moment
 * more to appear before answering without it.
 */
export async function searchNodes(panel: Locator, query: string, expected: string): Promise<string[]> {
	const search = panel.getByTestId('node-creator-search-bar');
	await search.fill('');
	await appItem(panel, expected).waitFor({ state: 'hidden' });
	await search.fill(query);
	const names = panel.getByTestId('node-creator-item-name');
	await names.first().or(panel.getByTestId('node-creator-no-results')).first().waitFor();
	await appItem(panel, expected)
		.waitFor({ timeout: 5000 })
		.catch(() => undefined);
	return names.allInnerTexts();
}

/**
 * The panel's entry for a venue: n8n lists a package's trigger and action node under one app entry
 * named like the action node ("Totalis"), whose page has a Triggers and an Actions section.
 */
export function appItem(panel: Locator, appName: string): Locator {
	return panel
		.getByTestId('node-creator-item-name')
		.filter({ hasText: new RegExp(`^${escapeRegExp(appName)}$`) })
		.first();
}

/** Opens the app's page; returns its section headers ("Triggers (12)", "Actions (5)"). */
export async function openApp(panel: Locator, appName: string): Promise<{ triggers: Locator; actions: Locator }> {
	await appItem(panel, appName).click();
	const triggers = panel.getByText(/^Triggers \(\d+\)$/);
	const actions = panel.getByText(/^Actions \(\d+\)$/);
	await triggers.or(actions).first().waitFor();
	return { triggers, actions };
}

/**
 * The first item of an app page just opened ("On all events"): one line, unlike the search result
 * (name and description) the page slides in over.
 */
export async function firstAppPageItem(panel: Locator): Promise<string> {
	const first = panel.getByTestId('item-iterator-item').first();
	return pollUntil(
		async () => {
			const text = (await first.innerText()).trim();
			return text && !text.includes('\n') ? text : undefined;
		},
		{ timeoutMs: 60_000, description: "the app page's first item" },
	);
}

/** Adds the node behind one item of an app page ("On quote expired", "Get a quote request"); n8n opens its panel. */
export async function addFromAppPage(page: Page, panel: Locator, itemText: string, sectionHeader?: Locator): Promise<Locator> {
	const item = panel
		.getByTestId('item-iterator-item')
		.filter({ hasText: new RegExp(`^${escapeRegExp(itemText)}$`) })
		.first();
	// The Actions section starts folded when the app page opens on the trigger view.
	if (sectionHeader && !(await item.isVisible())) await sectionHeader.click();
	await item.click();
	const ndv = page.getByTestId('ndv');
	await ndv.getByTestId('node-parameters').waitFor();
	return ndv;
}

/** What the node panel's credential field shows: the selected credential's name (as text, or as an input's value). */
export async function selectedCredential(ndv: Locator): Promise<string> {
	const select = ndv.getByTestId('node-credentials-select').first();
	await select.waitFor();
	const values = await select
		.locator('input')
		.evaluateAll((inputs) => inputs.map((input) => (input as unknown as { value: string }).value));
	return [await select.innerText(), ...values]
		.map((text) => text.trim())
		.filter(Boolean)
		.join(' | ');
}

export async function closeNodePanel(page: Page): Promise<void> {
	const ndv = page.getByTestId('ndv');
	await ndv.getByTestId('ndv-close-button').click();
	await ndv.waitFor({ state: 'hidden' });
}

/**
 * Switches a resource-locator field (n8n's "From list / By ID" picker) to one of its modes, by
 * the mode's name in the node description ("list", "id"); returns the field.
 */
export async function chooseLocatorMode(page: Page, ndv: Locator, parameterName: string, mode: string): Promise<Locator> {
	const field = ndv.getByTestId(`resource-locator-${parameterName}`);
	await field.getByTestId('rlc-mode-selector').click();
	await page.getByTestId(`mode-${mode}`).click();
	return field;
}

/**
 * Opens a resource-locator field's list (n8n loads it through the node's listSearch method) and
 * returns its entries; resolves once the list shows `expected` (or fails with the page's timeout).
 */
export async function openLocatorList(page: Page, field: Locator, expected: string): Promise<Locator> {
	await field.getByTestId('rlc-input').click();
	// The list opens in a popover outside the panel; only one is open at a time.
	const items = page.getByTestId('rlc-item');
	await items.filter({ hasText: expected }).first().waitFor();
	return items;
}

/** What a resource-locator field shows: its input's value (in list mode, the picked entry's name). */
export async function locatorValue(field: Locator): Promise<string> {
	// n8n's input component may put the test id on the <input> itself or on its wrapper.
	return field
		.getByTestId('rlc-input')
		.first()
		.evaluate((node) => {
			type Field = { tagName: string; value?: string; querySelector(selector: string): Field | null };
			const element = node as unknown as Field;
			return (element.tagName === 'INPUT' ? element : element.querySelector('input'))?.value ?? '';
		});
}

/**
 * A multiple-choice field (n8n's multiOptions: an Element Plus select) whose options n8n loads
 * through the node's loadOptions method. Opens its dropdown once the options have loaded (n8n
 * disables the select while it loads them) and returns the dropdown's options; resolves once they
 * show `expected`. The dropdown is teleported to the page's body, outside the panel, and the other
 * selects' dropdowns stay in the page hidden: role locators see only the one open.
 */
export async function openMultipleChoice(page: Page, ndv: Locator, parameterName: string, expected: string): Promise<Locator> {
	const field = multipleChoiceField(ndv, parameterName);
	const input = field.locator('input').first();
	await pollUntil(async () => ((await input.isEnabled()) ? true : undefined), {
		timeoutMs: 60_000,
		description: `the ${parameterName} field to finish loading its options`,
	});
	await field.locator('.el-select').first().click();
	const options = page.getByRole('option');
	await options.filter({ hasText: expected }).first().waitFor();
	return options;
}

/** Closes an open multiple-choice dropdown: Escape in its input (the select keeps the key from the panel, which would close). */
export async function closeMultipleChoice(page: Page, ndv: Locator, parameterName: string): Promise<void> {
	await multipleChoiceField(ndv, parameterName).locator('input').first().press('Escape');
	await page.getByRole('option').first().waitFor({ state: 'hidden' });
}

/** What a multiple-choice field shows: the labels of its chosen entries (its tags). */
export async function multipleChoiceTags(ndv: Locator, parameterName: string): Promise<string[]> {
	const tags = await multipleChoiceField(ndv, parameterName).locator('.el-select__tags-text').allInnerTexts();
	return tags.map((tag) => tag.trim()).filter(Boolean);
}

function multipleChoiceField(ndv: Locator, parameterName: string): Locator {
	return ndv.getByTestId(`parameter-input-${parameterName}`);
}

/** The fields of a credential form, by label: `{ 'API Key': '…' }`. */
export type CredentialFields = Record<string, string>;

/**
 * Creates a credential the way a person does (Create credential → type → fields → Save); n8n tests
 * it on save. Resolves when the form says "Connection tested successfully"; fails with what the
 * form says otherwise.
 */
export async function createAndTestCredential(page: Page, baseUrl: string, typeName: string, fields: CredentialFields): Promise<Locator> {
	await page.goto(`${baseUrl}/home/credentials/create`);
	await page.getByTestId('new-credential-type-select').click();
	await page.keyboard.type(typeName);
	await page
		.getByTestId('new-credential-type-select-option')
		.filter({ hasText: new RegExp(`^${escapeRegExp(typeName)}$`) })
		.click();
	await page.getByTestId('new-credential-type-button').click();

	const dialog = page.getByTestId('credential-edit-dialog');
	const parameters = dialog.getByTestId('credential-connection-parameter');
	await parameters.first().waitFor();
	for (const [label, value] of Object.entries(fields)) {
		await (await credentialInput(parameters, label)).fill(value);
	}
	await page.getByTestId('credential-save-button').click();
	const success = page.getByTestId('credentials-config-container-test-success');
	const failure = dialog.getByText(/Couldn[’']t connect with these settings/);
	await success.or(failure).first().waitFor();
	if (!(await success.isVisible())) throw new Error(`${typeName}: the credential test failed: ${await dialog.innerText()}`);
	return dialog;
}

export async function closeCredentialDialog(page: Page): Promise<void> {
	await page.keyboard.press('Escape');
	await page.getByTestId('credential-edit-dialog').waitFor({ state: 'hidden' });
}

/** The input of the credential field whose label (its first line, without the required mark) is `label`. */
async function credentialInput(parameters: Locator, label: string): Promise<Locator> {
	const labels: string[] = [];
	for (let index = 0; index < (await parameters.count()); index++) {
		const parameter = parameters.nth(index);
		const shown = (await parameter.innerText())
			.split('\n')[0]
			.replace(/\*\s*$/, '')
			.trim();
		if (shown === label) return parameter.locator('input').first();
		labels.push(shown);
	}
	throw new Error(`no credential field labelled "${label}" (the form has ${labels.join(', ')})`);
}

/** Workflow menu → Import → Import from File, with `file`; resolves when `firstNodeName` is on the canvas. */
export async function importWorkflowFile(page: Page, file: string, firstNodeName: string): Promise<void> {
	await page.getByTestId('workflow-menu').click();
	await page.getByTestId('workflow-menu-item-import').hover();
	const chooser = page.waitForEvent('filechooser');
	await page.getByTestId('workflow-menu-item-import-from-file').click();
	await (await chooser).setFiles(file);
	await canvasNode(page, firstNodeName).waitFor();
}

/** A sticky note on the canvas: n8n 2.41.1 gives its wrapper the node's name and type but no canvas-node test id. */
export function canvasSticky(page: Page, name: string): Locator {
	return page.locator(`[data-node-type="n8n-nodes-base.stickyNote"][data-node-name="${name.replace(/["\\]/g, '\\$&')}"]`);
}

export function canvasNode(page: Page, name: string): Locator {
	return page.locator(`[data-test-id="canvas-node"][data-node-name="${name.replace(/["\\]/g, '\\$&')}"]`);
}

export function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
