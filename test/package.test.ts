/**
 * The built package as n8n loads it: n8n-core's PackageDirectoryLoader (the loader behind
 * Settings → Community nodes) reads package.json's n8n section and instantiates every node and
 * credential from dist/. `npm test` builds first.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';

import { PackageDirectoryLoader } from 'n8n-core';

const root = resolve(__dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

describe('the built package', () => {
	beforeAll(() => {
		if (!existsSync(join(root, 'dist/nodes'))) throw new Error('dist/ is missing: run the tests with `npm test`, which builds first');
	});

	it('is a community-node package with only zod at run time', () => {
		expect(pkg.keywords).toContain('n8n-community-node-package');
		expect(pkg.files).toEqual(['dist']);
		expect(pkg.peerDependencies).toEqual({ 'n8n-workflow': '*' });
		expect(Object.keys(pkg.dependencies)).toEqual(['zod']);
		// Not strict: in n8n's CLI, strict means a package meant for n8n Cloud, linted with n8n's
		// unchanged default configuration. This one depends on zod at run time.
		expect(pkg.n8n).toMatchObject({ n8nNodesApiVersion: 1, strict: false });
	});

	it("requires at run time only its dependencies, n8n-workflow and Node's own modules", () => {
		const required = new Set<string>();
		for (const folder of ['dist/nodes', 'dist/credentials']) {
			const files = readdirSync(join(root, folder), { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.js'));
			for (const file of files) {
				for (const [, name] of readFileSync(join(root, folder, file), 'utf8').matchAll(/require\("([^"]+)"\)/g)) {
					if (!name.startsWith('.')) required.add(name.replace(/^node:/, '').replace(/^((?:@[^/]+\/)?[^/]+).*$/, '$1'));
				}
			}
		}
		const allowed = new Set([...Object.keys(pkg.dependencies), ...Object.keys(pkg.peerDependencies), ...builtinModules]);
		expect([...required].filter((name) => !allowed.has(name))).toEqual([]);
		expect(required).toContain('zod');
	});

	it('packs the nodes and credentials only: no simulator, tools or build info', () => {
		const [packed] = JSON.parse(
			execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts', '--loglevel=error'], { cwd: root, encoding: 'utf8' }),
		) as Array<{ files: Array<{ path: string }> }>;
		const files = packed.files.map((file) => file.path);
		expect(files).toEqual(expect.arrayContaining(['package.json', ...pkg.n8n.nodes, ...pkg.n8n.credentials]));
		expect(files.filter((file) => !/^(dist\/(nodes|credentials)\/|(package\.json|README\.md|LICENSE(\.\w+)?)$)/.test(file))).toEqual([]);
	});

	it("loads every node and credential through n8n-core's package loader, with their icons", async () => {
		const loader = new PackageDirectoryLoader(root);
		await loader.loadAll();
		expect(Object.keys(loader.known.nodes).sort()).toEqual([
			'aggMarket',
			'aggMarketTrigger',
			'helio',
			'helioTrigger',
			'openMarkets',
			'openMarketsTrigger',
			'totalis',
			'totalisTrigger',
		]);
		expect(Object.keys(loader.known.credentials).sort()).toEqual(['aggMarketApi', 'helioApi', 'openMarketsApi', 'totalisApi']);
		for (const nodePath of [...pkg.n8n.nodes, ...pkg.n8n.credentials] as string[]) {
			const file = join(root, nodePath);
			expect(existsSync(file)).toBe(true);
			const exported = require(file) as Record<string, new () => { description?: { icon?: unknown }; icon?: unknown }>;
			const instance = new (Object.values(exported)[0])();
			const icon = (instance.description?.icon ?? instance.icon) as { light: string; dark: string };
			for (const variant of [icon.light, icon.dark]) {
				expect(existsSync(join(dirname(file), variant.replace(/^file:/, '')))).toBe(true);
			}
		}
		for (const name of ['totalisTrigger', 'helioTrigger']) {
			const trigger = loader.nodeTypes[name].type as { description: { group: string[]; inputs: unknown[] } };
			expect(trigger.description.group).toEqual(['trigger']);
			expect(trigger.description.inputs).toEqual([]);
		}
		for (const name of ['totalis', 'helio', 'aggMarket', 'openMarkets']) {
			const action = loader.nodeTypes[name].type as { description: { usableAsTool?: boolean } };
			expect(action.description.usableAsTool).toBe(true);
		}
	});

	// The run-time code must keep working on Node 20 (n8n 1.x installs): run the built engine there.
	const node20 = ['/usr/bin/node', '/usr/local/bin/node'].find((candidate) => {
		try {
			return execFileSync(candidate, ['-p', 'process.versions.node.split(".")[0]']).toString().trim() === '20';
		} catch {
			return false;
		}
	});
	(node20 ? it : it.skip)('streams Totalis events with the built engine on Node 20', () => {
		const output = execFileSync(node20!, [join(__dirname, 'node20/stream-smoke.js')], { cwd: root, timeout: 20_000 }).toString();
		expect(JSON.parse(output.trim().split('\n').pop()!)).toEqual({
			node: expect.stringMatching(/^v20\./),
			events: ['quote:expired', 'position:settled'],
			gapAfterDrop: 1,
		});
	});
});
