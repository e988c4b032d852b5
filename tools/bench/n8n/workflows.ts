/**
 * The workflows the bench runs in n8n. Latency: the example's Quote Accepted → Confirm, in each
 * delivery mode, or the trigger alone confirming on its own (the fast path). Flood: a Totalis
 * Trigger whose only follower reports how many items the execution carried to the bench's
 * counter (one HTTP call per execution, the cheapest way to count without saving data).
 */
import { TOTALIS_TRIGGER_TYPE } from '../../e2e';
import { loadExample, subWorkflow } from '../../e2e/examples';
import type { WorkflowInput, WorkflowNode } from '../../e2e/n8nApi';

/** The Totalis Trigger parameter of the fast path (the trigger confirms accepted quotes itself). */
export const FAST_PATH_PARAMETER = 'confirmAcceptedQuotes';

/** How much n8n saves of each execution. */
export type Saving = 'default' | 'light';

/**
 * n8n's default saves every successful execution with its data; `light` saves only failures,
 * and no progress between nodes: what the Performance docs recommend for a fast trigger.
 */
export function workflowSettings(saving: Saving): Record<string, unknown> {
	const settings: Record<string, unknown> = { executionOrder: 'v1' };
	if (saving === 'light')
		Object.assign(settings, { saveDataSuccessExecution: 'none', saveExecutionProgress: false, saveManualExecutions: false });
	return settings;
}

export type DeliveryMode = 'each' | 'batch';

export interface DeliveryChoice {
	mode: DeliveryMode;
	/** 0: no cap. */
	maxInFlight: number;
	batchWindowMs: number;
	batchMaxItems: number;
}

function deliveryOptions(choice: DeliveryChoice): Record<string, unknown> {
	return choice.mode === 'each'
		? { delivery: 'each', maxInFlight: choice.maxInFlight }
		: { delivery: 'batch', batchWindowMs: choice.batchWindowMs, batchMaxItems: choice.batchMaxItems, maxInFlight: choice.maxInFlight };
}

type Credential = { id: string; name: string };

/** Quote Accepted → Confirm from the example workflow, with the trigger delivering as `choice` says. */
export function confirmWorkflow(name: string, credential: Credential, saving: Saving, choice: DeliveryChoice): WorkflowInput {
	const example = loadExample('totalis-market-making.json', { totalisApi: { ...credential, type: 'totalisApi' } });
	const workflow = subWorkflow(example, name, ['Quote Accepted', 'Confirm']);
	const nodes = workflow.nodes.map((node) =>
		node.name === 'Quote Accepted' ? { ...node, parameters: { ...node.parameters, options: deliveryOptions(choice) } } : node,
	);
	return { ...workflow, nodes, settings: workflowSettings(saving) };
}

/** The trigger alone, confirming each accepted quote itself before it emits (the fast path). */
export function fastPathWorkflow(name: string, credential: Credential, saving: Saving): WorkflowInput {
	const trigger: WorkflowNode = {
		name: 'Quote Accepted',
		type: TOTALIS_TRIGGER_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: {
			source: 'websocket',
			events: ['quote:accepted'],
			channels: ['marketMakerQuotes'],
			followTrades: false,
			mergeAccepted: true,
			[FAST_PATH_PARAMETER]: true,
			options: {},
		},
		credentials: { totalisApi: credential },
	};
	return { name, nodes: [trigger], connections: {}, settings: workflowSettings(saving) };
}

/**
 * Flood: every event on the market maker's channel, delivered as `choice` says, each execution
 * reporting its item count to `counterUrl`. The counting node runs once per execution and reads
 * every item of the trigger through `$('Flood').all()`.
 */
export function floodWorkflow(
	name: string,
	credential: Credential,
	marketMakerId: string,
	counterUrl: string,
	saving: Saving,
	choice: DeliveryChoice,
): WorkflowInput {
	const trigger: WorkflowNode = {
		name: 'Flood',
		type: TOTALIS_TRIGGER_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: {
			source: 'websocket',
			events: ['*'],
			channels: ['marketMakerQuotes'],
			marketMakerId,
			followTrades: false,
			mergeAccepted: false,
			options: deliveryOptions(choice),
		},
		credentials: { totalisApi: credential },
	};
	const count: WorkflowNode & { executeOnce: boolean } = {
		name: 'Count',
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		position: [240, 0],
		executeOnce: true,
		parameters: { url: `=${counterUrl}?items={{ $('Flood').all().length }}`, options: {} },
	};
	return {
		name,
		nodes: [trigger, count],
		connections: { Flood: { main: [[{ node: 'Count', type: 'main', index: 0 }]] } },
		settings: workflowSettings(saving),
	};
}
