/**
 * Subtitles the node panel shows under a node's name, as n8n expressions. They name what the user
 * chose in the editor's words ("Confirm an accepted quote", "Quote, Execution"), never the
 * parameters' internal values ("confirm: quote").
 */
import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

const optionsOf = (property: INodeProperties) => (property.options ?? []) as INodePropertyOptions[];

/** An action node's subtitle: the chosen operation's action ("Get many contests"). */
export function operationSubtitle(properties: INodeProperties[]): string {
	const actions: Record<string, string> = {};
	for (const property of properties.filter((candidate) => candidate.name === 'operation')) {
		for (const resource of (property.displayOptions?.show?.resource ?? []) as string[]) {
			for (const option of optionsOf(property)) actions[`${resource}:${String(option.value)}`] = option.action ?? option.name;
		}
	}
	return `={{ ${JSON.stringify(actions)}[$parameter["resource"] + ":" + $parameter["operation"]] }}`;
}

/**
 * An expression fragment (to use inside `={{ … }}`): the names of the options chosen in the
 * parameter `property`, joined with commas; a value it has no name for (an expression's result)
 * shows as it is.
 */
export function chosenNames(property: INodeProperties): string {
	const names = Object.fromEntries(optionsOf(property).map((option) => [String(option.value), option.name]));
	return `[].concat($parameter["${property.name}"] ?? []).map((value) => (${JSON.stringify(names)})[value] ?? value).join(", ")`;
}

/** The property `name` of a node's properties (the first, when several show under different conditions). */
export function propertyNamed(properties: INodeProperties[], name: string): INodeProperties {
	const property = properties.find((candidate) => candidate.name === name);
	if (!property) throw new Error(`no property ${name}`);
	return property;
}
