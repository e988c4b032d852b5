/** OpenMarkets' REST error envelope `{error:{code, message, field?}}` [inferred: the codes are lower case, as the stream's are]. */

export type OpenMarketsErrorCode = 'bad_request' | 'unauthorized' | 'not_found' | 'rate_limited' | 'internal_error' | 'service_unavailable';

const STATUS_OF_CODE: Record<OpenMarketsErrorCode, number> = {
	bad_request: 400,
	unauthorized: 401,
	not_found: 404,
	rate_limited: 429,
	internal_error: 500,
	service_unavailable: 503,
};

export interface OpenMarketsErrorBody {
	error: { code: OpenMarketsErrorCode; message: string; field?: string };
}

/** A refusal the REST layer turns into the envelope. */
export class OpenMarketsError extends Error {
	constructor(
		readonly code: OpenMarketsErrorCode,
		message: string,
		readonly field?: string,
	) {
		super(message);
		this.name = 'OpenMarketsError';
	}

	get status(): number {
		return STATUS_OF_CODE[this.code];
	}

	get body(): OpenMarketsErrorBody {
		return errorBody(this.code, this.message, this.field);
	}
}

export function errorBody(code: OpenMarketsErrorCode, message: string, field?: string): OpenMarketsErrorBody {
	return { error: { code, message, ...(field === undefined ? {} : { field }) } };
}

/** The envelope code of an arbitrary status (injected REST faults). */
export function codeOfStatus(status: number): OpenMarketsErrorCode {
	const known = (Object.keys(STATUS_OF_CODE) as OpenMarketsErrorCode[]).find((code) => STATUS_OF_CODE[code] === status);
	if (known) return known;
	return status >= 500 ? 'internal_error' : 'bad_request';
}
