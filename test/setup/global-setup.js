// The tests run on Node 24 (n8n 2.x's runtime); `npm test` provisions it through scripts/toolchain.sh.
const { mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

module.exports = async () => {
	const major = Number(process.versions.node.split('.')[0]);
	if (major < 24) {
		throw new Error(`Tests need Node.js 24 or later (running ${process.version}); run them with \`npm test\`.`);
	}
	// One folder for the whole run, holding each test file's n8n user folder (test/setup/env.js);
	// global-teardown.js removes it, so a run leaves nothing behind in the temporary directory.
	process.env.TRADING_VENUES_TEST_ROOT = mkdtempSync(join(tmpdir(), 'trading-venues-tests-'));
};
