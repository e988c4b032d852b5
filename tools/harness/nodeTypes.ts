/** The node-type registry n8n's CLI package would provide, and a test-only start node. */
import {
	NodeHelpers,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypes,
	type IVersionedNodeType,
} from 'n8n-workflow';

export type NodeClass = new () => INodeType | IVersionedNodeType;

/** A test-only start node that outputs the items given in its `items` parameter. */
export class ItemsSource implements INodeType {
	description = {
		displayName: 'Items Source',
		name: 'itemsSource',
		group: ['input'],
		version: 1,
		description: 'Test helper',
		defaults: { name: 'Items Source' },
		inputs: [],
		outputs: ['main'],
		properties: [{ displayName: 'Items', name: 'items', type: 'json', default: '[]' }],
	} as unknown as INodeType['description'];

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getNodeParameter('items', 0) as unknown as IDataObject[];
		return [items.map((json) => ({ json }))];
	}
}

export class NodeTypes implements INodeTypes {
	private readonly types = new Map<string, INodeType | IVersionedNodeType>();

	register(name: string, type: INodeType | IVersionedNodeType) {
		this.types.set(name, type);
	}

	getByName(nodeType: string) {
		const type = this.types.get(nodeType);
		if (!type) throw new Error(`Unknown node type ${nodeType}`);
		return type;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
	}

	/** Every registered node type (one version each), for lookups across nodes such as a credential's tester. */
	all(): INodeType[] {
		return [...this.types.keys()].map((name) => this.getByNameAndVersion(name));
	}

	getKnownTypes() {
		return {};
	}
}
