/**
 * Used by the tests and the demo (not shipped: n8n-core is a dev dependency).
 *
 * Runs this package's nodes the way n8n does, with n8n-core's real execution code and no server:
 * triggers through `TriggerContext` (production) and `WorkflowExecute.executeTriggerNode`
 * (manual mode, which swaps `emit` after `trigger()` returns), action nodes through
 * `WorkflowExecute.run`. Only what n8n's CLI package would provide is written here: the node-type
 * registry, a credentials store and a log recorder.
 */
import 'reflect-metadata';
import { Container } from '@n8n/di';
import { Logger } from '@n8n/backend-common';
import { ExecuteContext, ExecutionLifecycleHooks, RoutingNode, TriggerContext, WorkflowExecute } from 'n8n-core';
import {
	ICredentialsHelper,
	NodeHelpers,
	Workflow,
	createRunExecutionData,
	type ICredentialDataDecryptedObject,
	type ICredentialTestRequest,
	type ICredentialType,
	type ICredentials,
	type IConnections,
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestHelper,
	type IHttpRequestOptions,
	type INode,
	type INodeExecutionData,
	type INodeParameters,
	type INodeProperties,
	type INodeType,
	type INodeTypes,
	type IRun,
	type ITriggerResponse,
	type IVersionedNodeType,
	type IWorkflowExecuteAdditionalData,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

// ---------------------------------------------------------------------------------------------
// Logs: every line any node writes through `this.logger`, so tests can look for leaked secrets.

export interface LogLine {
	level: string;
	message: string;
	meta?: unknown;
}

export const logLines: LogLine[] = [];
const logListeners: Array<(line: LogLine) => void> = [];

/** Also hands every log line to `listener` (the demo prints warnings). */
export function onLog(listener: (line: LogLine) => void) {
	logListeners.push(listener);
}

function record(level: string) {
	return (message: string, meta?: unknown) => {
		const line = { level, message, meta };
		logLines.push(line);
		// Bounded, so a long demo run does not grow without end.
		if (logLines.length > 20_000) logLines.splice(0, 10_000);
		for (const listener of logListeners) listener(line);
	};
}

const recordingLogger = {
	error: record('error'),
	warn: record('warn'),
	info: record('info'),
	debug: record('debug'),
	scoped() {
		return recordingLogger;
	},
};
Container.set(Logger, recordingLogger as unknown as Logger);

/** Everything logged so far, as one string, for "the secret never appears" assertions. */
export function allLogText(): string {
	return logLines.map((line) => `${line.level} ${line.message} ${safeJson(line.meta)}`).join('\n');
}

function safeJson(value: unknown): string {
	try {
		return JSON.stringify(value, (_key, inner: unknown) =>
			inner instanceof Error ? { name: inner.name, message: inner.message, stack: inner.stack } : inner,
		);
	} catch {
		return String(value);
	}
}

// ---------------------------------------------------------------------------------------------
// Node types and credentials

type NodeClass = new () => INodeType | IVersionedNodeType;
type CredentialClass = new () => ICredentialType;

/** A test-only start node that outputs the items given in its `items` parameter. */
class ItemsSource implements INodeType {
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

class NodeTypes implements INodeTypes {
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

	getKnownTypes() {
		return {};
	}
}

/** Resolves `={{$credentials.x}}` (the only expression form our credentials' `authenticate` uses). */
function resolveCredentialExpression(value: string, credentials: ICredentialDataDecryptedObject): string {
	if (!value.startsWith('=')) return value;
	return value
		.slice(1)
		.replace(/\{\{\s*\$credentials\.(\w+)\s*\}\}/g, (_match, key: string) => String(credentials[key] ?? ''));
}

class CredentialsStore extends ICredentialsHelper {
	constructor(
		private readonly types: Map<string, ICredentialType>,
		private readonly values: Map<string, ICredentialDataDecryptedObject>,
	) {
		super();
	}

	getParentTypes(): string[] {
		return [];
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const type = this.types.get(typeName);
		const auth = type?.authenticate;
		if (!auth) return requestOptions;
		if (typeof auth === 'function') return await auth(credentials, requestOptions as IHttpRequestOptions);
		const properties = auth.properties as Record<string, Record<string, string>>;
		for (const [target, fields] of Object.entries(properties)) {
			const current = ((requestOptions as unknown as Record<string, IDataObject>)[target] ??= {});
			for (const [key, value] of Object.entries(fields)) {
				current[key] = resolveCredentialExpression(value, credentials);
			}
		}
		return requestOptions;
	}

	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		_node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const type = this.types.get(typeName);
		if (!type?.preAuthentication) return undefined;
		const expirable = type.properties.find((property) => property.typeOptions?.expirable);
		if (!expirable) return undefined;
		if (credentials[expirable.name] !== '' && credentials[expirable.name] !== undefined && !credentialsExpired) {
			return undefined;
		}
		const output = (await type.preAuthentication.call(helpers, credentials)) as ICredentialDataDecryptedObject;
		Object.assign(credentials, output);
		const stored = this.values.get(typeName);
		if (stored) Object.assign(stored, output);
		return credentials;
	}

	async runPreAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const type = this.types.get(typeName);
		if (!type?.preAuthentication) return undefined;
		return (await type.preAuthentication.call(helpers, credentials)) as ICredentialDataDecryptedObject;
	}

	async getCredentials(): Promise<ICredentials> {
		throw new Error('not used by these tests');
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		_nodeCredentials: unknown,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		const values = this.values.get(type);
		if (!values) throw new Error(`No test credentials of type ${type}`);
		const withDefaults: ICredentialDataDecryptedObject = {};
		for (const property of this.getCredentialsProperties(type)) {
			if (property.default !== undefined) withDefaults[property.name] = property.default as string;
		}
		return { ...withDefaults, ...values };
	}

	async updateCredentials(): Promise<void> {}

	async updateCredentialsOauthTokenData(): Promise<void> {}

	getCredentialsProperties(type: string): INodeProperties[] {
		return this.types.get(type)?.properties ?? [];
	}
}

