/** Runs an action node for a test file and checks that nothing it output or raised leaks a secret. */
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import type { N8nHarness, NodeRunResult } from './n8n';

/** `secrets()` is read at each check: tests learn some secrets (keys, tokens) only as they run. */
export function nodeRunner(harness: N8nHarness, type: string, credentialType: string, secrets: () => string[]) {
	return async (parameters: INodeParameters, items: IDataObject[] = [{}], settings = {}, cancel?: AbortSignal): Promise<NodeRunResult> => {
		const result = await harness.executeNode(type, parameters, credentialType, items, settings, cancel);
		expectNoSecret(result, secrets());
		return result;
	};
}

/**
 * Runs the node on input it must refuse: a NodeOperationError whose message matches `message`
 * (naming the field), and nothing reached the venue (`requests`, what it recorded, stays empty:
 * not even a login).
 */
export async function expectRefusedBeforeAnyRequest(
	run: ReturnType<typeof nodeRunner>,
	requests: readonly unknown[],
	parameters: INodeParameters,
	message: RegExp,
): Promise<void> {
	const result = await run(parameters);
	expect(result.error?.name).toBe('NodeOperationError');
	expect(result.error?.message).toMatch(message);
	expect(requests).toEqual([]);
}

export function expectNoSecret(result: NodeRunResult, secrets: string[]) {
	// The error's own fields are spelled out: JSON.stringify skips an Error's message and stack.
	const text = JSON.stringify({
		items: result.items,
		error: result.error && {
			...result.error,
			message: result.error.message,
			description: result.error.description,
			stack: result.error.stack,
		},
	});
	for (const secret of secrets) expect(text).not.toContain(secret);
}
