// Lints every TypeScript folder. The package (nodes, credentials, package.json) with n8n's own
// configuration, the one `n8n-node lint` (@n8n/node-cli) applies to packages not meant for n8n
// Cloud (`configWithoutCloudSupport`: the Cloud one also forbids timers and every import but
// n8n-workflow, which a self-hosted socket trigger cannot do without), less the exceptions listed
// and explained in scripts/n8nLintExceptions.mjs. Everything else (tests, tools, the simulator)
// with typescript-eslint's recommended rules. `npm run lint` runs it through `n8n-node lint`.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { configWithoutCloudSupport } from '@n8n/node-cli/eslint';
import { n8nLintExceptionConfigs, PACKAGE_SOURCES } from './scripts/n8nLintExceptions.mjs';

// n8n's configuration registers its own typescript-eslint; ESLint refuses two plugins of one name,
// so the rest of the repository is linted with that same copy.
const tseslint = createRequire(fileURLToPath(import.meta.resolve('@n8n/node-cli/eslint')))('typescript-eslint');

// n8n's configuration lints every **/*.ts as a node package would be laid out; here that is the
// package's sources only.
const n8nPackageConfig = configWithoutCloudSupport.map((entry) =>
	entry.files?.includes('**/*.ts') ? { ...entry, files: PACKAGE_SOURCES } : entry,
);

export default [
	{ ignores: ['**/dist/**', '.build/**', '**/node_modules/**', 'coverage/**'] },
	...n8nPackageConfig,
	...n8nLintExceptionConfigs,
	...tseslint.config({
		files: ['**/*.ts'],
		ignores: PACKAGE_SOURCES,
		extends: [tseslint.configs.recommended],
	}),
	{
		files: ['**/*.ts'],
		rules: {
			// `_` marks a parameter an interface requires but this implementation does not use.
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
		},
	},
	{
		files: ['test/**/*.ts', 'simulator/test/**/*.ts'],
		rules: {
			// Tests read whatever a venue or n8n answered as `any` and pin its shape with assertions,
			// and load modules inside jest.isolateModules() with require().
			'@typescript-eslint/no-explicit-any': 'off',
			'@typescript-eslint/no-require-imports': 'off',
		},
	},
];
