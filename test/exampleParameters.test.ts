/**
 * Every example's nodes of this package against the current node descriptions, checked by
 * n8n-workflow's own parameter check (what the editor flags and what a run refuses): ID fields
 * in the forms the editor saves (a resource locator, a list of picks), nothing a run would stop
 * on. The examples run whole in a real n8n in test/e2e.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NodeHelpers, type INode, type INodeType } from 'n8n-workflow';
import { AggMarket } from '../nodes/AggMarket/AggMarket.node';
import { AggMarketTrigger } from '../nodes/AggMarket/AggMarketTrigger.node';
import { Helio } from '../nodes/Helio/Helio.node';
import { HelioTrigger } from '../nodes/Helio/HelioTrigger.node';
import { OpenMarkets } from '../nodes/OpenMarkets/OpenMarkets.node';
import { OpenMarketsTrigger } from '../nodes/OpenMarkets/OpenMarketsTrigger.node';
import { Totalis } from '../nodes/Totalis/Totalis.node';
import { TotalisTrigger } from '../nodes/Totalis/TotalisTrigger.node';

const PACKAGE = 'n8n-nodes-trading-venues.';
const nodeTypes: Record<string, INodeType> = Object.fromEntries(
	[AggMarket, AggMarketTrigger, Helio, HelioTrigger, OpenMarkets, OpenMarketsTrigger, Totalis, TotalisTrigger].map((Node) => {
		const node = new Node() as INodeType;
		return [node.description.name, node];
	}),
);

const examplesDir = join(__dirname, '../examples');
const examples = readdirSync(examplesDir).filter((name) => name.endsWith('.json'));
const packageNodes = (file: string) =>
	(JSON.parse(readFileSync(join(examplesDir, file), 'utf8')) as { nodes: INode[] }).nodes.filter((node) => node.type.startsWith(PACKAGE));

describe.each(examples)('%s', (file) => {
	it.each(packageNodes(file).map((node) => [node.name, node] as const))('%s has no parameter issues', (_name, node) => {
		const nodeType = nodeTypes[node.type.slice(PACKAGE.length)];
		expect(nodeType).toBeDefined();
		const { description } = nodeType;
		const parameters = NodeHelpers.getNodeParameters(description.properties, node.parameters, true, false, node, description);
		const issues = NodeHelpers.getNodeParametersIssues(description.properties, { ...node, parameters: parameters ?? {} }, description);
		expect(issues).toBeNull();
	});

	it('keeps every ID field in the form the editor saves', () => {
		for (const node of packageNodes(file)) {
			for (const property of nodeTypes[node.type.slice(PACKAGE.length)].description.properties) {
				const value = node.parameters[property.name];
				if (value === undefined) continue;
				if (property.type === 'resourceLocator') expect(value).toMatchObject({ __rl: true, mode: expect.any(String) });
				if (property.type === 'multiOptions') expect(Array.isArray(value) || String(value).startsWith('=')).toBe(true);
			}
		}
	});
});

it('the Helio example picks its account from the list', () => {
	const picked = packageNodes('helio-quote-signal.json')
		.filter((node) => node.type === `${PACKAGE}helio`)
		.map((node) => node.parameters.accountId);
	expect(picked).toHaveLength(2);
	for (const accountId of picked) expect(accountId).toMatchObject({ __rl: true, mode: 'list', value: 'acc-1001' });
});
