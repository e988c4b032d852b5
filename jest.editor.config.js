/** `npm run test:editor`: n8n's editor in Debian's Chromium, against the real n8n of the e2e suite. */
const unit = require('./jest.config');

module.exports = {
	...unit,
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.editor.test.ts'],
	testPathIgnorePatterns: ['/node_modules/'],
	// Installing n8n the first time takes minutes; each step waits generously on a shared machine.
	testTimeout: 15 * 60 * 1000,
};
