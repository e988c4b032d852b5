/**
 * The example workflows of examples/, made ready to import into a given n8n: every node's
 * credential reference points at that instance's credential.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { findRepoRoot } from './communityPackage';
import type { N8nCredential, WorkflowInput, WorkflowNode } from './n8nApi';

export const EXAMPLE_CREDENTIAL_NAME = 'Totalis (simulator)';
export const HELIO_CREDENTIAL_NAME = 'Helio (simulator)';
export const AGG_CREDENTIAL_NAME = 'agg.market (simulator)';
export const OPENMARKETS_CREDENTIAL_NAME = 'OpenMarkets (simulator)';

export interface LoadExampleOptions {
	/**
	 * Keep the example's own execution saving, as a user imports it (npm run dev). Otherwise
	 * successful executions are saved too, whatever the example says: the end-to-end suite reads
	 * what n8n ran from them. test/examples.test.ts checks the shipped settings.
	 */
	shippedSaving?: boolean;
}

export function loadExample(file: string, credentials: Record<string, N8nCredential>, options: LoadExampleOptions = {}): WorkflowInput {
	const raw = JSON.parse(readFileSync(join(findRepoRoot(), 'examples', file), 'utf8')) as WorkflowInput;
	const settings = options.shippedSaving ? raw.settings : { ...raw.settings, saveDataSuccessExecution: 'all' };
	return { ...raw, settings, nodes: raw.nodes.map((node) => withCredentials(node, credentials)) };
}

function withCredentials(node: WorkflowNode, credentials: Record<string, N8nCredential>): WorkflowNode {
	if (!node.credentials) return node;
	const linked: WorkflowNode['credentials'] = {};
	for (const type of Object.keys(node.credentials)) {
		const credential = credentials[type];
		if (!credential) throw new Error(`example node "${node.name}" needs a ${type} credential`);
		linked[type] = { id: credential.id, name: credential.name };
	}
	return { ...node, credentials: linked };
}

/** A copy of `workflow` with only the named nodes (and their connections), under a new name. */
export function subWorkflow(workflow: WorkflowInput, name: string, nodeNames: string[]): WorkflowInput {
	const keep = new Set(nodeNames);
	type Outputs = Array<Array<{ node: string }>>;
	// Kept nodes only, and only their links to other kept nodes: n8n refuses a link to a missing node.
	const connections = Object.fromEntries(
		Object.entries(workflow.connections ?? {})
			.filter(([from]) => keep.has(from))
			.map(([from, types]) => [
				from,
				Object.fromEntries(
					Object.entries(types as Record<string, Outputs>).map(([type, outputs]) => [
						type,
						outputs.map((targets) => (targets ?? []).filter((target) => keep.has(target.node))),
					]),
				),
			]),
	);
	return { ...workflow, name, nodes: workflow.nodes.filter((node) => keep.has(node.name)), connections } as WorkflowInput;
}
