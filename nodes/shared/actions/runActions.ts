/**
 * The execute loop every action node of this package shares: one handler per resource and
 * operation, one or more output items per input item (each paired to it), and errors that leave
 * the node as NodeApiError or NodeOperationError, scrubbed of secrets, or as error items under
 * continueOnFail. A call the venue accepted (2xx) never fails here, whatever its answer's shape:
 * see passedOnReply.
 */
import { NodeApiError, NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';
import type { Redactor } from '../redact';
import { UnexpectedReplyError } from '../rest';

/** What a node keeps for one execution; the redactor knows the credential's secrets. */
export interface ActionSession {
	redactor: Redactor;
}

/** One operation: reads its parameters for item `itemIndex`, calls the venue, returns one or more output items. */
export type ActionHandler<S extends ActionSession> = (
	this: IExecuteFunctions,
	itemIndex: number,
	session: S,
) => Promise<IDataObject | IDataObject[]>;

/** Handlers by resource, then by operation. */
export type ActionHandlers<S extends ActionSession> = Record<string, Record<string, ActionHandler<S>>>;

export async function runActions<S extends ActionSession>(
	context: IExecuteFunctions,
	handlers: ActionHandlers<S>,
	session: S,
): Promise<INodeExecutionData[][]> {
	const items = context.getInputData();
	const output: INodeExecutionData[] = [];

	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const resource = context.getNodeParameter('resource', itemIndex) as string;
			const operation = context.getNodeParameter('operation', itemIndex) as string;
			const handler = handlers[resource]?.[operation];
			if (!handler) {
				throw new NodeOperationError(context.getNode(), `Unknown operation "${operation}" for resource "${resource}"`, {
					itemIndex,
				});
			}
			const result = await handler.call(context, itemIndex, session);
			// A venue can echo a secret back (a token in a URL it returns), so items are scrubbed too.
			for (const json of Array.isArray(result) ? result : [result]) {
				output.push({ json: session.redactor.value(json), pairedItem: { item: itemIndex } });
			}
		} catch (caught) {
			if (caught instanceof UnexpectedReplyError) {
				context.logger?.warn(caught.warning);
				output.push({ json: session.redactor.value(passedOnReply(caught)), pairedItem: { item: itemIndex } });
				continue;
			}
			const error = asNodeError(context, caught, itemIndex, session.redactor);
			if (context.continueOnFail()) {
				output.push(errorOutputItem(context, error, itemIndex));
				continue;
			}
			throw error;
		}
	}
	return [output];
}

/** Every error leaves the node as a NodeApiError or NodeOperationError, scrubbed of secrets. */
function asNodeError(
	context: IExecuteFunctions,
	caught: unknown,
	itemIndex: number,
	redactor: Redactor,
): NodeApiError | NodeOperationError {
	if (caught instanceof NodeApiError || caught instanceof NodeOperationError) {
		redactor.error(caught);
		if (caught.description) caught.description = redactor.text(caught.description);
		return caught;
	}
	const message = caught instanceof Error ? caught.message : String(caught);
	return new NodeOperationError(context.getNode(), redactor.text(message), { itemIndex });
}

/**
 * The continueOnFail item. n8n sends an item to the error output ("Continue (using error output)")
 * only when its json holds nothing but `error`, `message` and `details` (it then adds the input
 * item's fields), so there the fields a workflow branches on move under `details`.
 */
function errorOutputItem(context: IExecuteFunctions, error: NodeApiError | NodeOperationError, itemIndex: number): INodeExecutionData {
	const { error: message, ...details } = errorItem(error);
	const json = context.getNode().onError === 'continueErrorOutput' ? { error: message, details } : { error: message, ...details };
	return { json, pairedItem: { item: itemIndex } };
}

/** The error item's json: the message plus what a workflow can branch on (the venue's code and reason, the field it blamed). */
function errorItem(error: NodeApiError | NodeOperationError): IDataObject {
	const json: IDataObject = { error: error.message };
	if (error.description) json.description = error.description;
	const context = error.context ?? {};
	if (typeof context.code === 'string') json.code = context.code;
	const reason = reasonOf(context.details);
	if (reason) json.reason = reason;
	if (typeof context.field === 'string') json.field = context.field;
	if (error instanceof NodeApiError && error.httpCode) json.httpCode = error.httpCode;
	return json;
}

/** The venue's `details.reason` ('version_mismatch'), when it gives one. */
function reasonOf(details: unknown): string | undefined {
	if (!details || typeof details !== 'object') return undefined;
	const reason = (details as IDataObject).reason;
	return typeof reason === 'string' ? reason : undefined;
}

/**
 * The item of a call that took effect but whose answer this node could not read: the venue's
 * body as it came (an object's fields at the top, anything else under `response`) and a
 * `warning`. Failing here would invite the user, or a retry, to place an order twice.
 */
export function passedOnReply(reply: UnexpectedReplyError): IDataObject {
	const body = reply.body;
	const json: IDataObject =
		body !== null && typeof body === 'object' && !Array.isArray(body)
			? { ...(body as IDataObject) }
			: { response: body as IDataObject[keyof IDataObject] };
	// The venue's own `warning`, if it sent one, is kept beside ours.
	if (json.warning !== undefined) json.venueWarning = json.warning;
	json.warning = reply.warning;
	return json;
}
