/** Helio's REST error envelope `{error:{type, message, field?}}` (docs/venues/helio.md#errors). */

export type HelioErrorType =
	| 'validation_error'
	| 'invalid_credentials'
	| 'unauthorized'
	| 'forbidden'
	| 'not_found'
	| 'conflict'
	| 'payload_too_large'
	| 'rate_limited'
	| 'internal_error'
	| 'service_unavailable';

const STATUS_OF_TYPE: Record<HelioErrorType, number> = {
	validation_error: 400,
	invalid_credentials: 401,
	unauthorized: 401,
	forbidden: 403,
	not_found: 404,
	conflict: 409,
	payload_too_large: 413,
	rate_limited: 429,
	internal_error: 500,
	service_unavailable: 503,
};

export interface HelioErrorBody {
	error: { type: HelioErrorType; message: string; field?: string };
}

/** A refusal the REST layer turns into the envelope. */
export class HelioError extends Error {
	constructor(
		readonly type: HelioErrorType,
		message: string,
		readonly field?: string,
	) {
		super(message);
		this.name = 'HelioError';
	}

	get status(): number {
		return STATUS_OF_TYPE[this.type];
	}

	get body(): HelioErrorBody {
		return errorBody(this.type, this.message, this.field);
	}
}

export const validationError = (field: string | undefined, message: string): HelioError =>
	new HelioError('validation_error', message, field);

export function errorBody(type: HelioErrorType, message: string, field?: string): HelioErrorBody {
	return { error: { type, message, ...(field === undefined ? {} : { field }) } };
}

/** The envelope type of an arbitrary status (injected REST faults). */
export function typeOfStatus(status: number, isLogin: boolean): HelioErrorType {
	if (status === 401 && isLogin) return 'invalid_credentials';
	const known = (Object.keys(STATUS_OF_TYPE) as HelioErrorType[]).find(
		(type) => STATUS_OF_TYPE[type] === status && type !== 'invalid_credentials',
	);
	if (known) return known;
	return status >= 500 ? 'internal_error' : 'validation_error';
}
