/**
 * What every Helio operation shares: the per-execution session (credential, redactor), the
 * Account ID field, and Helio's own input checks (volume, points, good-till date, choices). The
 * generic checks are the package's shared ones, re-exported for the operations.
 */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import type { JsonResponse } from '../../shared/rest';
import type { ActionHandler } from '../../shared/actions/runActions';
import { boundedNumber, invalid, optionalDate, refuse } from '../../shared/actions/inputs';
import { idLocatorField, readPickedId } from '../../shared/actions/idPicker';
import type { Redactor } from '../../shared/redact';
import type { HelioCredentials } from '../auth';
import { helioRequest, type HelioCallOptions } from '../transport';

export { boundedNumber, invalid, isEmpty, optionalDate, refuse, requiredText, toNumber } from '../../shared/actions/inputs';

export interface HelioSessionContext {
	credentials: HelioCredentials;
	redactor: Redactor;
	/** The history path that answered, per kind, for the rest of the execution (history.ts). */
	historyPaths: Map<string, string>;
}

/** One Helio call for item `itemIndex`, to the session's trader host with the session's redactor. */
export async function sessionRequest<T = unknown>(
	context: IExecuteFunctions,
	session: HelioSessionContext,
	itemIndex: number,
	call: Omit<HelioCallOptions<T>, 'baseUrl' | 'redactor' | 'itemIndex'>,
): Promise<JsonResponse<T>> {
	return await helioRequest<T>(context, { ...call, baseUrl: session.credentials.baseUrl, redactor: session.redactor, itemIndex });
}

/** One operation: reads its parameters for item `itemIndex`, calls Helio, returns one or more output items. */
export type OperationHandler = ActionHandler<HelioSessionContext>;

/** The smallest volume Helio accepts, in lots. */
export const MIN_VOLUME = 0.01;

/*
 * Helio states no upper bounds; these are ours (docs/venues/helio.md#undocumented-details-and-what-the-nodes-accept).
 * They refuse what no trader means, such as a finite 1e308 from an expression, before it is sent.
 */
/** The most lots one call sends. */
export const MAX_VOLUME = 1000;
/** The highest price sent (Bitcoin trades near 10^5 USD). */
export const MAX_PRICE = 1_000_000_000;
/** The longest distance in points sent. */
export const MAX_POINTS = 1_000_000_000;
/** The most records a history call asks for. */
export const MAX_HISTORY_LIMIT = 1000;

/** The Account ID field, shown for the given resources: picked from the login's accounts, or by ID. */
export function accountIdField(resources: string[]): INodeProperties {
	return idLocatorField({
		displayName: 'Account ID',
		name: 'accountId',
		searchListMethod: 'searchAccounts',
		listPlaceholder: 'Select an account…',
		idPlaceholder: 'e.g. 100234',
		displayOptions: { show: { resource: resources } },
		description:
			"The trading account to act on: pick one of the credential's login, or give its ID (Account → List gives them; the Helio Trigger's events carry it as accountId)",
	});
}

export function readAccountId(context: IExecuteFunctions, itemIndex: number): string {
	return readPickedId(
		context,
		itemIndex,
		'accountId',
		'Account ID',
		'the ID of one of your trading accounts',
		"Account → List gives the accounts of the credential's login.",
	);
}

/** A volume in lots: from 0.01 to MAX_VOLUME. */
export function volumeOf(context: IExecuteFunctions, itemIndex: number, raw: unknown, field = 'Volume (Lots)'): number {
	return boundedNumber(
		context,
		itemIndex,
		raw,
		field,
		{ min: MIN_VOLUME, max: MAX_VOLUME },
		`a number of lots from ${MIN_VOLUME} to ${MAX_VOLUME}`,
		`Helio trades in lots; the smallest order is 0.01 lots, and this node sends at most ${MAX_VOLUME} lots in one call.`,
	);
}

/** A price: greater than 0, at most MAX_PRICE. */
export function priceOf(context: IExecuteFunctions, itemIndex: number, raw: unknown, field: string): number {
	return boundedNumber(context, itemIndex, raw, field, { above: 0, max: MAX_PRICE }, `a price greater than 0, at most ${MAX_PRICE}`);
}

/** A distance in points: a whole number greater than 0 (one point is the symbol's smallest price step). */
export function pointsOf(context: IExecuteFunctions, itemIndex: number, raw: unknown, field: string): number {
	return boundedNumber(
		context,
		itemIndex,
		raw,
		field,
		{ above: 0, max: MAX_POINTS, whole: true },
		`a whole number of points greater than 0, at most ${MAX_POINTS}`,
		'One point is the smallest price step of the symbol (0.00001 on EURUSD).',
	);
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
		throw refuse(context, itemIndex, field, `${parsed.toISOString()} is in the past; a Good Till Date order needs a future expiry`);
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