// ---------------------------------------------------------------------------------------------
// The environment one test file builds once

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
		options: { onEmit?: (items: INodeExecutionData[]) => void; keep?: boolean } = {},
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
			(data, _responsePromise, _donePromise, deduplicationKey) => recorder.onEmit(data, deduplicationKey),
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
	 * Runs the credential's test as n8n's "Test credential" button does: `test.request` through
	 * n8n-core's RoutingNode (so preAuthentication and `authenticate` apply), then the rules as
	 * n8n's CredentialsTester (packages/cli/src/services/credentials-tester.service.ts, n8n 2.x)
	 * applies them. `values` are stored as this type's credentials, over the property defaults.
	 */
	async testCredential(type: string, values: ICredentialDataDecryptedObject): Promise<CredentialTestResult> {
		const credentialType = this.credentialType(type);
		const testRequest = credentialType.test as ICredentialTestRequest;
		const withDefaults: ICredentialDataDecryptedObject = {};
		for (const property of credentialType.properties) withDefaults[property.name] = property.default as string;
		Object.assign(withDefaults, values);
		this.setCredentials(type, withDefaults);

		// As the tester builds it for a test declared on the credential: n8n's noOp node type with one
		// property `temp` whose routing is the test request.
		const nodeType: INodeType = {
			description: {
				displayName: 'No Operation, do nothing',
				name: 'n8n-nodes-base.noOp',
				group: ['transform'],
				version: 1,
				description: '',
				defaults: {},
				inputs: [],
				outputs: [],
				credentials: [{ name: type, required: true }],
				properties: [{ displayName: 'Temp', name: 'temp', type: 'string', routing: { request: testRequest.request }, default: '' }],
			},
		};
		this.nodeTypes.register('n8n-nodes-base.noOp', nodeType);
		const node: INode = {
			id: 'temp',
			name: 'Temp-Node',
			type: 'n8n-nodes-base.noOp',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
			credentials: { [type]: { id: '1', name: 'test credential' } },
		};
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
		for (const rule of testRequest.rules ?? []) {
			if (rule.type === 'responseSuccessBody') {
				const json = response![0][0].json;
				if (lookup(json, rule.properties.key) === rule.properties.value) {
					return { status: 'Error', message: rule.properties.message };
				}
			}
		}
		return { status: 'OK', message: 'Connection successful!' };
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

export interface CredentialTestResult {
	status: 'OK' | 'Error';
	message: string;
}

/** The tester's verdict on a test request that threw: a matching responseCode rule, else the HTTP or network error. */
function failedTestResult(caught: unknown, testRequest: ICredentialTestRequest): CredentialTestResult {
	const error = caught as { cause?: { response?: { status: number; statusText?: string }; code?: string }; message: string };
	if (error.cause?.response) {
		const statusCode = error.cause.response.status;
		for (const rule of testRequest.rules ?? []) {
			if (rule.type === 'responseCode' && rule.properties.value === statusCode) {
				return { status: 'Error', message: rule.properties.message };
			}
		}
		if (statusCode < 199 || statusCode > 299) {
			return { status: 'Error', message: error.cause.response.statusText || `Received HTTP status code: ${statusCode}` };
		}
	} else if (error.cause?.code) {
		return { status: 'Error', message: error.cause.code };
	}
	return { status: 'Error', message: error.message };
}

/** lodash.get for dotted keys, as the CredentialsTester uses it. */
function lookup(value: unknown, path: string): unknown {
	let current: unknown = value;
	for (const part of path.split('.')) {
		if (current === null || current === undefined) return undefined;
		current = (current as Record<string, unknown>)[part];
	}
	return current;
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

// ---------------------------------------------------------------------------------------------
// What an activated trigger did

export interface Emission {
	items: INodeExecutionData[];
	deduplicationKey?: string;
}

type Waiter = { check: () => boolean; resolve: () => void };

export class TriggerRecorder {
	readonly emissions: Emission[] = [];
	readonly emitErrors: Error[] = [];
	readonly failedExecutions: Error[] = [];
	private waiters: Waiter[] = [];

	/** `keep: false` records nothing (a long-running demo); `onEmit` sees every emission. */
	constructor(private readonly options: { onEmit?: (items: INodeExecutionData[]) => void; keep?: boolean } = {}) {}

	onEmit(data: INodeExecutionData[][], deduplicationKey?: string) {
		const items = data[0] ?? [];
		if (this.options.keep !== false) this.emissions.push({ items, deduplicationKey });
		this.options.onEmit?.(items);
		this.notify();
	}

	onEmitError(error: Error) {
		this.emitErrors.push(error);
		this.notify();
	}

	onFailedExecution(error: Error) {
		this.failedExecutions.push(error);
		this.notify();
	}

	get items(): INodeExecutionData[] {
		return this.emissions.flatMap((emission) => emission.items);
	}

	/** Resolves once `check` holds, re-checked after every recorded call; rejects after `timeoutMs`. */
	until(check: () => boolean, description: string, timeoutMs = 10_000): Promise<void> {
		if (check()) return Promise.resolve();
		return new Promise((resolve, reject) => {
			const timer = setTimeout(() => {
				this.waiters = this.waiters.filter((waiter) => waiter !== entry);
				reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${description}`));
			}, timeoutMs);
			const entry: Waiter = {
				check,
				resolve: () => {
					clearTimeout(timer);
					resolve();
				},
			};
			this.waiters.push(entry);
		});
	}

	private notify() {
		for (const waiter of [...this.waiters]) {
			if (waiter.check()) {
				this.waiters = this.waiters.filter((entry) => entry !== waiter);
				waiter.resolve();
			}
		}
	}
}

export class ActiveTrigger {
	private closed = false;

	constructor(
		readonly recorder: TriggerRecorder,
		readonly response: ITriggerResponse,
	) {}

	get items() {
		return this.recorder.items;
	}

	/** Waits until at least `count` items were emitted in total. */
	async waitForItems(count: number, timeoutMs?: number) {
		await this.recorder.until(() => this.recorder.items.length >= count, `${count} item(s)`, timeoutMs);
		return this.recorder.items;
	}

	/** Waits for an item matching `predicate` and returns it. */
	async waitForItem(predicate: (json: IDataObject) => boolean, description: string, timeoutMs?: number) {
		await this.recorder.until(() => this.recorder.items.some((item) => predicate(item.json)), description, timeoutMs);
		return this.recorder.items.find((item) => predicate(item.json))!.json;
	}

	async close() {
		if (this.closed) return;
		this.closed = true;
		await this.response.closeFunction?.();
	}
}
