/** agg.market's REST error envelope `{error:{code, message, field?}}` (docs/venues/agg-market.md#errors). */

export type AggErrorCode =
	| 'BAD_REQUEST'
	| 'UNAUTHORIZED'
	| 'FORBIDDEN'
	| 'NOT_FOUND'
	| 'PAYLOAD_TOO_LARGE'
	| 'RATE_LIMITED'
	| 'INTERNAL_ERROR'
	| 'SERVICE_UNAVAILABLE';

const STATUS_OF_CODE: Record<AggErrorCode, number> = {
	BAD_REQUEST: 400,
	UNAUTHORIZED: 401,
	FORBIDDEN: 403,
	NOT_FOUND: 404,
	PAYLOAD_TOO_LARGE: 413,
	RATE_LIMITED: 429,
	INTERNAL_ERROR: 500,
	SERVICE_UNAVAILABLE: 503,
};

export interface AggErrorBody {
	error: { code: AggErrorCode; message: string; field?: string };
}

/** A refusal the REST layer turns into the envelope. */
export class AggError extends Error {
	constructor(
		readonly code: AggErrorCode,
		message: string,
		readonly field?: string,
	) {
		super(message);
		this.name = 'AggError';
	}

	get status(): number {
		return STATUS_OF_CODE[this.code];
	}

	get body(): AggErrorBody {
		return errorBody(this.code, this.message, this.field);
	}
}

export function errorBody(code: AggErrorCode, message: string, field?: string): AggErrorBody {
	return { error: { code, message, ...(field === undefined ? {} : { field }) } };
}

/** The envelope code of an arbitrary status (injected REST faults). */
export function codeOfStatus(status: number): AggErrorCode {
	const known = (Object.keys(STATUS_OF_CODE) as AggErrorCode[]).find((code) => STATUS_OF_CODE[code] === status);
	if (known) return known;
	return status >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST';
}
