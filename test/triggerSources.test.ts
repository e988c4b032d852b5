/**
 * What the editor shows of each trigger's sources: the fields of the chosen source only (Helio
 * Trigger's Trigger On, through n8n-workflow's own display rules), and an entry per source in
 * the node panel's "Triggers" list.
 */
import { NodeHelpers, type INodeParameters, type INodePropertyOptions, type INodeType, type INodeTypeDescription } from 'n8n-workflow';
import { AggMarketTrigger } from '../nodes/AggMarket/AggMarketTrigger.node';
import { HelioTrigger } from '../nodes/Helio/HelioTrigger.node';
import { OpenMarketsTrigger } from '../nodes/OpenMarkets/OpenMarketsTrigger.node';
import { TotalisTrigger } from '../nodes/Totalis/TotalisTrigger.node';

const describeNode = (Node: new () => INodeType): INodeTypeDescription => new Node().description;

/** The top-level fields the editor shows for these parameters on a node of this version, as n8n decides it. */
function shownFields(description: INodeTypeDescription, typeVersion: number, given: INodeParameters): string[] {
	const node = { typeVersion, parameters: given };
	const parameters = NodeHelpers.getNodeParameters(description.properties, given, true, false, node, description) ?? {};
	return description.properties
		.filter((property) => NodeHelpers.displayParameter(parameters, property, node, description))
		.map((property) => property.name)
		.filter((name, index, names) => names.indexOf(name) === index);
}

describe('Helio Trigger: Trigger On', () => {
	const helio = describeNode(HelioTrigger);
	const always = ['source', 'includeErrors', 'options'];

	it('shows only the chosen source’s fields', () => {
		expect(shownFields(helio, 2, { source: 'symbols' }).sort()).toEqual([...always, 'symbols', 'events'].sort());
		expect(shownFields(helio, 2, { source: 'depth' }).sort()).toEqual([...always, 'depthSymbols', 'depthLevels'].sort());
		expect(shownFields(helio, 2, { source: 'metrics' }).sort()).toEqual([...always, 'metrics'].sort());
		expect(shownFields(helio, 2, { source: 'metrics', metrics: 'list' }).sort()).toEqual([...always, 'metrics', 'accountIds'].sort());
	});

	it('starts a new node on symbol events', () => {
		expect(helio.defaultVersion).toBe(2);
		expect(shownFields(helio, 2, {})).not.toContain('depthLevels');
		expect(NodeHelpers.getNodeParameters(helio.properties, {}, true, false, { typeVersion: 2 }, helio)?.source).toBe('symbols');
	});

	it('keeps a node saved before it (version 1) following everything, as it did', () => {
		const parameters = NodeHelpers.getNodeParameters(helio.properties, {}, true, false, { typeVersion: 1 }, helio);
		expect(parameters?.source).toBe('all');
		expect(shownFields(helio, 1, {}).sort()).toEqual([...always, 'symbols', 'events', 'depthSymbols', 'depthLevels', 'metrics'].sort());
	});
});

/**
 * n8n's node panel (editor-ui, nodeCreator/composables/useActionsGeneration.ts, triggersCategory)
 * lists a trigger's entries from the options of its first field whose display name is "Event",
 * "Events" or "Trigger On"; picking an entry sets that field. Every source must be one of them.
 */
function panelTriggers(description: INodeTypeDescription): { field: string; values: unknown[] } | undefined {
	const field = description.properties.find((property) => ['event', 'events', 'trigger on'].includes(property.displayName.toLowerCase()));
	if (!field?.options) return undefined;
	return { field: field.name, values: (field.options as INodePropertyOptions[]).map((option) => option.value) };
}

describe("the node panel's Triggers list", () => {
	it.each([
		['Totalis Trigger', TotalisTrigger, 'source', ['websocket', 'quoteRequests']],
		['agg.market Trigger', AggMarketTrigger, 'source', ['userEvents', 'orderBooks']],
		['Helio Trigger', HelioTrigger, 'source', ['symbols', 'depth', 'metrics', 'all']],
		['OpenMarkets Trigger', OpenMarketsTrigger, 'channels', ['liquidity', 'contest_state']],
	] as const)('lists every source of the %s', (_name, Node, field, sources) => {
		const triggers = panelTriggers(describeNode(Node));
		expect(triggers?.field).toBe(field);
		expect([...(triggers?.values ?? [])].sort()).toEqual([...sources].sort());
	});
});

/**
 * The entry's label: the option's `action`, else "On " and the option's name in n8n's no-case
 * form (change-case's noCase: words only, lower case), which drops "&" and brackets.
 */
function panelLabel(option: INodePropertyOptions): string {
	if (option.action) return option.action;
	const words =
		option.name
			.split('.')
			.join(' ')
			.match(/[\p{L}\p{N}]+/gu) ?? [];
	return `On ${words.join(' ').toLowerCase()}`;
}

describe("the node panel's trigger labels", () => {
	it.each([
		['Totalis Trigger', TotalisTrigger],
		['agg.market Trigger', AggMarketTrigger],
		['Helio Trigger', HelioTrigger],
		['OpenMarkets Trigger', OpenMarketsTrigger],
	] as const)('keep every word and sign of the %s source names', (_name, Node) => {
		const description = describeNode(Node);
		const field = description.properties.find((property) => ['event', 'events', 'trigger on'].includes(property.displayName.toLowerCase()));
		const options = (field?.options ?? []) as INodePropertyOptions[];
		expect(options.length).toBeGreaterThan(0);
		// A name with signs n8n would drop ("Quote & Position Events") carries its own label.
		const unlabelled = options.filter((option) => /[^\p{L}\p{N} ]/u.test(option.name) && !option.action).map((option) => option.name);
		expect(unlabelled).toEqual([]);
		for (const option of options) expect(panelLabel(option)).toMatch(/^On \S/);
	});

	it('names the Totalis sources in plain words', () => {
		const field = describeNode(TotalisTrigger).properties.find((property) => property.name === 'source');
		expect(((field?.options ?? []) as INodePropertyOptions[]).map(panelLabel)).toEqual([
			'On quote and position events',
			'On quote requests (market maker)',
		]);
	});
});
