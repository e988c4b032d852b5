/**
 * The lists the editor offers for agg.market's ID fields. agg.market has no market catalogue
 * the nodes call; what it lists is the account's own positions and orders
 * (`GET /execution/positions`, `GET /execution/orders`), so the pickers offer the markets and
 * outcomes found there. Any other ID is given By ID (or by an expression in a list field).
 */
import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult, INodePropertyOptions } from 'n8n-workflow';
import { readCursorPages } from '../shared/actions/cursorPages';
import { MAX_PICKER_PAGES, labelOf, optionsOf, searchResult, type PickEntry } from '../shared/actions/idPicker';
import { Redactor } from '../shared/redact';
import { MAX_PAGE_SIZE } from './actions/common';
import { readAggMarketCredentials } from './auth';
import { aggRequest, listPageSchema } from './transport';

/** Up to MAX_PICKER_PAGES pages of `{data, nextCursor, hasMore}`. */
async function readBounded(context: ILoadOptionsFunctions, path: string, what: string): Promise<IDataObject[]> {
	const credentials = await readAggMarketCredentials(context);
	const redactor = new Redactor([credentials.accessToken, credentials.refreshToken, credentials.sessionToken]);
	const { items } = await readCursorPages({
		request: async (cursor) => {
			const response = await aggRequest(context, {
				method: 'GET',
				path,
				action: `list the ${what}`,
				qs: { limit: MAX_PAGE_SIZE, ...(cursor ? { cursor } : {}) },
				schema: listPageSchema,
				baseUrl: credentials.baseUrl,
				redactor,
			});
			return response.body;
		},
		itemsOf: (page) => page.data as IDataObject[],
		nextCursorOf: (page) => (page.hasMore === false ? undefined : (page.nextCursor ?? undefined)),
		maxPages: MAX_PICKER_PAGES,
		maxItems: MAX_PICKER_PAGES * MAX_PAGE_SIZE,
	});
	return items;
}

const text = (value: unknown): string | undefined =>
	typeof value === 'string' && value.trim() !== '' ? value.trim() : typeof value === 'number' ? String(value) : undefined;

interface Known {
	id: string;
	marketId?: string;
	title?: string;
	outcome?: string;
	venues: Set<string>;
}

/** The outcomes of the account's positions and orders, merged by outcome ID (positions carry the titles). */
async function knownOutcomes(context: ILoadOptionsFunctions): Promise<Known[]> {
	const positions = await readBounded(context, '/execution/positions', 'positions');
	const orders = await readBounded(context, '/execution/orders', 'orders');
	const byId = new Map<string, Known>();
	for (const record of [...positions, ...orders]) {
		const id = text(record.outcomeId);
		if (!id) continue;
		const known = byId.get(id) ?? { id, venues: new Set<string>() };
		known.marketId ??= text(record.marketId);
		known.title ??= text(record.title);
		known.outcome ??= text(record.outcome);
		const venue = text(record.venue);
		if (venue) known.venues.add(venue);
		byId.set(id, known);
	}
	return [...byId.values()];
}

function outcomeEntry(known: Known): PickEntry {
	const name = known.title ? `${known.title}${known.outcome ? `: ${known.outcome}` : ''}` : undefined;
	const details = [known.marketId ? `market ${known.marketId}` : undefined, [...known.venues].sort().join(', ') || undefined];
	return { id: known.id, label: labelOf(name, known.id), description: details.filter(Boolean).join(' · ') || undefined };
}

function marketEntries(outcomes: Known[]): PickEntry[] {
	const markets = new Map<string, PickEntry>();
	for (const known of outcomes) {
		if (!known.marketId || markets.has(known.marketId)) continue;
		markets.set(known.marketId, { id: known.marketId, label: labelOf(known.title, known.marketId) });
	}
	return [...markets.values()];
}

/** The Market ID already chosen on the node, to narrow the Token ID list to its outcomes. */
function chosenMarket(context: ILoadOptionsFunctions): string | undefined {
	try {
		const market = text(context.getCurrentNodeParameter('marketId', { extractValue: true }));
		// An expression is not resolved in the editor's list: offer every outcome.
		return market?.startsWith('=') ? undefined : market;
	} catch {
		return undefined;
	}
}

/** listSearch: the markets of the account's positions and orders whose ID or title contains `filter`. */
export async function searchMarkets(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	return searchResult(marketEntries(await knownOutcomes(this)), filter);
}

/** listSearch: the outcomes of the account's positions and orders (of the chosen market, if any) matching `filter`. */
export async function searchOutcomes(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const market = chosenMarket(this);
	const outcomes = (await knownOutcomes(this)).filter((known) => !market || !known.marketId || known.marketId === market);
	return searchResult(outcomes.map(outcomeEntry), filter);
}

/** loadOptions: every outcome of the account's positions and orders. */
export async function getOutcomes(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	return optionsOf((await knownOutcomes(this)).map(outcomeEntry));
}
