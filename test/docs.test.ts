/**
 * The documentation stands on its own: nothing in the repository points outside it, and every
 * reference to a docs page (from code comments or from another page) names a file and a heading
 * that exist, so a reader following one never lands on nothing.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(__dirname, '..');
const SKIPPED = new Set(['node_modules', 'dist', '.build', '.git', 'coverage', 'results']);
const TEXT = /\.(ts|js|mjs|md|json|sh)$/;

function repositoryFiles(directory = root): string[] {
	return readdirSync(directory).flatMap((name) => {
		const path = join(directory, name);
		if (SKIPPED.has(name)) return [];
		if (statSync(path).isDirectory()) return repositoryFiles(path);
		return TEXT.test(name) && name !== 'package-lock.json' ? [path] : [];
	});
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
function headingAnchor(heading: string): string {
	return heading
		.trim()
		.toLowerCase()
		.replace(/[^\p{L}\p{N} _-]/gu, '')
		.replace(/ /g, '-');
}

function anchorsOf(markdownFile: string): Set<string> {
	const anchors = new Set<string>();
	const seen = new Map<string, number>();
	let fenced = false;
	for (const line of readFileSync(markdownFile, 'utf8').split('\n')) {
		if (line.startsWith('```')) fenced = !fenced;
		const heading = !fenced && /^#{1,6} (.+)$/.exec(line);
		if (!heading) continue;
		const anchor = headingAnchor(heading[1]);
		const count = seen.get(anchor) ?? 0;
		seen.set(anchor, count + 1);
		anchors.add(count === 0 ? anchor : `${anchor}-${count}`);
	}
	return anchors;
}

const files = repositoryFiles();
const thisFile = resolve(__filename);

describe('the documentation', () => {
	it('computes anchors as GitHub does', () => {
		expect(headingAnchor('Quote-request stream (SSE)')).toBe('quote-request-stream-sse');
		expect(headingAnchor('Credential: agg.market API')).toBe('credential-aggmarket-api');
	});

	it('points at nothing outside the repository', () => {
		const outside = /(?<!docs\/)venues\.md|n8n-notes\.md|seeds\/|\.\.\/shared\/(?:venues|seeds|n8n|hooks)/;
		const offenders = files
			.filter((file) => file !== thisFile)
			.flatMap((file) =>
				readFileSync(file, 'utf8')
					.split('\n')
					.map((line, index) => ({ line, at: `${relative(root, file)}:${index + 1}` }))
					.filter(({ line }) => outside.test(line)),
			)
			.map(({ at, line }) => `${at}: ${line.trim()}`);
		expect(offenders).toEqual([]);
	});

	it('cites docs pages and headings that exist, from code and from the pages themselves', () => {
		const broken: string[] = [];
		const check = (from: string, target: string, anchor: string | undefined): void => {
			if (!existsSync(target)) {
				broken.push(`${from} → ${relative(root, target)} (no such file)`);
			} else if (anchor && target.endsWith('.md') && !anchorsOf(target).has(anchor)) {
				broken.push(`${from} → ${relative(root, target)}#${anchor} (no such heading)`);
			}
		};
		for (const file of files) {
			const text = readFileSync(file, 'utf8');
			const from = relative(root, file);
			// Code and pages name docs pages from the repository root: docs/venues/helio.md#login.
			for (const [, path, anchor] of text.matchAll(/(?<![\w./-])(docs\/[\w./-]+\.md)(?:#([\w-]+))?/g)) {
				check(from, join(root, path), anchor);
			}
			// Markdown links are relative to the page: [text](../nodes/totalis.md#totalis-trigger).
			if (file.endsWith('.md')) {
				for (const [, link] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
					if (/^[a-z]+:/i.test(link)) continue;
					const [path, anchor] = link.split('#');
					check(from, path ? resolve(dirname(file), path) : file, anchor);
				}
			}
		}
		expect(broken).toEqual([]);
	});
});
