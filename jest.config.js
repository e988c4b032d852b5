/** Jest runs the TypeScript sources directly; the triggers run through n8n-core's real TriggerContext. */
module.exports = {
	testEnvironment: 'node',
	// The package's tests, and the simulator workspace's own.
	roots: ['<rootDir>/test', '<rootDir>/simulator/test'],
	testMatch: ['**/*.test.ts'],
	// The end-to-end suite drives a real n8n: `npm run test:e2e` (jest.e2e.config.js); the editor suite a
	// browser against one: `npm run test:editor` (jest.editor.config.js).
	testPathIgnorePatterns: ['/node_modules/', '\\.e2e\\.test\\.ts$', '\\.editor\\.test\\.ts$'],
	// The simulator workspace from its TypeScript sources, as test/tsconfig.json resolves it: no build needed.
	moduleNameMapper: { '^trading-venues-simulator$': '<rootDir>/simulator/src/index.ts' },
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/test/tsconfig.json' }],
	},
	globalSetup: '<rootDir>/test/setup/global-setup.js',
	globalTeardown: '<rootDir>/test/setup/global-teardown.js',
	setupFiles: ['<rootDir>/test/setup/env.js'],
	testTimeout: 30000,
	// Each test file gets its own N8N_USER_FOLDER; run files one by one on this 2-core machine.
	maxWorkers: 1,
};
