/**
 * Every default an action node offers is one it accepts: each operation of each action node runs,
 * in a real n8n-core execution against the simulator, with only its required fields filled in
 * (n8n fills the rest with their defaults), and no field left at its default is refused. A field
 * the node cannot default (an ID, a price, odds) is empty, marked required and has a placeholder.
 */
import type { INodeParameters, INodeProperties, INodePropertyOptions, INodeType } from 'n8n-workflow';
import { startSimulator, type VenueSimulator } from 'trading-venues-simulator';
import { AggMarketApi } from '../credentials/AggMarketApi.credentials';
import { HelioApi } from '../credentials/HelioApi.credentials';
import { OpenMarketsApi } from '../credentials/OpenMarketsApi.credentials';
import { TotalisApi } from '../credentials/TotalisApi.credentials';
import { AggMarket } from '../nodes/AggMarket/AggMarket.node';
import { Helio } from '../nodes/Helio/Helio.node';
import { OpenMarkets } from '../nodes/OpenMarkets/OpenMarkets.node';
import { Totalis } from '../nodes/Totalis/Totalis.node';
import { N8nHarness, useSimulatorCredentials } from './harness/n8n';

const nodes = { totalis: Totalis, helio: Helio, aggMarket: AggMarket, openMarkets: OpenMarkets };
const credentialOf = { totalis: 'totalisApi', helio: 'helioApi', aggMarket: 'aggMarketApi', openMarkets: 'openMarketsApi' } as const;
const harness = new N8nHarness({ nodes, credentialTypes: [TotalisApi, HelioApi, AggMarketApi, OpenMarketsApi] });
let sim: VenueSimulator;

/** What a user types into each field that has no default: well-formed, though the venue may know no such thing. */
const filledIn = (): Record<string, unknown> => ({
	quoteId: 'q-unknown',
	quoteRequestId: 'r-unknown',
	requestVersion: 1,
	requestHash: 'h-unknown',
	payoutOdds: 4.25,
	accountId: sim.helio.accounts[0].id,
	symbol: 'EURUSD',
	orderId: 'o-unknown',
	positionId: 'p-unknown',
	marketId: 'm-unknown',
	tokenId: 't-unknown',
	amount: 25,
	contestId: 'ct_unknown',
	contestIds: 'ct_unknown',
	positionHash: 'ph-unknown',
	updateFields: { takeProfitPrice: 1.2 },
});

beforeAll(async () => {
	sim = await startSimulator({ port: 0 });
	useSimulatorCredentials(harness, sim, { aggRefreshOnly: true });
});

afterAll(async () => {
	await sim?.close();
});

const propertiesOf = (type: keyof typeof nodes): INodeProperties[] => (new nodes[type]() as INodeType).description.properties;

/** Every resource and operation of an action node. */
function operationsOf(type: keyof typeof nodes): Array<{ resource: string; operation: string }> {
	const properties = propertiesOf(type);
	const resources = (properties.find((property) => property.name === 'resource')?.options ?? []) as INodePropertyOptions[];
	return resources.flatMap(({ value: resource }) =>
		properties
			.filter((property) => property.name === 'operation' && property.displayOptions?.show?.resource?.includes(resource))
			.flatMap((property) =>
				(property.options as INodePropertyOptions[]).map(({ value }) => ({ resource: String(resource), operation: String(value) })),
			),
	);
}

/** The fields shown for an operation: those whose `show` names it, or names no operation. */
function fieldsOf(type: keyof typeof nodes, resource: string, operation: string): INodeProperties[] {
	return propertiesOf(type).filter((property) => {
		const show = property.displayOptions?.show;
		if (!show || property.name === 'resource' || property.name === 'operation') return false;
		return (show.resource ?? [resource]).includes(resource) && (show.operation ?? [operation]).includes(operation);
	});
}

const cases = (Object.keys(nodes) as Array<keyof typeof nodes>).flatMap((type) =>
	operationsOf(type).map(({ resource, operation }) => [type, resource, operation] as const),
);

describe('defaults', () => {
	it('cover every operation of the four action nodes', () => {
		expect(cases.length).toBeGreaterThanOrEqual(20);
	});

	it.each(cases)('%s %s → %s: its defaults are accepted', async (type, resource, operation) => {
		const values = filledIn();
		const required = fieldsOf(type, resource, operation).filter((field) => field.required && field.name in values);
		const parameters: INodeParameters = {
			resource,
			operation,
			...Object.fromEntries(required.map((field) => [field.name, values[field.name]])),
		};
		// Contest → Watch with its default duration would watch for 10 s: what is checked is that the
		// defaults pass, so the unknown contest ends it at once.
		const result = await harness.executeNode(type, parameters, credentialOf[type]);
		const leftAtDefault = fieldsOf(type, resource, operation)
			.filter((field) => !(field.name in parameters))
			.map((field) => field.displayName);
		const refusedField = leftAtDefault.find((name) => result.error?.message.startsWith(`${name}:`));
		expect(refusedField).toBeUndefined();
	});

	it('of fields that cannot have one are empty, required and show a placeholder', () => {
		const offenders: string[] = [];
		for (const type of Object.keys(nodes) as Array<keyof typeof nodes>) {
			for (const field of propertiesOf(type)) {
				const empty =
					field.default === '' || field.default === null || (field.type === 'collection' && Object.keys(field.default ?? {}).length === 0);
				if (field.required && empty && !field.placeholder && field.type !== 'dateTime') offenders.push(`${type} ${field.displayName}`);
				if (field.type === 'number' && field.required && field.default === 0) offenders.push(`${type} ${field.displayName}: 0`);
			}
		}
		expect(offenders).toEqual([]);
	});
});
