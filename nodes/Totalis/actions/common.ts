/**
 * What every Totalis operation shares: the per-execution session (credential, redactor,
 * options) and the checks that refuse bad input before any request is sent.
 */
import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';
import type { Redactor } from '../../shared/redact';

export interface TotalisSession {
	baseUrl: string;
	redactor: Redactor;
}

/** One operation: reads its parameters for item `itemIndex`, calls Totalis, returns the output JSON. */
export type OperationHandler = (
	this: IExecuteFunctions,
	itemIndex: number,
	session: TotalisSession,
) => Promise<IDataObject>;

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

/** A NodeOperationError that names the field, what it expected and what it got. */
export function invalid(
	context: IExecuteFunctions,
	itemIndex: number,
	field: string,
	expected: string,
	got: unknown,
	hint?: string,
): NodeOperationError {
	return new NodeOperationError(context.getNode(), `${field}: expected ${expected}, got ${describeValue(got)}`, {
		itemIndex,
		description: hint,
	});
}

function describeValue(value: unknown): string {
	if (value === undefined || value === null) return 'nothing';
	if (typeof value === 'string') return value.trim() === '' ? 'an empty value' : `"${value.length > 60 ? `${value.slice(0, 60)}…` : value}"`;
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	try {
		const text = JSON.stringify(value);
		return text.length > 60 ? `${text.slice(0, 60)}…` : text;
	} catch {
		return typeof value;
	}
}

export function toNumber(value: unknown): number | undefined {
	if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
	if (typeof value === 'string' && value.trim() !== '') {
		const parsed = Number(value.trim());
		return Number.isFinite(parsed) ? parsed : undefined;
	}
	return undefined;
}

/** A required ID: a non-empty string (numbers are accepted as their text). */
export function requiredId(
	context: IExecuteFunctions,
	itemIndex: number,
	parameter: string,
	field: string,
	expected: string,
	hint: string,
): string {
	const raw = context.getNodeParameter(parameter, itemIndex, '') as unknown;
	const value = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : undefined;
	if (!value) throw invalid(context, itemIndex, field, expected, raw, hint);
	return value;
}

/** A whole number of at least `min`. */
export function wholeNumber(
	context: IExecuteFunctions,
	itemIndex: number,
	parameter: string,
	field: string,
	min: number,
	expected: string,
	hint?: string,
): number {
	const raw = context.getNodeParameter(parameter, itemIndex, undefined) as unknown;
	const value = toNumber(raw);
	if (value === undefined || !Number.isInteger(value) || value < min) throw invalid(context, itemIndex, field, expected, raw, hint);
	return value;
}

/**
 * A point in time given as an ISO 8601 date, epoch milliseconds (or epoch seconds, told apart by
 * size), a JavaScript Date or a Luxon DateTime. Returns undefined for an empty value.
 */
export function parseInstant(value: unknown): Date | undefined | 'invalid' {
	if (value === undefined || value === null) return undefined;
	if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'invalid' : value;
	if (typeof value === 'object') {
		const toMillis = (value as { toMillis?: unknown }).toMillis;
		if (typeof toMillis === 'function') return parseInstant((toMillis as () => number).call(value));
		return 'invalid';
	}
	if (typeof value === 'string' && value.trim() === '') return undefined;
	const numeric = toNumber(value);
	if (numeric !== undefined) {
		if (numeric >= 1e11) return new Date(numeric);
		if (numeric >= 1e9) return new Date(numeric * 1000);
		return 'invalid';
	}
	if (typeof value !== 'string') return 'invalid';
	const text = value.trim();
	if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return 'invalid';
	const time = Date.parse(text);
	return Number.isNaN(time) ? 'invalid' : new Date(time);
}
