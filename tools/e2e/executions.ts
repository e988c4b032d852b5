/** Reading what an n8n execution produced, and waiting for executions to appear. */
import type { N8nApi, N8nExecution } from './n8nApi';
import { pollUntil } from './pollUntil';

/** The `json` of every item `nodeName` returned (first run, first output unless given). */
export function nodeOutputJson(
	execution: N8nExecution,
	nodeName: string,
	options: { run?: number; output?: number } = {},
): Array<Record<string, unknown>> {
	const runs = execution.data?.resultData?.runData?.[nodeName];
	if (!runs) return [];
	const items = runs[options.run ?? 0]?.data?.main?.[options.output ?? 0] ?? [];
	return items.map((item) => item.json);
}

export interface WaitForExecutionOptions {
	workflowId: string;
	/** Which execution counts; default: any that finished with status success. */
	matches?: (execution: N8nExecution) => boolean;
	timeoutMs?: number;
	pollMs?: number;
}

/**
 * Polls the public API (n8n runs in another process) until an execution of the workflow passes
 * `matches`. The timeout error lists what was seen instead.
 */
export async function waitForExecution(api: N8nApi, options: WaitForExecutionOptions): Promise<N8nExecution> {
	const matches = options.matches ?? ((execution) => execution.status === 'success');
	let seen: N8nExecution[] = [];
	return pollUntil(
		async () => {
			seen = await api.listExecutions({ workflowId: options.workflowId, includeData: true });
			return seen.find(matches);
		},
		{
			timeoutMs: options.timeoutMs ?? 30_000,
			intervalMs: options.pollMs ?? 250,
			description: () =>
				`an execution of workflow ${options.workflowId} that matches (seen ${seen.length}: ${
					seen.map((execution) => `${execution.id} ${execution.status}`).join(', ') || 'none'
				})`,
		},
	);
}
