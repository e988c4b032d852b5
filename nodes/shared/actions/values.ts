/**
 * Reading a value as a field or a venue gives it, without n8n-workflow: the action nodes use these
 * through inputs.ts; the Totalis fast path's worker thread, where n8n-workflow is never loaded
 * (docs/architecture.md), reads an acceptance's confirmation deadline with parseInstant and words a
 * refused path segment with describeValue (pathSegment.ts).
 */

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
