/**
 * What every Helio operation shares: the per-execution session (credential, redactor), the
 * Account ID field, and the checks that refuse bad input before any request is sent. Every
 * refusal is a NodeOperationError whose message starts with the field's display name.
 */
import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';
import type { Redactor } from '../../shared/redact';
import type { HelioCredentials } from '../login';

export interface HelioSessionContext {
	credentials: HelioCredentials;
	redactor: Redactor;
}

/** One operation: reads its parameters for item `itemIndex`, calls Helio, returns one or more output items. */
export type OperationHandler = (
	this: IExecuteFunctions,
	itemIndex: number,
	session: HelioSessionContext,
) => Promise<IDataObject | IDataObject[]>;

/** The smallest volume Helio accepts, in lots. */
export const MIN_VOLUME = 0.01;

/** The Account ID field, shown for the given resources. */
export function accountIdField(resources: string[]): INodeProperties {
	return {
		displayName: 'Account ID',
		name: 'accountId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 100234',
		displayOptions: { show: { resource: resources } },
		description:
			'The trading account to act on. Account → List gives the accounts of the credential\'s login (their ID); the Helio Trigger\'s events carry it as accountId.',
	};
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

/** A NodeOperationError for a field that is missing or conflicts, in the node's own words. */
export function refuse(context: IExecuteFunctions, itemIndex: number, field: string, problem: string, hint?: string): NodeOperationError {
	return new NodeOperationError(context.getNode(), `${field}: ${problem}`, { itemIndex, description: hint });
}

export function describeValue(value: unknown): string {
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

export function readAccountId(context: IExecuteFunctions, itemIndex: number): string {
	return requiredText(
		context,
		itemIndex,
		'accountId',
		'Account ID',
		'the ID of one of your trading accounts',
		'Account → List gives the accounts of the credential\'s login.',
	);
}

/** A volume in lots: at least 0.01. */
export function volumeOf(context: IExecuteFunctions, itemIndex: number, raw: unknown, field = 'Volume (Lots)'): number {
	const volume = toNumber(raw);
	if (volume === undefined || volume < MIN_VOLUME) {
		throw invalid(context, itemIndex, field, `a number of lots, ${MIN_VOLUME} or more`, raw, 'Helio trades in lots; the smallest order is 0.01 lots.');
	}
	return volume;
}

/** A price or a distance: a number greater than 0. */
export function positiveNumber(context: IExecuteFunctions, itemIndex: number, raw: unknown, field: string, expected: string, hint?: string): number {
	const value = toNumber(raw);
	if (value === undefined || value <= 0) throw invalid(context, itemIndex, field, expected, raw, hint);
	return value;
}

/** A distance in points: a whole number greater than 0 (one point is the symbol's smallest price step). */
export function pointsOf(context: IExecuteFunctions, itemIndex: number, raw: unknown, field: string): number {
	const value = toNumber(raw);
	if (value === undefined || value <= 0 || !Number.isInteger(value)) {
		throw invalid(context, itemIndex, field, 'a whole number of points greater than 0', raw, 'One point is the smallest price step of the symbol (0.00001 on EURUSD).');
	}
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

/** A good-till date: required, and in the future. */
export function goodTillDateOf(context: IExecuteFunctions, itemIndex: number, raw: unknown, field = 'Good Till Date'): string {
	const parsed = optionalDate(context, itemIndex, raw, field);
	if (!parsed) {
		throw refuse(
			context,
			itemIndex,
			field,
			'required when Time in Force is Good Till Date (GTD)',
			'Set the date and time the order expires, or choose another Time in Force.',
		);
	}
	if (parsed.getTime() <= Date.now()) {
		throw refuse(
			context,
			itemIndex,
			field,
			`${parsed.toISOString()} is in the past; a Good Till Date order needs a future expiry`,
		);
	}
	return parsed.toISOString();
}

/** The node's Side values → Helio's. */
export const SIDES: Record<string, string> = { buy: 'TRADE_SIDE_BUY', sell: 'TRADE_SIDE_SELL' };

/** The node's Order Type values → Helio's. */
export const ORDER_TYPES: Record<string, string> = {
	market: 'ORDER_TYPE_MARKET',
	limit: 'ORDER_TYPE_LIMIT',
	stop: 'ORDER_TYPE_STOP',
	stopLimit: 'ORDER_TYPE_STOP_LIMIT',
	trailingStop: 'ORDER_TYPE_TRAILING_STOP',
};

/** The node's Time in Force values → Helio's. */
export const TIMES_IN_FORCE: Record<string, string> = {
	gtc: 'TIF_GTC',
	day: 'TIF_DAY',
	ioc: 'TIF_IOC',
	fok: 'TIF_FOK',
	gtd: 'TIF_GTD',
};

export const timeInForceOptions = [
	{ name: 'Good Till Cancelled (GTC)', value: 'gtc', description: 'Stays open until filled or cancelled' },
	{ name: 'Day', value: 'day', description: 'Expires at the end of the trading day' },
	{ name: 'Immediate or Cancel (IOC)', value: 'ioc', description: 'Fills what it can at once; the rest is cancelled' },
	{ name: 'Fill or Kill (FOK)', value: 'fok', description: 'Fills completely at once, or not at all' },
	{ name: 'Good Till Date (GTD)', value: 'gtd', description: 'Stays open until the Good Till Date' },
];

/** A choice from a fixed list, refused by name when unknown (an expression can give anything). */
export function choice(
	context: IExecuteFunctions,
	itemIndex: number,
	parameter: string,
	field: string,
	mapping: Record<string, string>,
	fallback?: string,
): string {
	const raw = context.getNodeParameter(parameter, itemIndex, fallback) as unknown;
	const key = typeof raw === 'string' ? raw.trim() : raw;
	if (typeof key === 'string' && mapping[key] !== undefined) return key;
	// Helio's own names are accepted too (TRADE_SIDE_BUY, ORDER_TYPE_LIMIT, TIF_GTD).
	if (typeof key === 'string') {
		const byVenueName = Object.keys(mapping).find((name) => mapping[name] === key.toUpperCase());
		if (byVenueName) return byVenueName;
	}
	throw invalid(context, itemIndex, field, `one of ${Object.keys(mapping).join(', ')}`, raw);
}
