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

/** Plain decimal text: an optional minus, digits, an optional fraction. */
const DECIMAL = /^-?\d+(\.\d+)?$/;

/**
 * A number as a field gives it: a finite number, or plain decimal text ("12", "-0.5", spaces
 * around allowed). Number() alone reads "0x10" as 16, "1e3" as 1000, "Infinity" as Infinity and
 * " " as 0: an expression's text must mean what it shows, so anything else is undefined.
 */
export function toNumber(value: unknown): number | undefined {
	if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
	if (typeof value !== 'string') return undefined;
	const text = value.trim();
	if (!DECIMAL.test(text)) return undefined;
	// Hundreds of digits still overflow to Infinity.
	const parsed = Number(text);
	return Number.isFinite(parsed) ? parsed : undefined;
}

/** The range a number field accepts; each field's `expected` says it in words. */
export interface NumberBounds {
	/** At least this. */
	min?: number;
	/** Greater than this. */
	above?: number;
	/** At most this: every field has one, so a finite but absurd 1e308 is refused too. */
	max: number;
	/** A whole number (and a safe integer, exact in JSON). */
	whole?: boolean;
}

/** Whether `value` is within `bounds`. */
function withinBounds(value: number, bounds: NumberBounds): boolean {
	if (bounds.whole && !Number.isSafeInteger(value)) return false;
	if (bounds.min !== undefined && value < bounds.min) return false;
	if (bounds.above !== undefined && value <= bounds.above) return false;
	return value <= bounds.max;
}

/** A number within `bounds`, or a NodeOperationError naming the field and what it expected. */
export function boundedNumber(
	context: IExecuteFunctions,
	itemIndex: number,
	raw: unknown,
	field: string,
	bounds: NumberBounds,
	expected: string,
	hint?: string,
): number {
	const value = toNumber(raw);
	if (value === undefined || !withinBounds(value, bounds)) throw invalid(context, itemIndex, field, expected, raw, hint);
	return value;
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
	return nonEmptyText(context, itemIndex, context.getNodeParameter(parameter, itemIndex, '') as unknown, field, expected, hint);
}

/** `raw` as a non-empty trimmed text (a number as its text); refused, naming the field, otherwise. */
export function nonEmptyText(
	context: IExecuteFunctions,
	itemIndex: number,
	raw: unknown,
	field: string,
	expected: string,
	hint?: string,
): string {
	const value = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : undefined;
	if (!value) throw invalid(context, itemIndex, field, expected, raw, hint);
	return value;
}

/** The whole-number parameter `parameter`, within `bounds`. */
export function wholeNumber(
	context: IExecuteFunctions,
	itemIndex: number,
	parameter: string,
	field: string,
	bounds: { min: number; max: number },
	expected: string,
	hint?: string,
): number {
	const raw = context.getNodeParameter(parameter, itemIndex, undefined) as unknown;
	return boundedNumber(context, itemIndex, raw, field, { ...bounds, whole: true }, expected, hint);
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
		const date = numeric >= 1e11 ? new Date(numeric) : numeric >= 1e9 ? new Date(numeric * 1000) : undefined;
		// A Date past 8.64e15 ms (1e308, say) is invalid: refuse it rather than pass NaN on.
		return date && !Number.isNaN(date.getTime()) ? date : 'invalid';
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
