/**
 * What every Totalis operation shares: the per-execution session (credential, redactor,
 * options). The input checks are the package's shared ones, re-exported for the operations.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import type { ActionHandler } from '../../shared/actions/runActions';
import { invalid, toNumber } from '../../shared/actions/inputs';
import type { Redactor } from '../../shared/redact';

export { invalid, parseInstant, requiredText, toNumber, wholeNumber } from '../../shared/actions/inputs';

export interface TotalisSession {
	baseUrl: string;
	redactor: Redactor;
}

/** One operation: reads its parameters for item `itemIndex`, calls Totalis, returns the output JSON. */
export type OperationHandler = ActionHandler<TotalisSession>;

/** The options collection every operation shows. */
export interface CommonOptions {
	rateLimitMaxWaitMs: number;
}

export function readCommonOptions(context: IExecuteFunctions, itemIndex: number): CommonOptions {
	const options = context.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const raw = options.rateLimitMaxWaitSeconds ?? 30;
	const seconds = toNumber(raw);
	if (seconds === undefined || seconds < 0) {
		throw invalid(context, itemIndex, 'Rate Limit Max Wait (Seconds)', 'a number of seconds, 0 or more', raw);
	}
	return { rateLimitMaxWaitMs: Math.round(seconds * 1000) };
}
