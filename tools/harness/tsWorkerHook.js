// Lets a worker thread started from the TypeScript sources (jest, dev tooling) load the package's
// .ts modules: `node --require tools/harness/tsWorkerHook.js`. nodes/shared/engine/workerRunner.ts
// adds it only when it runs from a .ts file; the built package spawns its .js workers without it.
// Each module is transpiled alone (no type check: jest and `npm run typecheck` do that), and the
// output is cached by content hash, so the worker threads a test file starts pay it once.
'use strict';
const { createHash } = require('node:crypto');
const { mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const ts = require('typescript');

const cacheDir = join(tmpdir(), 'trading-venues-ts-worker-cache');
mkdirSync(cacheDir, { recursive: true });
const compilerOptions = {
	module: ts.ModuleKind.CommonJS,
	target: ts.ScriptTarget.ES2022,
	esModuleInterop: true,
	resolveJsonModule: true,
};

function transpile(filename) {
	const source = readFileSync(filename, 'utf8');
	const cached = join(cacheDir, `${createHash('sha1').update(ts.version).update(filename).update(source).digest('hex')}.js`);
	try {
		return readFileSync(cached, 'utf8');
	} catch {
		const { outputText } = ts.transpileModule(source, { compilerOptions, fileName: filename });
		writeFileSync(cached, outputText);
		return outputText;
	}
}

require.extensions['.ts'] = (module, filename) => module._compile(transpile(filename), filename);
