/** `npm run test:e2e`: the package inside a real n8n (installed on first use into a cache outside the repo). */
const unit = require('./jest.config');

module.exports = {
	...unit,
	testMatch: ['**/*.e2e.test.ts'],
	testPathIgnorePatterns: ['/node_modules/'],
	// Installing n8n the first time takes minutes; each suite starts its own n8n.
	testTimeout: 15 * 60 * 1000,
};
