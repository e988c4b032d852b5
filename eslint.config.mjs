// Lints every TypeScript folder. The package (nodes, credentials) the way n8n reviews community
// nodes, with n8n's own preset for packages not meant for n8n Cloud
// (`recommendedWithoutN8nCloudSupport`): the Cloud preset additionally forbids timers and every
// import but n8n-workflow, which a self-hosted socket trigger cannot do without. Everything else
// (tests, tools, the simulator) with typescript-eslint's recommended rules.
import { configs as n8nCommunityNodes } from '@n8n/eslint-plugin-community-nodes';
import tseslint from 'typescript-eslint';

const n8nRules = n8nCommunityNodes.recommendedWithoutN8nCloudSupport;

export default [
	{ ignores: ['**/dist/**', '.build/**', '**/node_modules/**', 'coverage/**'] },
	...tseslint.config({
		files: ['**/*.ts'],
		extends: [tseslint.configs.recommended],
		rules: {
			// `_` marks a parameter an interface requires but this implementation does not use.
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
		},
	}),
	{
		files: ['test/**/*.ts', 'simulator/test/**/*.ts'],
		rules: {
			// Tests read whatever a venue or n8n answered as `any` and pin its shape with assertions,
			// and load modules inside jest.isolateModules() with require().
			'@typescript-eslint/no-explicit-any': 'off',
			'@typescript-eslint/no-require-imports': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts', 'credentials/**/*.ts', 'package.json'],
		languageOptions: { parser: tseslint.parser },
		plugins: n8nRules.plugins,
		rules: {
			...n8nRules.rules,
			// This package is for self-hosted n8n and deliberately depends on `ws` (the venues'
			// WebSockets) and `zod` (frame validation) at run time; the rule serves packages meant
			// for n8n Cloud verification, which allows no run-time dependencies.
			'@n8n/community-nodes/no-runtime-dependencies': 'off',
		},
	},
	{
		// The n8n rules read package.json as one object expression: parse it wrapped in parentheses.
		files: ['package.json'],
		languageOptions: {
			parser: {
				parseForESLint: (text, options) => tseslint.parser.parseForESLint(`(${text})`, { ...options, filePath: 'package.json.ts' }),
			},
		},
	},
];
