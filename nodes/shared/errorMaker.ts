/**
 * How shared code that also runs in the Totalis fast path's worker thread (the REST client, the
 * Totalis credential) makes its node errors without importing n8n-workflow: its 20 MB of heap
 * would otherwise live in the thread, and each of the thread's mark-compacts takes time in
 * proportion to its live heap (docs/performance.md).
 *
 * An n8n context gets n8n's own NodeApiError and NodeOperationError, exactly as before
 * (n8nErrorMaker.ts, loaded at the first error in n8n's process, where n8n-workflow is already
 * loaded). A context that names its own `errorMaker` (the worker's, plainErrorMaker below) gets
 * errors with the same fields instead, which the confirmer turns into an item's `confirmation`.
 */
import type { IDataObject, INode, JsonObject } from 'n8n-workflow';

/** What a NodeApiError carries that the REST client fills in and its readers use. */
export interface ApiErrorFields {
	description: string | null | undefined;
	httpCode: string | null;
	messages: string[];
	context: IDataObject;
}

export type ApiError = Error & ApiErrorFields;

export interface ErrorMaker {
	/** n8n's `new NodeApiError(node, info, { itemIndex })`. */
	apiError(node: INode, info: JsonObject, options: { itemIndex?: number }): ApiError;
	/** n8n's `new NodeOperationError(node, message, { description, itemIndex })`. */
	operationError(node: INode, message: string, options?: { description?: string; itemIndex?: number }): Error;
	/** An error that `operationError` made (n8n's: `instanceof NodeOperationError`). */
	isOperationError(error: unknown): boolean;
}

/** A context that brings its own errors (the fast path's worker thread). */
export interface WithErrorMaker {
	errorMaker?: ErrorMaker;
}

/** The context's own maker, else n8n's. */
export function errorMakerOf(context: object): ErrorMaker {
	return (context as WithErrorMaker).errorMaker ?? n8nErrors();
}

/** Required at the first error, never at load: a module the worker loads must not reach n8n-workflow. */
function n8nErrors(): ErrorMaker {
	// eslint-disable-next-line @typescript-eslint/no-require-imports -- a static import would load n8n-workflow with this module
	return (require('./n8nErrorMaker') as typeof import('./n8nErrorMaker')).n8nErrorMaker;
}

/** The worker thread's stand-in for NodeApiError: the same fields, nothing of n8n's. */
export class PlainApiError extends Error implements ApiErrorFields {
	override readonly name = 'NodeApiError';
	description: string | null | undefined = undefined;
	httpCode: string | null = null;
	messages: string[] = [];
	readonly context: IDataObject;
	constructor(
		readonly node: INode,
		info: JsonObject,
		readonly itemIndex?: number,
	) {
		super(typeof info.message === 'string' ? info.message : 'The service failed');
		this.context = {};
	}
}

/** The worker thread's stand-in for NodeOperationError. */
export class PlainOperationError extends Error {
	override readonly name = 'NodeOperationError';
	readonly description: string | undefined;
	readonly itemIndex: number | undefined;
	constructor(
		readonly node: INode,
		message: string,
		options: { description?: string; itemIndex?: number } = {},
	) {
		super(message);
		this.description = options.description;
		this.itemIndex = options.itemIndex;
	}
}

/** Errors without n8n-workflow, for a context outside n8n's main thread. */
export const plainErrorMaker: ErrorMaker = {
	apiError: (node, info, { itemIndex }) => new PlainApiError(node, info, itemIndex),
	operationError: (node, message, options) => new PlainOperationError(node, message, options),
	isOperationError: (error) => error instanceof PlainOperationError,
};
