/**
 * The lists the editor offers for OpenMarkets' ID fields, read from the list endpoints the nodes
 * already call: `GET /leagues` for League IDs, `GET /contests` for a Contest ID (searchable, page
 * by page) and for lists of contests. OpenMarkets lists no partners: they are read from the books
 * (`GET /contests/{id}/liquidity`) of the contests chosen, or of the first contests listed.
 */
import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult, INodePropertyOptions } from 'n8n-workflow';
import { readCursorPages } from '../shared/actions/cursorPages';
import { MAX_PICKER_PAGES, labelOf, optionsOf, searchResult, type PickEntry } from '../shared/actions/idPicker';
import type { Page } from '../shared/actions/paging';
import { pathSegment } from '../shared/pathSegment';
import { Redactor } from '../shared/redact';
import { readOpenMarketsCredentials } from './auth';
import { MAX_PAGE_SIZE, listPageSchema, openMarketsRequest, singleSchema, toPage } from './transport';

/** How many contests' books are read to find the partners. */
export const PARTNER_SAMPLE_CONTESTS = 5;
/** A searched contest list reads further pages until it has this many matches (or runs out of pages). */
const SEARCH_RESULTS_WANTED = 20;

/** The credential, read once per editor call however many pages it reads. */
interface Venue {
	baseUrl: string;
	redactor: Redactor;
}

async function venueOf(context: ILoadOptionsFunctions): Promise<Venue> {
	const credentials = await readOpenMarketsCredentials(context);
	return { baseUrl: credentials.baseUrl, redactor: new Redactor([credentials.apiKey]) };
}

async function readPage(context: ILoadOptionsFunctions, venue: Venue, path: string, what: string, cursor?: string): Promise<Page> {
	const response = await openMarketsRequest(context, {
		method: 'GET',
		path,
		action: `list the ${what}`,
		qs: { limit: MAX_PAGE_SIZE, ...(cursor ? { cursor } : {}) },
		schema: listPageSchema,
		...venue,
	});
	return toPage(response.body);
}

/** Pages of a list from `from` on, within the editor's bound, until `enough` (if given). */
async function readBounded(
	context: ILoadOptionsFunctions,
	path: string,
	what: string,
	more: { from?: string; enough?: (records: IDataObject[]) => boolean } = {},
): Promise<{ records: IDataObject[]; next: string | undefined }> {
	const venue = await venueOf(context);
	const { items, next } = await readCursorPages({
		request: async (cursor) => await readPage(context, venue, path, what, cursor),
		itemsOf: (page) => page.records,
		nextCursorOf: (page) => page.next,
		maxPages: MAX_PICKER_PAGES,
		maxItems: MAX_PICKER_PAGES * MAX_PAGE_SIZE,
		...more,
	});
	return { records: items, next };
}

const idOf = (record: IDataObject): string | undefined =>
	typeof record.id === 'string' || typeof record.id === 'number' ? String(record.id) : undefined;

function leagueEntry(league: IDataObject): PickEntry | undefined {
	const id = idOf(league);
	if (!id) return undefined;
	return { id, label: labelOf(league.name, id), description: typeof league.sport === 'string' ? league.sport : undefined };
}

function contestEntry(contest: IDataObject): PickEntry | undefined {
	const id = idOf(contest);
	if (!id) return undefined;
	// Dialects spell the start starts_at or start_time (docs/venues/openmarkets.md).
	const start = contest.starts_at ?? contest.start_time;
	const details = [contest.league_id, typeof start === 'string' ? `starts ${start}` : undefined, contest.status];
	return { id, label: labelOf(contest.title, id), description: details.filter((part) => typeof part === 'string').join(' · ') };
}

const present = <T>(entry: T | undefined): entry is T => entry !== undefined;

/** loadOptions: every league. */
export async function getLeagues(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	return optionsOf((await readBounded(this, '/leagues', 'leagues')).records.map(leagueEntry).filter(present));
}

/** loadOptions: the contests of the first MAX_PICKER_PAGES pages. */
export async function getContests(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	return optionsOf((await readBounded(this, '/contests', 'contests')).records.map(contestEntry).filter(present));
}

/**
 * listSearch: contests whose ID or title contains `filter`, page by page (`paginationToken` is
 * OpenMarkets' cursor). OpenMarkets has no text search, so a search reads on until it has a
 * screenful of matches or MAX_PICKER_PAGES pages.
 */
export async function searchContests(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const entriesOf = (records: IDataObject[]) => records.map(contestEntry).filter(present);
	const { records, next } = await readBounded(this, '/contests', 'contests', {
		from: paginationToken,
		// Without a filter every contest matches: one page at a time, as the editor scrolls.
		enough: (read) => !filter?.trim() || searchResult(entriesOf(read), filter).results.length >= SEARCH_RESULTS_WANTED,
	});
	return searchResult(entriesOf(records), filter, next);
}

/** The Contest IDs already chosen on the node (not an expression, which the editor does not resolve). */
function chosenContests(context: ILoadOptionsFunctions): string[] {
	const chosen = context.getCurrentNodeParameter('contestIds');
	const ids = Array.isArray(chosen) ? chosen : typeof chosen === 'string' && !chosen.startsWith('=') ? chosen.split(',') : [];
	return ids.map((id) => String(id).trim()).filter(Boolean);
}

/**
 * loadOptions: the partners quoting on the chosen contests' books (or on the first contests
 * listed, when none is chosen), at most PARTNER_SAMPLE_CONTESTS books.
 */
export async function getPartners(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const venue = await venueOf(this);
	let contestIds = chosenContests(this);
	if (contestIds.length === 0) contestIds = (await readPage(this, venue, '/contests', 'contests')).records.map(idOf).filter(present);
	const partners = new Map<string, PickEntry>();
	for (const contestId of contestIds.slice(0, PARTNER_SAMPLE_CONTESTS)) {
		const response = await openMarketsRequest(this, {
			method: 'GET',
			path: `/contests/${pathSegment('Contest IDs', contestId)}/liquidity`,
			action: `read the book of contest ${contestId}`,
			schema: singleSchema,
			...venue,
		});
		const positions = Array.isArray(response.body.data.positions) ? (response.body.data.positions as IDataObject[]) : [];
		for (const position of positions) {
			const quotes = Array.isArray(position.partner_liquidities) ? (position.partner_liquidities as IDataObject[]) : [];
			for (const quote of quotes) {
				const id = typeof quote.partner_id === 'string' ? quote.partner_id : undefined;
				if (id && !partners.has(id)) partners.set(id, { id, label: labelOf(quote.partner_name, id) });
			}
		}
	}
	return optionsOf([...partners.values()]);
}
