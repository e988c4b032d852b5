/** Resource "History": past orders, positions and deals of an account, one item each. */
import { NodeApiError, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';
import { accountPath } from '../transport';
import { historyReply, withId } from './records';
import {
	MAX_HISTORY_LIMIT,
	boundedNumber,
	isEmpty,
	optionalDate,
	readAccountId,
	refuse,
	sessionRequest,
	type HelioSessionContext,
	type OperationHandler,
} from './common';

export const historyOperations: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['history'] } },
	options: [
		{
			name: 'Deals',
			value: 'deals',
			action: 'Get the deal history',
			description: 'The executions (fills) of the account, one item each',
		},
		{
			name: 'Orders',
			value: 'orders',
			action: 'Get the order history',
			description: 'The orders of the account, one item each',
		},
		{
			name: 'Positions',
			value: 'positions',
			action: 'Get the position history',
			description: 'The closed positions of the account, one item each',
		},
	],
	default: 'orders',
};

const show = { show: { resource: ['history'] } };

export const historyFields: INodeProperties[] = [
	{
		displayName: 'From',
		name: 'from',
		type: 'dateTime',
		default: '',
		displayOptions: show,
		description: 'Only records from this time on. Empty: as far back as Helio keeps.',
	},
	{
		displayName: 'To',
		name: 'to',
		type: 'dateTime',
		default: '',
		displayOptions: show,
		description: 'Only records up to this time. Empty: up to now.',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		// n8n's convention for every Limit: 50, described in its words (the details go in the hint).
		default: 50,
		typeOptions: { minValue: 1, maxValue: MAX_HISTORY_LIMIT, numberPrecision: 0 },
		displayOptions: show,
		description: 'Max number of results to return',
		hint: `At most ${MAX_HISTORY_LIMIT}`,
	},
];

type Kind = 'orders' | 'positions' | 'deals';

/**
 * Where each history is served, in the order tried: a 404 moves on to the next path. Our reading
 * is `/orders/history`; another reading serves the order history at `/orders`. Not so for
 * positions: `/positions` lists the open ones, which is no history.
 */
const HISTORY_PATHS: Record<Kind, string[]> = {
	orders: ['/orders/history', '/orders'],
	positions: ['/positions/history'],
	deals: ['/deals/history'],
};

/** The id field a record of each kind may carry instead of `id`. */
const OTHER_ID: Record<Kind, string> = { orders: 'order_id', positions: 'position_id', deals: 'deal_id' };

const isNotFound = (error: unknown): boolean => error instanceof NodeApiError && error.httpCode === '404';

function historyHandler(kind: Kind): OperationHandler {
	return async function (this: IExecuteFunctions, itemIndex: number, session: HelioSessionContext): Promise<IDataObject[]> {
		const accountId = readAccountId(this, itemIndex);
		const rawFrom = this.getNodeParameter('from', itemIndex, '') as unknown;
		const rawTo = this.getNodeParameter('to', itemIndex, '') as unknown;
		const from = optionalDate(this, itemIndex, rawFrom, 'From');
		const to = optionalDate(this, itemIndex, rawTo, 'To');
		if (from && to && from.getTime() > to.getTime()) {
			throw refuse(this, itemIndex, 'From', `${from.toISOString()} is after To (${to.toISOString()})`);
		}
		const rawLimit = this.getNodeParameter('limit', itemIndex, 50) as unknown;
		const limit = isEmpty(rawLimit)
			? 100
			: boundedNumber(
					this,
					itemIndex,
					rawLimit,
					'Limit',
					{ min: 1, max: MAX_HISTORY_LIMIT, whole: true },
					`a whole number from 1 to ${MAX_HISTORY_LIMIT}`,
				);
		const qs: IDataObject = { limit };
		if (from) qs.from = from.toISOString();
		if (to) qs.to = to.toISOString();
		// A path that answered earlier in this execution is used at once.
		const remembered = session.historyPaths.get(kind);
		const paths = remembered ? [remembered] : HISTORY_PATHS[kind];
		for (let index = 0; ; index++) {
			const path = paths[index];
			const last = index === paths.length - 1;
			const request = sessionRequest(this, session, itemIndex, {
				method: 'GET',
				path: accountPath(accountId, path),
				action: `get the ${kind.replace(/s$/, '')} history of account ${accountId}`,
				qs,
				schema: historyReply(kind),
				describeError: (_error, status) =>
					status === 404 && paths.length > 1
						? { description: `Helio answered 404 at ${paths.join(' and ')}: check the Account ID and the Trader Host.` }
						: undefined,
			});
			// A 404 of a path with another after it moves on; any other failure is the item's.
			const response = last
				? await request
				: await request.catch((error: unknown) => (isNotFound(error) ? undefined : Promise.reject(error)));
			if (!response) {
				this.logger.debug(`Helio has no ${path} for the ${kind} history; trying ${paths[index + 1]}`);
				continue;
			}
			session.historyPaths.set(kind, path);
			const body = response.body;
			const records = (Array.isArray(body) ? body : body[kind]) as IDataObject[];
			return records.map((record) => withId(record, OTHER_ID[kind]));
		}
	};
}

export const historyHandlers: Record<string, OperationHandler> = {
	orders: historyHandler('orders'),
	positions: historyHandler('positions'),
	deals: historyHandler('deals'),
};
