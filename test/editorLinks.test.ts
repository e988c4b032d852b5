/**
 * What the n8n editor links to and searches by: every node's and credential's documentation URL
 * opens a page of this repository that exists, and every node can be found by the words a trader
 * types. n8n appends `?utm_…` to a documentation URL as text, so a URL with an anchor (`#…`) would
 * end in an anchor no page has: the URLs name pages, not headings.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ICredentialType } from 'n8n-workflow';

const root = resolve(__dirname, '..');
const repositoryUrl = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { repository: { url: string } }).repository.url
	.replace(/^git\+/, '')
	.replace(/\.git$/, '');
const pagePrefix = `${repositoryUrl}/blob/main/`;

interface Codex {
	node: string;
	alias?: string[];
	resources?: Record<string, Array<{ url: string }>>;
}

const codexFiles = readdirSync(join(root, 'nodes')).flatMap((venue) =>
	readdirSync(join(root, 'nodes', venue))
		.filter((name) => name.endsWith('.node.json'))
		.map((name) => join(root, 'nodes', venue, name)),
);

const credentialFiles = readdirSync(join(root, 'credentials')).filter((name) => name.endsWith('.credentials.ts'));

/** The repository file a documentation URL opens, or why it opens none. */
function pageOf(url: string): { file?: string; problem?: string } {
	if (!url.startsWith(pagePrefix)) return { problem: `does not start with ${pagePrefix}` };
	if (/[#?]/.test(url)) return { problem: 'has an anchor or a query, which n8n breaks by appending ?utm_… to it' };
	const file = join(root, url.slice(pagePrefix.length));
	return existsSync(file) ? { file } : { problem: `names ${url.slice(pagePrefix.length)}, which does not exist` };
}

describe('what the editor links to and searches by', () => {
	it('has a codex file for each of the 8 nodes and a credential file for each of the 4 venues', () => {
		expect(codexFiles).toHaveLength(8);
		expect(credentialFiles).toHaveLength(4);
	});

	it.each(codexFiles.map((file) => [file.slice(root.length + 1), file]))(
		'%s links to pages of this repository that exist',
		(_name, file) => {
			const codex = JSON.parse(readFileSync(file, 'utf8')) as Codex;
			const urls = Object.values(codex.resources ?? {}).flatMap((links) => links.map((link) => link.url));
			expect(urls.length).toBeGreaterThan(0);
			expect(urls.map((url) => ({ url, ...pageOf(url) })).filter((link) => link.problem)).toEqual([]);
		},
	);

	it.each(credentialFiles)('%s links to a page of this repository that exists', async (name) => {
		const module = (await import(join(root, 'credentials', name))) as Record<string, new () => ICredentialType>;
		const credential = new (Object.values(module)[0])();
		expect(credential.documentationUrl).toBeDefined();
		expect(pageOf(credential.documentationUrl!)).toEqual({ file: expect.any(String) });
	});

	it('finds every node by "trading", and each venue by its own trade', () => {
		const aliases = new Map(codexFiles.map((file) => [file, (JSON.parse(readFileSync(file, 'utf8')) as Codex).alias ?? []]));
		for (const [file, words] of aliases) expect({ file, trading: words.includes('trading') }).toEqual({ file, trading: true });
		const has = (venue: string, word: string) =>
			[...aliases].filter(([file]) => file.includes(`/nodes/${venue}/`)).every(([, words]) => words.includes(word));
		expect(has('Totalis', 'market making')).toBe(true);
		expect(has('Totalis', 'RFQ')).toBe(true);
		expect(has('AggMarket', 'prediction market')).toBe(true);
		expect(has('OpenMarkets', 'sports betting')).toBe(true);
		expect(has('Helio', 'forex')).toBe(true);
	});
});
