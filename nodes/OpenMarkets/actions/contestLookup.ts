/**
 * Contest → Get. OpenMarkets documents the contest list but not `GET /contests/{id}`
 * (docs/venues/openmarkets.md#undocumented-details-and-what-the-nodes-accept): the node asks for
 * the one contest first and, when that answers 404, looks for it in the documented list.
 */
import { NodeApiError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { pathSegment } from '../../shared/pathSegment';
import { listPageSchema, MAX_PAGE_SIZE, singleSchema, toPage } from '../transport';
import { sessionRequest, type OpenMarketsSession } from './common';

/** How many pages of 100 the fallback reads before it gives up (10,000 contests). */
export const MAX_LOOKUP_PAGES = 100;

export async function getContest(
	context: IExecuteFunctions,
	session: OpenMarketsSession,
	itemIndex: number,
	contestId: string,
): Promise<IDataObject> {
	const direct = await unlessNotFound(
		sessionRequest(context, session, itemIndex, {
			method: 'GET',
			path: `/contests/${pathSegment('Contest ID', contestId)}`,
			action: `get contest ${contestId}`,
			schema: singleSchema,
		}),
	);
	if (direct) return direct.body.data as IDataObject;
	return await findInList(context, session, itemIndex, contestId);
}

/** The contest from the pages of `GET /contests`, or a not-found error naming it. */
async function findInList(
	context: IExecuteFunctions,
	session: OpenMarketsSession,
	itemIndex: number,
	contestId: string,
): Promise<IDataObject> {
	let cursor: string | undefined;
	let pages = 0;
	do {
		const response = await unlessNotFound(
			sessionRequest(context, session, itemIndex, {
				method: 'GET',
				path: '/contests',
				qs: { limit: MAX_PAGE_SIZE, ...(cursor ? { cursor } : {}) },
				action: `look for contest ${contestId} in the contest list`,
				schema: listPageSchema,
			}),
		);
		if (!response) {
			throw notFound(
				context,
				itemIndex,
				contestId,
				'GET /contests answered 404 too.',
				'A 404 on every call usually means a REST Base URL without /flow/v1.',
			);
		}
		const page = toPage(response.body);
		const found = page.records.find((record) => record.id === contestId || record.contest_id === contestId);
		if (found) return found;
		cursor = page.next === cursor ? undefined : page.next;
		pages++;
	} while (cursor && pages < MAX_LOOKUP_PAGES);
	const scope = cursor ? `the first ${pages * MAX_PAGE_SIZE} contests it lists do not include it` : 'its contest list does not include it';
	throw notFound(
		context,
		itemIndex,
		contestId,
		`GET /contests/{id} answered 404 and ${scope}.`,
		'Contest → Get Many lists the contests with their IDs.',
	);
}

/** The call's answer, or undefined when OpenMarkets answered 404; any other failure stands. */
async function unlessNotFound<T>(call: Promise<T>): Promise<T | undefined> {
	return await call.catch((error: unknown) =>
		error instanceof NodeApiError && error.httpCode === '404' ? undefined : Promise.reject(error),
	);
}

function notFound(context: IExecuteFunctions, itemIndex: number, contestId: string, why: string, hint: string): NodeApiError {
	const info = { venue: 'OpenMarkets', code: 'not_found', contestId };
	const error = new NodeApiError(context.getNode(), info, { itemIndex });
	// Set after construction: NodeApiError rewrites messages it takes for generic HTTP ones.
	error.message = `OpenMarkets has no contest ${contestId}`;
	error.description = `${why} ${hint}`;
	error.httpCode = '404';
	Object.assign(error.context, info);
	return error;
}
