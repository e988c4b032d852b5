/** The Totalis error envelope `{error:{code, message, details?}}` and its status codes. */
import type { ServerResponse } from 'node:http';
import { sendJson } from '../http';

export type TotalisErrorCode =
	| 'VALIDATION_ERROR'
	| 'UNAUTHORIZED'
	| 'FORBIDDEN'
	| 'NOT_FOUND'
	| 'CONFLICT'
	| 'PAYLOAD_TOO_LARGE'
	| 'RATE_LIMITED'
	| 'INTERNAL_ERROR'
	| 'SERVICE_UNAVAILABLE';

export const STATUS_OF_CODE: Record<TotalisErrorCode, number> = {
	VALIDATION_ERROR: 400,
	UNAUTHORIZED: 401,
	FORBIDDEN: 403,
	NOT_FOUND: 404,
	CONFLICT: 409,
	PAYLOAD_TOO_LARGE: 413,
	RATE_LIMITED: 429,
	INTERNAL_ERROR: 500,
	SERVICE_UNAVAILABLE: 503,
};

/** The envelope code for an arbitrary status (used by injected REST faults). */
export function codeOfStatus(status: number): TotalisErrorCode {
	const known = (Object.keys(STATUS_OF_CODE) as TotalisErrorCode[]).find((code) => STATUS_OF_CODE[code] === status);
	if (known) return known;
	return status >= 500 ? 'INTERNAL_ERROR' : 'VALIDATION_ERROR';
}

/** A refusal from the market, mapped to the envelope by the REST layer. */
export class TotalisError extends Error {
	constructor(
		readonly code: TotalisErrorCode,
		message: string,
		readonly details?: Record<string, unknown>,
	) {
		super(message);
		this.name = 'TotalisError';
	}

	get status(): number {
		return STATUS_OF_CODE[this.code];
	}
}

export interface ErrorEnvelope {
	error: { code: TotalisErrorCode; message: string; details?: Record<string, unknown>; retry_after?: number };
}

export function errorEnvelope(
	code: TotalisErrorCode,
	message: string,
	details?: Record<string, unknown>,
	retryAfterSeconds?: number,
): ErrorEnvelope {
	return {
		error: {
			code,
			message,
			...(details ? { details } : {}),
			...(retryAfterSeconds !== undefined ? { retry_after: retryAfterSeconds } : {}),
		},
	};
}

export function sendError(
	res: ServerResponse,
	status: number,
	envelope: ErrorEnvelope,
	headers: Record<string, string | number> = {},
): void {
	sendJson(res, status, envelope, headers);
}
