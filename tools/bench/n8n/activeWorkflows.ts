/**
 * Switching the bench's workflows on and off through n8n's public API, with deadlines, and
 * remembering which are on: n8n reactivates them when it starts again, so a restarted n8n
 * on the same database (a queue-mode main) turns them off once more. Shared by both kinds of bench n8n.
 */
import type { N8nApi } from '../../e2e';
import { withTimeout } from '../stats';

export abstract class ActiveWorkflows {
	/** Workflows left active. */
	private readonly active = new Set<string>();

	abstract get api(): N8nApi;

	/** Activates and remembers the workflow, so a restart can turn it off again. */
	async activate(workflowId: string): Promise<void> {
		this.active.add(workflowId);
		await this.api.activateWorkflow(workflowId, { timeoutMs: 60_000 });
	}

	/** Deactivates; false when n8n did not manage it within the timeout (the caller restarts n8n). */
	async deactivate(workflowId: string, timeoutMs = 60_000): Promise<boolean> {
		try {
			await withTimeout(this.api.deactivateWorkflow(workflowId, { timeoutMs }), timeoutMs + 5000, `deactivating ${workflowId}`);
			this.active.delete(workflowId);
			return true;
		} catch {
			return false;
		}
	}

	/** Does n8n's API still answer (public API, a cheap read) within `timeoutMs`? */
	async answers(workflowId: string, timeoutMs = 5000): Promise<boolean> {
		try {
			await withTimeout(this.api.getWorkflow(workflowId), timeoutMs, 'n8n API probe');
			return true;
		} catch {
			return false;
		}
	}

	/** A fresh n8n (a new database) has none of the old workflows active. */
	protected forgetActive(): void {
		this.active.clear();
	}

	/** After a restart: turns off again every workflow n8n reactivated. */
	protected async deactivateReactivated(): Promise<void> {
		for (const id of [...this.active]) await this.deactivate(id);
	}
}
