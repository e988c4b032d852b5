// n8n's community-package scanner (@n8n/scan-community-package), run on this repository rather
// than on a published version, so CI catches what n8n's review would: its own ESLint
// configuration (buildScanConfig) on the same two sets of files it lints, the node and credential
// sources with package.json, then the package as npm packs it (dist/ and package.json). Offline:
// the scanner's registry and GitHub steps (provenance, downloads) are what this replaces. The
// exceptions are the ones `n8n-node lint` applies, listed and explained in n8nLintExceptions.mjs.
// Run by `npm run scan` after a build; exits 1 on any error.
import { existsSync } from 'node:fs';
import { ESLint } from 'eslint';
import glob from 'fast-glob';
import tmp from 'tmp';
import { n8nLintExceptions } from './n8nLintExceptions.mjs';

// The scanner makes a download folder as it loads; this run downloads nothing, so it goes at exit.
tmp.setGracefulCleanup();
const { buildScanConfig, SOURCE_FILE_PATTERNS } = await import('@n8n/scan-community-package/scanner/scanner.mjs');

const root = new URL('..', import.meta.url).pathname;

// An exception for a source file covers what it compiles to in dist/ too.
const exceptionConfigs = n8nLintExceptions.map(({ rule, files }) => ({
	files: files.flatMap((file) => (file.endsWith('.ts') ? [file, `dist/${file.replace(/\.ts$/, '.js')}`] : [file])),
	rules: { [rule]: 'off' },
}));

const eslint = new ESLint({
	cwd: root,
	// As the scanner does: a comment in the code cannot switch a rule off.
	allowInlineConfig: false,
	overrideConfigFile: true,
	overrideConfig: [...(await buildScanConfig()), ...exceptionConfigs],
});

if (!existsSync(`${root}dist`)) {
	console.error('scanPackage: dist/ is missing; build the package first (npm run build)');
	process.exit(1);
}

const legs = [
	{ what: 'sources', patterns: SOURCE_FILE_PATTERNS },
	{ what: 'packed package', patterns: ['dist/**/*.js', 'package.json'] },
];
let failed = false;
const formatter = await eslint.loadFormatter('stylish');
for (const { what, patterns } of legs) {
	const files = glob.sync(patterns, { cwd: root, absolute: true, ignore: ['node_modules/**'] });
	const results = await eslint.lintFiles(files);
	const errors = results.reduce((sum, result) => sum + result.errorCount, 0);
	console.log(`n8n package scanner, ${what}: ${files.length} files, ${errors} errors`);
	if (errors > 0) {
		failed = true;
		console.log(await formatter.format(results.filter((result) => result.errorCount > 0)));
	}
}
process.exit(failed ? 1 : 0);
