import { NodeOperationError, type ITriggerFunctions } from 'n8n-workflow';
import { toNumber } from './actions/inputs';

/**
 * Reads a trigger's parameters and checks them before anything connects. Every refusal names
 * the field as the editor shows it and says what was expected, so a user can fix it from the
 * message alone. Each venue's `stream/settings.ts` reads its settings through one of these.
 */
export class TriggerParameters {
	constructor(private readonly ctx: ITriggerFunctions) {}

	/** An error about the node's parameters, shown when activation is refused. */
	fail(message: string): NodeOperationError {
		return new NodeOperationError(this.ctx.getNode(), message);
	}

	/** A parameter as n8n gives it (defaults applied), unchecked: for booleans and option values. */
	value<T>(name: string, fallback: T): T {
		return this.ctx.getNodeParameter(name, fallback) as T;
	}

	/** The node's `options` collection (only the options the user added are present). */
	options<T extends object>(): Partial<T> {
		return this.ctx.getNodeParameter('options', {}) as Partial<T>;
	}

	/** A multi-options parameter that needs at least one choice; `hint` says what to choose. */
	choices<T extends string = string>(name: string, label: string, fallback: T[], hint: string): T[] {
		const chosen = this.value<T[]>(name, fallback);
		if (!Array.isArray(chosen) || chosen.length === 0) throw this.fail(`${label} is empty: ${hint}`);
		return chosen;
	}

	/** A comma-separated parameter (symbols, IDs) as its distinct, trimmed, non-empty entries. */
	commaList(name: string): string[] {
		return commaList(this.value<unknown>(name, ''));
	}

	/** A comma-separated parameter that needs at least one entry; `example` shows one. */
	requiredCommaList(name: string, label: string, what: string, example: string): string[] {
		const entries = this.commaList(name);
		if (entries.length === 0) throw this.fail(`${label} is empty: give at least one ${what} (e.g. ${example})`);
		return entries;
	}

	/** A whole number of at least `min`; `value` is the parameter's value (absent → `fallback`). */
	wholeNumber(label: string, value: unknown, fallback: number, min = 1): number {
		const number = present(value) ? readNumber(value) : fallback;
		if (!Number.isSafeInteger(number) || number < min) {
			throw this.fail(`${label}: expected a whole number ≥ ${min}, got ${JSON.stringify(value)}`);
		}
		return number;
	}

	/** The number parameter `name` (absent → `fallback`), checked as `number()` does. */
	numberParameter(name: string, label: string, fallback: number, bound: { min: number } | { above: number }): number {
		return this.number(label, this.value<unknown>(name, fallback), fallback, bound);
	}

	/** The whole-number parameter `name` (absent → `fallback`), checked as `wholeNumber()` does. */
	wholeNumberParameter(name: string, label: string, fallback: number, min = 1): number {
		return this.wholeNumber(label, this.value<unknown>(name, fallback), fallback, min);
	}

	/** A finite number of at least `min` (or strictly above it with `above`). */
	number(label: string, value: unknown, fallback: number, bound: { min: number } | { above: number }): number {
		const number = present(value) ? readNumber(value) : fallback;
		const ok = 'min' in bound ? number >= bound.min : number > bound.above;
		if (!Number.isFinite(number) || !ok) {
			const expected = 'min' in bound ? `a number ≥ ${bound.min}` : `a number above ${bound.above}`;
			throw this.fail(`${label}: expected ${expected}, got ${JSON.stringify(value)}`);
		}
		return number;
	}
}

const present = (value: unknown) => value !== undefined && value !== null && value !== '';

/** The action nodes' reader: plain decimals only, so "0x10" or "1e3" from an expression is refused, not read as 16 or 1000. */
const readNumber = (value: unknown) => toNumber(value) ?? Number.NaN;

/** A comma-separated value (symbols, ids) as its distinct, trimmed, non-empty entries. */
export function commaList(value: unknown): string[] {
	return [
		...new Set(
			String(value ?? '')
				.split(',')
				.map((entry) => entry.trim())
				.filter(Boolean),
		),
	];
}
