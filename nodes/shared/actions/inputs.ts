/**
 * The checks that refuse bad input before any request is sent. Every refusal is a
 * NodeOperationError whose message starts with the field's display name, so a person (or an
 * agent using the node as a tool) knows which field to fix.
 */
import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

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

/** A NodeOperationError for a field that is missing or conflicts, in the node's own words. */
export function refuse(context: IExecuteFunctions, itemIndex: number, field: string, problem: string, hint?: string): NodeOperationError {
	return new NodeOperationError(context.getNode(), `${field}: ${problem}`, { itemIndex, description: hint });
}

/** A value as an error message quotes it: short, and never a bare empty string. */
export function describeValue(value: unknown): string {
	if (value === undefined || value === null) return 'nothing';
	if (typeof value === 'string')
		return value.trim() === '' ? 'an empty value' : `"${value.length > 60 ? `${value.slice(0, 60)}…` : value}"`;
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

/** Whether a parameter was left empty (absent, '', or only spaces). */
export function isEmpty(value: unknown): boolean {
	return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/** A required text (an ID, a symbol): numbers are accepted as their text. */
export function requiredText(
	context: IExecuteFunctions,
	itemIndex: number,
	parameter: string,
	field: string,
	expected: string,
	hint?: string,
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

/** A price or a distance: a number greater than 0. */
export function positiveNumber(
	context: IExecuteFunctions,
	itemIndex: number,
	raw: unknown,
	field: string,
	expected: string,
	hint?: string,
): number {
	const value = toNumber(raw);
	if (value === undefined || value <= 0) throw invalid(context, itemIndex, field, expected, raw, hint);
	return value;
}

/**
 * A point in time given as an ISO 8601 date, epoch milliseconds (or epoch seconds, told apart by
 * size), a JavaScript Date or a Luxon DateTime (what n8n expressions give). Undefined when empty.
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

const DATE_EXPECTED = 'a date (ISO 8601 such as 2026-06-01T18:00:00Z, or epoch milliseconds)';

/** An optional date parameter; undefined when empty. */
export function optionalDate(context: IExecuteFunctions, itemIndex: number, raw: unknown, field: string): Date | undefined {
	const parsed = parseInstant(raw);
	if (parsed === 'invalid') throw invalid(context, itemIndex, field, DATE_EXPECTED, raw);
	return parsed;
}
