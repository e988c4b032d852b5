/** n8n's own node errors behind errorMaker.ts's face: what action nodes and triggers in n8n's main throw. */
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { ErrorMaker } from './errorMaker';

export const n8nErrorMaker: ErrorMaker = {
	apiError: (node, info, { itemIndex }) => new NodeApiError(node, info, { itemIndex }),
	operationError: (node, message, options) => new NodeOperationError(node, message, options),
	isOperationError: (error) => error instanceof NodeOperationError,
};
