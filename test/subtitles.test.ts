/**
 * The subtitles the node panel shows under each node, evaluated as the editor does: n8n-workflow's
 * expression engine over the node's parameters with their defaults filled in. They name choices
 * in the editor's words, never the parameters' internal values.
 */
import { NodeHelpers, type INodeParameters, type INodeType } from 'n8n-workflow';
import { AggMarket } from '../nodes/AggMarket/AggMarket.node';
import { AggMarketTrigger } from '../nodes/AggMarket/AggMarketTrigger.node';
import { Helio } from '../nodes/Helio/Helio.node';
import { HelioTrigger } from '../nodes/Helio/HelioTrigger.node';
import { OpenMarkets } from '../nodes/OpenMarkets/OpenMarkets.node';
import { OpenMarketsTrigger } from '../nodes/OpenMarkets/OpenMarketsTrigger.node';
import { Totalis } from '../nodes/Totalis/Totalis.node';
import { TotalisTrigger } from '../nodes/Totalis/TotalisTrigger.node';
import { N8nHarness } from './harness/n8n';

const nodes = {
	totalis: Totalis,
	totalisTrigger: TotalisTrigger,
	helio: Helio,
	helioTrigger: HelioTrigger,
	aggMarket: AggMarket,
	aggMarketTrigger: AggMarketTrigger,
	openMarkets: OpenMarkets,
	openMarketsTrigger: OpenMarketsTrigger,
};
const harness = new N8nHarness({ nodes, credentialTypes: [] });

function subtitle(type: keyof typeof nodes, given: INodeParameters = {}): unknown {
	const description = (new nodes[type]() as INodeType).description;
	const parameters = NodeHelpers.getNodeParameters(description.properties, given, true, false, { typeVersion: 1 }, description) ?? {};
	const node = harness.node(type, parameters);
	return harness.workflow([node]).expression.getSimpleParameterValue(node, description.subtitle, 'internal', {});
}

describe('node subtitles', () => {
	it('name the chosen operation of each action node in plain words', () => {
		expect(subtitle('totalis')).toBe('Confirm an accepted quote');
		expect(subtitle('totalis', { resource: 'quoteRequest', operation: 'submitQuote' })).toBe('Submit a quote on a quote request');
		expect(subtitle('helio', { resource: 'position', operation: 'getAll' })).toBe('Get many open positions');
		expect(subtitle('aggMarket', { resource: 'balance', operation: 'get' })).toBe('Get the balances');
		expect(subtitle('openMarkets', { resource: 'contest', operation: 'getAll' })).toBe('Get many contests');
	});

	it("name each trigger's source and the events chosen", () => {
		expect(subtitle('totalisTrigger', { source: 'quoteRequests' })).toBe('Quote requests');
		expect(subtitle('totalisTrigger', { source: 'websocket', events: ['quote:accepted', 'position:settled'] })).toBe(
			'Events: Quote Accepted, Position Settled',
		);
		expect(subtitle('totalisTrigger', { source: 'websocket' })).toBe('Events: All Events');
		expect(subtitle('helioTrigger', { symbols: 'EURUSD, GBPUSD', events: ['quoteEvent', 'executionEvent'] })).toBe(
			'EURUSD, GBPUSD: Quote, Execution',
		);
		expect(subtitle('helioTrigger', { symbols: '', events: ['portfolioEvent'] })).toBe('Portfolio');
		expect(subtitle('helioTrigger', { source: 'depth', depthSymbols: 'EURUSD' })).toBe('Depth: EURUSD');
		expect(subtitle('helioTrigger', { source: 'metrics' })).toBe('Account metrics');
		expect(subtitle('aggMarketTrigger', { source: 'userEvents', events: ['order_event', 'balance_update'] })).toBe(
			'User events: Order Event, Balance Update',
		);
		expect(subtitle('aggMarketTrigger', { source: 'orderBooks', outcomeIds: 'vmo_fed_cut_july_yes' })).toBe(
			'Order books: vmo_fed_cut_july_yes',
		);
		expect(subtitle('openMarketsTrigger', { contests: 'rule', leagueIds: 'lg_nba', channels: ['liquidity'] })).toBe(
			'Leagues: lg_nba · Liquidity',
		);
		expect(subtitle('openMarketsTrigger', { contests: 'list', contestIds: 'ct_1, ct_2' })).toBe(
			'Contests: ct_1, ct_2 · Liquidity, Contest State',
		);
	});
});

describe('texts the node panel shows', () => {
	it('have no angle brackets, which the panel would take for HTML tags and hide', () => {
		const offenders: string[] = [];
		const visit = (value: unknown, path: string) => {
			if (typeof value === 'string') {
				if (/<[a-z_]+>/i.test(value)) offenders.push(`${path}: ${value}`);
			} else if (Array.isArray(value)) value.forEach((entry, index) => visit(entry, `${path}[${index}]`));
			else if (value && typeof value === 'object') for (const [key, entry] of Object.entries(value)) visit(entry, `${path}.${key}`);
		};
		for (const [type, Node] of Object.entries(nodes)) visit((new Node() as INodeType).description.properties, type);
		expect(offenders).toEqual([]);
	});
});
