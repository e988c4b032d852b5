/**
 * ID fields the user picks rather than pastes: a single ID as n8n's resource locator (From List
 * with search, By ID), a list of IDs as multi-options loaded from the venue. Both read values
 * saved before these fields existed: a resource locator saved as a plain string is handed to
 * the node unchanged by n8n-core (`extractValue` returns a non-object as it is), and a list saved
 * as comma-separated text stays text, so the readers accept text, arrays and locator objects.
 * The lists come from the venue's cursor pages, read within a bound (cursorPages.ts).
 */
import type {
	IDisplayOptions,
	IExecuteFunctions,
	INodeListSearchItems,
	INodeListSearchResult,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';
import { nonEmptyText } from './inputs';

export interface IdLocatorOptions {
	displayName: string;
	name: string;
	description: string;
	/** The node's `methods.listSearch` entry that lists the IDs. */
	searchListMethod: string;
	/** What the list shows before the user picks, e.g. "Select an account…". */
	listPlaceholder: string;
	/** An example ID for By ID. */
	idPlaceholder: string;
	displayOptions?: IDisplayOptions;
}

/** A required single-ID field: From List (searchable) or By ID; both accept an expression. */
export function idLocatorField(options: IdLocatorOptions): INodeProperties {
	return {
		displayName: options.displayName,
		name: options.name,
		type: 'resourceLocator',
		required: true,
		default: { mode: 'list', value: '' },
		...(options.displayOptions ? { displayOptions: options.displayOptions } : {}),
		description: options.description,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: options.listPlaceholder,
				typeOptions: { searchListMethod: options.searchListMethod, searchable: true },
			},
			{ displayName: 'By ID', name: 'id', type: 'string', placeholder: options.idPlaceholder },
		],
	};
}

export interface IdListOptions {
	displayName: string;
	name: string;
	/** What the IDs are for, as the field's description starts. */
	description: string;
	/** The node's `methods.loadOptions` entry that lists the IDs. */
	loadOptionsMethod: string;
	required?: boolean;
	displayOptions?: IDisplayOptions;
	/** Fields whose value changes the list (it is loaded again when they change). */
	dependsOn?: string[];
}

/** A list of IDs chosen from the venue's list; an expression may give an array or IDs separated by commas. */
export function idListField(options: IdListOptions): INodeProperties {
	return {
		displayName: options.displayName,
		name: options.name,
		type: 'multiOptions',
		typeOptions: {
			loadOptionsMethod: options.loadOptionsMethod,
			...(options.dependsOn ? { loadOptionsDependsOn: options.dependsOn } : {}),
		},
		default: [],
		...(options.required ? { required: true } : {}),
		...(options.displayOptions ? { displayOptions: options.displayOptions } : {}),
		description: `${options.description}. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a> (a list, or IDs separated by commas).`,
	};
}

/**
 * The ID in a resource-locator field (any mode) or in a plain string saved before the field
 * became one; numbers are accepted as their text. Refused, naming the field, when empty.
 */
export function readPickedId(
	context: IExecuteFunctions,
	itemIndex: number,
	parameter: string,
	field: string,
	expected: string,
	hint?: string,
): string {
	const raw = context.getNodeParameter(parameter, itemIndex, '', { extractValue: true }) as unknown;
	return nonEmptyText(context, itemIndex, raw, field, expected, hint);
}

/** One entry of a list the venue gave: its ID and what the user reads. */
export interface PickEntry {
	id: string;
	label: string;
	description?: string;
}

/** Whether `entry` matches what the user typed into the list's search box (ID or label, any case). */
function matches(entry: PickEntry, filter: string | undefined): boolean {
	const wanted = filter?.trim().toLowerCase();
	if (!wanted) return true;
	return entry.id.toLowerCase().includes(wanted) || entry.label.toLowerCase().includes(wanted);
}

/** A list search's answer: the entries matching `filter`, and the token of the venue's next page. */
export function searchResult(entries: PickEntry[], filter: string | undefined, paginationToken?: string): INodeListSearchResult {
	const results: INodeListSearchItems[] = entries
		.filter((entry) => matches(entry, filter))
		.map((entry) => ({ name: entry.label, value: entry.id, ...(entry.description ? { description: entry.description } : {}) }));
	return paginationToken ? { results, paginationToken } : { results };
}

/** Multi-options entries for a loadOptions method, sorted by what the user reads. */
export function optionsOf(entries: PickEntry[]): INodePropertyOptions[] {
	return entries
		.map((entry) => ({ name: entry.label, value: entry.id, ...(entry.description ? { description: entry.description } : {}) }))
		.sort((a, b) => a.name.localeCompare(b.name));
}

/** A label that shows both the name and the ID, so the pick can be checked against other tools. */
export function labelOf(name: unknown, id: string): string {
	return typeof name === 'string' && name.trim() !== '' && name.trim() !== id ? `${name.trim()} (${id})` : id;
}

/** The most pages one list reads for the editor: a dropdown is not a report. */
export const MAX_PICKER_PAGES = 10;
