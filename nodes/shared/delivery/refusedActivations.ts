import { createHash } from 'node:crypto';

import type { ITriggerFunctions } from 'n8n-workflow';

/**
 * n8n 2.41 tries a failed activation five times (1, 2, 4 and 8 s apart), whatever the error: it
 * wraps every error of `trigger()` in its own, so a trigger cannot mark one as final. A venue that
 * refused the credentials or a subscription would refuse them four more times, and a venue may
 * lock a key that fails too often. So for this long after such a refusal, activating the same node
 * with the same credential and parameters fails at once with the venue's answer, without asking
 * the venue again. Anything changed (a corrected key, other parameters) asks the venue.
 */
const REMEMBERED_MS = 30_000;

const refusals = new Map<string, { fingerprint: string; error: Error; until: number }>();

/** What the remembered refusal applies to: the workflow and node, then their credential and parameters. */
export async function activationIdentity(ctx: ITriggerFunctions): Promise<{ key: string; fingerprint: string }> {
	const node = ctx.getNode();
	const credentials: unknown[] = [];
	for (const type of Object.keys(node.credentials ?? {}).sort()) {
		credentials.push(await ctx.getCredentials(type).catch(() => null));
	}
	const fingerprint = createHash('sha256')
		.update(JSON.stringify({ parameters: node.parameters, credentials }))
		.digest('hex');
	return { key: `${ctx.getWorkflow().id ?? ''}:${node.id}`, fingerprint };
}

/** The error of a refusal the venue gave this same activation moments ago, if any. */
export function rememberedRefusal(identity: { key: string; fingerprint: string }, now = Date.now()): Error | undefined {
	for (const [key, entry] of refusals) if (entry.until <= now) refusals.delete(key);
	const entry = refusals.get(identity.key);
	return entry?.fingerprint === identity.fingerprint ? entry.error : undefined;
}

export function rememberRefusal(identity: { key: string; fingerprint: string }, error: Error, now = Date.now()): void {
	refusals.set(identity.key, { fingerprint: identity.fingerprint, error, until: now + REMEMBERED_MS });
}
