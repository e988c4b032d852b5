/**
 * Browser console errors n8n 2.41.1's editor logs on its own, whatever the package does. Any other
 * console error (or uncaught page error) fails `npm run test:editor`. Each entry says why it is
 * harmless; keep the list short and the matches narrow.
 */
export interface ConsoleEntry {
	/** The console message, or the page error's message. */
	text: string;
	/** The URL the message comes from (for "Failed to load resource", the resource's URL). */
	url: string;
}

export interface KnownNoise {
	reason: string;
	matches(entry: ConsoleEntry): boolean;
}

export const KNOWN_CONSOLE_NOISE: KnownNoise[] = [
	{
		reason:
			'Before anyone signs in, the editor asks GET /rest/login whether a session exists; n8n answers 401 and Chromium logs the failed request.',
		matches: ({ text, url }) => /status of 401/.test(text) && pathOf(url) === '/rest/login',
	},
	{
		reason:
			'The nodes panel\'s details of a community node ask the npm registry about the package from the browser ("Via npm"). The tests run without the internet, so that request fails; the package itself is installed locally.',
		matches: ({ text, url }) => text.startsWith('Failed to load resource') && url.startsWith('https://registry.npmjs.org/'),
	},
	{
		reason:
			"A trigger's panel asks for its output schema (/schemas/<node type>/<version>.json), which n8n's own nodes ship in __schema__ folders for the schema view; this package ships none, so n8n answers 404 and the panel shows the output without a schema preview.",
		matches: ({ text, url }) => /status of 404/.test(text) && (pathOf(url) ?? '').startsWith('/schemas/n8n-nodes-trading-venues.'),
	},
];

/** The entries no known noise explains. */
export function unexpectedConsoleErrors(entries: ConsoleEntry[]): ConsoleEntry[] {
	return entries.filter((entry) => !KNOWN_CONSOLE_NOISE.some((noise) => noise.matches(entry)));
}

function pathOf(url: string): string | undefined {
	try {
		return new URL(url).pathname;
	} catch {
		return undefined;
	}
}
