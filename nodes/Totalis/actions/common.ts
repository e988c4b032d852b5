/**
 * What every Totalis operation shares: the per-execution session (credential, redactor,
 * options). The input checks are the package's shared ones, re-exported for the operations.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import type { ActionHandler } from '../../shared/actions/runActions';
import { boundedNumber } from '../../shared/actions/inputs';
import type { Redactor } from '../../shared/redact';

export { boundedNumber, invalid, parseInstant, requiredText, wholeNumber } from '../../shared/actions/inputs';

/*
 * Totalis states no upper bounds for these; they are ours (docs/venues/totalis.md#undocumented-details-and-what-the-nodes-accept),
 * so a finite but absurd number from an expression (1e308) is refused before it is sent.
 */
/** The highest payout odds a quote offers. */
export const MAX_PAYOUT_ODDS = 10_000;
/** The longest a quote stays valid: ten minutes, far beyond a quote request's life. */
export const MAX_QUOTE_EXPIRY_MS = 600_000;
/** The longest the node waits on 429s: Totalis' limits are per minute. */
export const MAX_RATE_LIMIT_WAIT_SECONDS = 3600;

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
	const seconds = boundedNumber(
		context,
		itemIndex,
		raw,
		'Rate Limit Max Wait (Seconds)',
		{ min: 0, max: MAX_RATE_LIMIT_WAIT_SECONDS },
		`a number of seconds from 0 to ${MAX_RATE_LIMIT_WAIT_SECONDS}`,
	);
	return { rateLimitMaxWaitMs: Math.round(seconds * 1000) };
}
