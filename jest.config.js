/** Jest runs the TypeScript sources directly; the triggers run through n8n-core's real TriggerContext. */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	// The end-to-end suite drives a real n8n: `npm run test:e2e` (jest.e2e.config.js).
	testPathIgnorePatterns: ['/node_modules/', '\\.e2e\\.test\\.ts$'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/test/tsconfig.json' }],
	},
	globalSetup: '<rootDir>/test/setup/global-setup.js',
	setupFiles: ['<rootDir>/test/setup/env.js'],
	testTimeout: 30000,
	// Each test file gets its own N8N_USER_FOLDER; run files one by one on this 2-core machine.
	maxWorkers: 1,
};
