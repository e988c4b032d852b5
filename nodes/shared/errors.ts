/**
 * The n8n errors of a venue stream, for the trigger host and for action nodes that run a stream
 * (OpenMarkets' Contest → Watch). The engine's own failure kinds are in engine/errors.ts; this
 * module turns them into what n8n shows.
 */
import * as workflow from 'n8n-workflow';
import { NodeApiError, NodeOperationError, type INode, type JsonObject } from 'n8n-workflow';

import { StreamFailure } from './engine/errors';

/** Whatever can name the node an error belongs to (trigger, action or poll context). */
type NodeOwner = { getNode(): INode };

/** A clear n8n error for a stream failure; "Authorization" marks credential problems, which n8n does not retry. */
export function toNodeError(ctx: NodeOwner, venueName: string, error: unknown): Error {
	const node = ctx.getNode();
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	if (!(error instanceof StreamFailure)) {
		return operationError(ctx, `${venueName} stream failed: ${(error as Error).message ?? String(error)}`);
	}
	switch (error.kind) {
		case 'auth':
			return new NodeApiError(node, { message: error.message, code: error.details.venueCode } as JsonObject, {
				message: `Authorization failed: ${venueName} refused the credentials (${error.message})`,
				description: 'Check the API key in the credential, and that it is allowed to use this stream.',
				httpCode: error.details.httpStatus ? String(error.details.httpStatus) : '401',
			});
		case 'rejected':
			return new NodeApiError(node, { message: error.message } as JsonObject, {
				message: `${venueName} refused the subscription: ${error.message}`,
				description: 'Check the channels and ids in the node parameters.',
				httpCode: error.details.httpStatus ? String(error.details.httpStatus) : '403',
			});
		case 'timeout':
			return operationError(
				ctx,
				`${venueName} did not answer in time: ${error.message}`,
				'The venue may be down or slow, or the URL in the credential may point at the wrong host.',
			);
		default:
			return (
				answeredError(ctx, venueName, error) ??
				operationError(ctx, `Cannot reach ${venueName}: ${error.message}`, 'Check the URL in the credential and that the venue is up.')
			);
	}
}

/**
 * A venue that answered (an HTTP status instead of the stream, a close code while setting it
 * up) was reached: say that it refused, and why when the venue's rules tell.
 */
function answeredError(ctx: NodeOwner, venueName: string, error: StreamFailure): Error | undefined {
	const { httpStatus, closeCode, explanation } = error.details;
	if (httpStatus === 429) {
		return operationError(
			ctx,
			`${venueName} refused the connection (HTTP 429 Too Many Requests): ${explanation ?? 'too many connections or requests for this credential'}`,
			'The venue is reachable but turns new connections away for now. Close other connections that use the same credential, or wait and activate again.',
		);
	}
	if (httpStatus !== undefined) {
		return operationError(
			ctx,
			`${venueName} answered HTTP ${httpStatus} instead of opening the stream: ${error.message}`,
			explanation ??
				(httpStatus >= 500
					? 'The venue is reachable but failing now; try again later.'
					: 'The venue is reachable but has no stream at that address: check the URL in the credential.'),
		);
	}
	if (closeCode !== undefined) {
		return operationError(
			ctx,
			`${venueName} closed the connection while it was being set up: ${error.message}`,
			explanation ?? 'The venue is reachable but ended the connection before the stream started; its close code and reason say why.',
		);
	}
	return undefined;
}

/**
 * A refusal after the trigger started, for a failed execution: what the venue refused, and that
 * the trigger stays active and keeps trying (it is never deactivated for it).
 */
export function refusalError(
	ctx: NodeOwner,
	venueName: string,
	failure: StreamFailure,
	state: { attempts: number; sinceMs: number; retryInMs: number; refusedSinceReport: number },
): NodeOperationError {
	const credentials = failure.kind === 'auth';
	const what = credentials ? 'the credentials' : 'the subscription';
	const retryIn = Math.max(1, Math.round(state.retryInMs / 1000));
	const since = new Date(state.sinceMs).toISOString();
	const fix = credentials
		? 'Each attempt reads the credential again: correct it in n8n and the next attempt uses it, without re-activating the workflow.'
		: 'If the node parameters are wrong, correct them and activate the workflow again.';
	return operationError(
		ctx,
		`${venueName} refused ${what}: ${failure.message}. The trigger stays active and tries again in ${retryIn} s`,
		`Refused since ${since} (${state.attempts} attempt(s) in a row; ${state.refusedSinceReport} since the last report). Attempts go on, less and less often. ${fix} The first item after ${venueName} accepts again carries a gap whose reasons say how long it refused.`,
	);
}

/**
 * A NodeOperationError that keeps our message: n8n would otherwise replace any message that
 * mentions a system error code (ECONNREFUSED…) with a generic sentence, losing the host and cause.
 */
export function operationError(ctx: NodeOwner, message: string, description?: string) {
	const error = new NodeOperationError(ctx.getNode(), message, { description });
	error.message = message;
	return error;
}

/**
 * n8n-workflow's TriggerCloseError, where the installed version has it. It is exported from
 * n8n-workflow 1.35.0 on (not by 1.29.1, the release before it; checked in the published
 * packages up to 2.41.0, all with the constructor `(node, { cause, level })`). Read through the
 * namespace so that an n8n 1.x whose n8n-workflow lacks it still loads this package.
 */
const TriggerCloseError = (workflow as Partial<Pick<typeof workflow, 'TriggerCloseError'>>).TriggerCloseError;

/**
 * A failure while closing a trigger, as n8n expects it: n8n-core (1.35.0 … 2.41) logs and
 * reports a TriggerCloseError and goes on deactivating the workflow, while any other error
 * makes the deactivation fail. Without TriggerCloseError, the failure itself, as before.
 * Level "warning" as n8n's own triggers (Kafka, Postgres, IMAP) use it.
 */
export function triggerCloseError(node: INode, cause: unknown): Error {
	const error = cause instanceof Error ? cause : new Error(String(cause));
	return TriggerCloseError ? new TriggerCloseError(node, { cause: error, level: 'warning' }) : error;
}
