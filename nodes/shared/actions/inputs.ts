/**
 * The checks that refuse bad input before any request is sent. Every refusal is a
 * NodeOperationError whose message starts with the field's display name, so a person (or an
 * agent using the node as a tool) knows which field to fix.
 */
import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

import { describeValue, parseInstant, toNumber } from './values';

// Read here by the action nodes; values.ts keeps them free of n8n-workflow for the fast path's worker thread.
export { describeValue, parseInstant, toNumber };

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

const DATE_EXPECTED = 'a date (ISO 8601 such as 2026-06-01T18:00:00Z, or epoch milliseconds)';

/** An optional date parameter; undefined when empty. */
export function optionalDate(context: IExecuteFunctions, itemIndex: number, raw: unknown, field: string): Date | undefined {
	const parsed = parseInstant(raw);
	if (parsed === 'invalid') throw invalid(context, itemIndex, field, DATE_EXPECTED, raw);
	return parsed;
}
