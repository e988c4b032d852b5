/**
 * Used by the tests and the demo (not shipped: n8n-core is a dev dependency).
 *
 * Runs this package's nodes the way n8n does, with n8n-core's real execution code and no server:
 * triggers through `TriggerContext` (production) and `WorkflowExecute.executeTriggerNode`
 * (manual mode, which swaps `emit` after `trigger()` returns), action nodes through
 * `WorkflowExecute.run`. Only what n8n's CLI package would provide is written beside it: the
 * node-type registry (nodeTypes.ts), a credentials store (credentialsStore.ts), the credential
 * tester (credentialTester.ts) and a log recorder (logs.ts); triggerRecorder.ts records what a
 * started trigger does.
 */
import './logs';
import {
	CredentialTestContext,
	ExecuteContext,
	ExecutionLifecycleHooks,
	LoadOptionsContext,
	RoutingNode,
	TriggerContext,
	WorkflowExecute,
} from 'n8n-core';
import {
	Workflow,
	createRunExecutionData,
	type ICredentialDataDecryptedObject,
	type ICredentialTestFunction,
	type ICredentialTestRequest,
	type ICredentialType,
	type IConnections,
	type IDataObject,
	type INode,
	type INodeExecutionData,
	type INodeListSearchResult,
	type INodeParameters,
	type INodePropertyOptions,
	type IRun,
	type IWorkflowExecuteAdditionalData,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

import {
	answeredTestResult,
	failedTestResult,
	testerNode,
	testerNodeType,
	TESTER_NODE_TYPE,
	type CredentialTestResult,
} from './credentialTester';
import { CredentialsStore, type CredentialClass } from './credentialsStore';
import { ItemsSource, NodeTypes, type NodeClass } from './nodeTypes';
import { ActiveTrigger, TriggerRecorder, type RecorderOptions } from './triggerRecorder';

export interface HarnessOptions {
	nodes: Record<string, NodeClass>;
	credentialTypes: CredentialClass[];
}

export class N8nHarness {
	readonly nodeTypes = new NodeTypes();
	private readonly credentialTypes = new Map<string, ICredentialType>();
	private readonly credentialValues = new Map<string, ICredentialDataDecryptedObject>();
	private readonly credentialsHelper: CredentialsStore;
	private executionCounter = 0;

	constructor(options: HarnessOptions) {
		for (const [name, nodeClass] of Object.entries(options.nodes)) {
			this.nodeTypes.register(name, new nodeClass());
		}
		this.nodeTypes.register('itemsSource', new ItemsSource());
		for (const credentialClass of options.credentialTypes) {
			const type = new credentialClass();
			this.credentialTypes.set(type.name, type);
		}
		this.credentialsHelper = new CredentialsStore(this.credentialTypes, this.credentialValues);
	}

	credentialType(name: string): ICredentialType {
		const type = this.credentialTypes.get(name);
		if (!type) throw new Error(`Unknown credential type ${name}`);
		return type;
	}

	setCredentials(type: string, values: ICredentialDataDecryptedObject) {
		this.credentialValues.set(type, { ...values });
	}

	/** What the store holds for a type now, e.g. after a preAuthentication stored a rotated token. */
	storedCredentials(type: string): ICredentialDataDecryptedObject | undefined {
		const values = this.credentialValues.get(type);
		return values && { ...values };
	}

	additionalData(mode: WorkflowExecuteMode, workflowId: string): IWorkflowExecuteAdditionalData {
		const executionId = String(++this.executionCounter);
		return {
			credentialsHelper: this.credentialsHelper,
			hooks: new ExecutionLifecycleHooks(mode, executionId, {
				id: workflowId,
				name: 'test',
				active: false,
				isArchived: false,
				nodes: [],
				connections: {},
				createdAt: new Date(),
				updatedAt: new Date(),
			} as never),
			executionId,
			restApiUrl: 'http://127.0.0.1:5678/rest',
			instanceBaseUrl: 'http://127.0.0.1:5678/',
			// Expressions build $execution.resumeUrl from these, so they must be valid URLs.
			formBaseUrl: 'http://127.0.0.1:5678/form',
			formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
			formTestBaseUrl: 'http://127.0.0.1:5678/form-test',
			webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
			webhookWaitingBaseUrl: 'http://127.0.0.1:5678/webhook-waiting',
			webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
			mcpBaseUrl: 'http://127.0.0.1:5678/mcp',
			mcpTestBaseUrl: 'http://127.0.0.1:5678/mcp-test',
			currentNodeExecutionIndex: 0,
			variables: {},
			executeWorkflow: async () => {
				throw new Error('not used by these tests');
			},
			getRunExecutionData: async () => undefined,
			getRuntimeCredential: async () => undefined,
			logAiEvent: () => {},
			startRunnerTask: async () => {
				throw new Error('not used by these tests');
			},
		} as unknown as IWorkflowExecuteAdditionalData;
	}

	node(type: string, parameters: INodeParameters, credentialType?: string): INode {
		return {
			id: `${type}-under-test`,
			name: 'Node Under Test',
			type,
			typeVersion: 1,
			position: [0, 0],
			parameters,
			credentials: credentialType ? { [credentialType]: { id: '1', name: 'test credential' } } : undefined,
		};
	}

	workflow(nodes: INode[], connections: IConnections = {}): Workflow {
		return new Workflow({
			id: 'wf-test',
			name: 'test',
			nodes,
			connections,
			active: false,
			nodeTypes: this.nodeTypes,
			staticData: {},
			settings: {},
		});
	}

	/**
	 * Starts a trigger as an activated workflow does: a real TriggerContext whose emit, emitError
	 * and saveFailedExecution are recorded. `trigger()` rejecting is returned as the rejection.
	 */
	async startTrigger(
		type: string,
		parameters: INodeParameters,
		credentialType: string,
		options: RecorderOptions = {},
	): Promise<ActiveTrigger> {
		const node = this.node(type, parameters, credentialType);
		const workflow = this.workflow([node]);
		const recorder = new TriggerRecorder(options);
		const context = new TriggerContext(
			workflow,
			node,
			this.additionalData('trigger', workflow.id),
			'trigger',
			'activate',
			(data, _responsePromise, donePromise, deduplicationKey) => recorder.onEmit(data, deduplicationKey, donePromise),
			(error) => recorder.onEmitError(error),
			(error) => recorder.onFailedExecution(error),
		);
		const nodeType = this.nodeTypes.getByNameAndVersion(type, 1);
		const response = await nodeType.trigger!.call(context);
		return new ActiveTrigger(recorder, response ?? {});
	}

	/**
	 * `trigger()` in manual mode with a recorded emit, without n8n's run around it: lets a test
	 * call `manualTriggerFunction` and `closeFunction` in any order (closing mid-start).
	 */
	async manualTriggerResponse(type: string, parameters: INodeParameters, credentialType: string) {
		const node = this.node(type, parameters, credentialType);
		const workflow = this.workflow([node]);
		const recorder = new TriggerRecorder();
		const context = new TriggerContext(
			workflow,
			node,
			this.additionalData('manual', workflow.id),
			'manual',
			'manual',
			(data) => recorder.onEmit(data),
			(error) => recorder.onEmitError(error),
			(error) => recorder.onFailedExecution(error),
		);
		const response = (await this.nodeTypes.getByNameAndVersion(type, 1).trigger!.call(context)) ?? {};
		return { response, recorder };
	}

	/**
	 * Runs a trigger the way the editor's "Execute step" does, through n8n-core's own manual path:
	 * `trigger()`, emit swapped, `manualTriggerFunction()`, wait for the first emit, then close.
	 */
	async runManualTrigger(
		type: string,
		parameters: INodeParameters,
		credentialType: string,
		options: { onStarted?: () => void | Promise<void> } = {},
	): Promise<{ items: INodeExecutionData[]; closeFunction?: () => Promise<void> }> {
		const node = this.node(type, parameters, credentialType);
		const workflow = this.workflow([node]);
		const additionalData = this.additionalData('manual', workflow.id);
		// executeTriggerNode is private in the typings but is the exact code n8n runs for a manual trigger.
		const execute = new WorkflowExecute(additionalData, 'manual') as unknown as ManualTriggerRunner;
		const pending = execute.executeTriggerNode(workflow, node, additionalData, 'manual');
		if (options.onStarted) await options.onStarted();
		const result = await pending;
		await result.closeFunction?.();
		return { items: result.data?.[0] ?? [], closeFunction: result.closeFunction };
	}

	/**
	 * Runs a node's `methods.loadOptions[method]` as the editor's dropdown does (n8n's
	 * DynamicNodeParametersService): a real LoadOptionsContext over a one-node workflow holding
	 * the node's current parameters and credential.
	 */
	async loadOptions(type: string, method: string, parameters: INodeParameters, credentialType: string): Promise<INodePropertyOptions[]> {
		const { nodeType, context } = this.loadOptionsContext(type, parameters, credentialType);
		const load = nodeType.methods?.loadOptions?.[method];
		if (!load) throw new Error(`${type} has no loadOptions method ${method}`);
		return await load.call(context);
	}

	/** Runs a node's `methods.listSearch[method]` as a resource locator's list does, with its search text and page token. */
	async listSearch(
		type: string,
		method: string,
		parameters: INodeParameters,
		credentialType: string,
		filter?: string,
		paginationToken?: string,
	): Promise<INodeListSearchResult> {
		const { nodeType, context } = this.loadOptionsContext(type, parameters, credentialType);
		const search = nodeType.methods?.listSearch?.[method];
		if (!search) throw new Error(`${type} has no listSearch method ${method}`);
		return await search.call(context, filter, paginationToken);
	}

	private loadOptionsContext(type: string, parameters: INodeParameters, credentialType: string) {
		const node = this.node(type, parameters, credentialType);
		const workflow = this.workflow([node]);
		// n8n hands the editor's current parameters over in additionalData (getCurrentNodeParameter reads them there).
		const additionalData = { ...this.additionalData('internal', workflow.id), currentNodeParameters: parameters };
		const context = new LoadOptionsContext(workflow, node, additionalData, '');
		return { nodeType: this.nodeTypes.getByNameAndVersion(type, 1), context };
	}

	/**
	 * Runs the credential's test as n8n's "Test credential" button does. A credential without its
	 * own `test` is tested by the `methods.credentialTest` function a registered node names in
	 * `testedBy`, called on n8n-core's real CredentialTestContext. Otherwise: `test.request` through
	 * n8n-core's RoutingNode (so preAuthentication and `authenticate` apply), then the rules as
	 * n8n's CredentialsTester (packages/cli/src/services/credentials-tester.service.ts, n8n 2.x)
	 * applies them. `values` are stored as this type's credentials, over the property defaults.
	 */
	async testCredential(type: string, values: ICredentialDataDecryptedObject): Promise<CredentialTestResult> {
		const credentialType = this.credentialType(type);
		const withDefaults: ICredentialDataDecryptedObject = {};
		for (const property of credentialType.properties) withDefaults[property.name] = property.default as string;
		Object.assign(withDefaults, values);
		this.setCredentials(type, withDefaults);

		// As CredentialsTester.getCredentialTestFunction: the credential's own `test` first, else a node's `testedBy` method.
		if (!credentialType.test) {
			const testFunction = this.credentialTestMethod(type);
			if (!testFunction) return { status: 'Error', message: 'No testing function found for this credential.' };
			const context = new CredentialTestContext(this.additionalData('internal', 'credential-test'));
			return await testFunction.call(context, { id: '1', name: 'test credential', type, data: withDefaults });
		}
		const testRequest = credentialType.test as ICredentialTestRequest;

		const nodeType = testerNodeType(type, testRequest);
		this.nodeTypes.register(TESTER_NODE_TYPE, nodeType);
		const node = testerNode(type);
		const workflow = this.workflow([node]);
		const context = new ExecuteContext(
			workflow,
			node,
			this.additionalData('internal', workflow.id),
			'internal',
			createRunExecutionData(),
			0,
			[],
			{ main: [[{ json: {} }]] },
			{ node, data: {}, source: null },
			[],
		);
		const routingNode = new RoutingNode(context, nodeType, { id: '1', name: 'test credential', type, data: withDefaults });

		let response: INodeExecutionData[][] | null | undefined;
		try {
			response = await routingNode.runNode();
		} catch (caught) {
			return failedTestResult(caught, testRequest);
		}
		return answeredTestResult(response, testRequest);
	}

	/** The `methods.credentialTest` function a registered node names in its credential's `testedBy`. */
	private credentialTestMethod(type: string): ICredentialTestFunction | undefined {
		for (const nodeType of this.nodeTypes.all()) {
			const entry = nodeType.description.credentials?.find((credential) => credential.name === type);
			if (typeof entry?.testedBy === 'string') return nodeType.methods?.credentialTest?.[entry.testedBy];
		}
		return undefined;
	}

	/**
	 * Runs an action node in a real workflow execution, fed with `items` by a source node, and
	 * returns what the node output (or the error it raised). `cancel` aborting cancels the
	 * execution as n8n's Stop button does (the node's execution cancel signal fires).
	 */
	async executeNode(
		type: string,
		parameters: INodeParameters,
		credentialType: string | undefined,
		items: IDataObject[] = [{}],
		nodeSettings: Partial<INode> = {},
		cancel?: AbortSignal,
	): Promise<NodeRunResult> {
		const source: INode = {
			id: 'source',
			name: 'Source',
			type: 'itemsSource',
			typeVersion: 1,
			position: [0, 0],
			parameters: { items: items as unknown as string },
		};
		const node = { ...this.node(type, parameters, credentialType), ...nodeSettings };
		const workflow = this.workflow([source, node], {
			Source: { main: [[{ node: node.name, type: 'main', index: 0 }]] },
		});
		const additionalData = this.additionalData('manual', workflow.id);
		const execute = new WorkflowExecute(additionalData, 'manual');
		const running = execute.run({ workflow, startNode: source });
		cancel?.addEventListener('abort', () => running.cancel(), { once: true });
		const run: IRun = await running;
		const taskData = run.data.resultData.runData[node.name]?.[0];
		return {
			items: (taskData?.data?.main?.[0] ?? []) as INodeExecutionData[],
			outputs: (taskData?.data?.main ?? []) as INodeExecutionData[][],
			error: taskData?.error ?? run.data.resultData.error,
		};
	}
}

interface ManualTriggerRunner {
	executeTriggerNode(
		workflow: Workflow,
		node: INode,
		additionalData: IWorkflowExecuteAdditionalData,
		mode: WorkflowExecuteMode,
	): Promise<{ data: INodeExecutionData[][] | null; closeFunction?: () => Promise<void> }>;
}

export interface NodeRunResult {
	items: INodeExecutionData[];
	outputs: INodeExecutionData[][];
	error?: Error & { description?: string | null; httpCode?: string | null; context?: IDataObject };
}
