/**
 * Where the Helio Trigger reports trouble that does not stop it (a subscription Helio never
 * acknowledged): always in n8n's log, and as a failed execution of level "warning" at most once
 * per `intervalMs`, so it shows in the executions list without flooding it. Never `emitError`:
 * the trigger stays active. A manual run only logs: there a failed execution ends the test run.
 */
import { NodeOperationError, type ITriggerFunctions } from 'n8n-workflow';

import { redactingLogger } from '../../shared/logging';
import type { Redactor } from '../../shared/redact';

export function triggerWarnings(ctx: ITriggerFunctions, redactor: Redactor, intervalMs: number): (message: string) => void {
	const logger = redactingLogger(ctx, redactor);
	const manual = ctx.getMode() === 'manual';
	let lastReport: number | undefined;
	return (message) => {
		logger.warn(message);
		if (manual || typeof ctx.saveFailedExecution !== 'function') return;
		const now = Date.now();
		if (lastReport !== undefined && now - lastReport < intervalMs) return;
		lastReport = now;
		ctx.saveFailedExecution(new NodeOperationError(ctx.getNode(), redactor.text(message), { level: 'warning' }));
	};
}
