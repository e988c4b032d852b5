// Removes the run's folder of n8n user folders (made by global-setup.js).
const { rmSync } = require('node:fs');

module.exports = async () => {
	const root = process.env.TRADING_VENUES_TEST_ROOT;
	if (root) rmSync(root, { recursive: true, force: true });
};
