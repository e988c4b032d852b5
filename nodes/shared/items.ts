import type { IDataObject } from 'n8n-workflow';

import type { Gap } from './engine/gap';

/** The envelope of every item a trigger of this package emits (see docs/architecture.md). */
export interface StreamItem extends IDataObject {
	venue: string;
	source: string;
	event: string;
	data: IDataObject;
	receivedAt: string;
	connection: { id: number; sequence: number };
	gap: Gap | null;
}

/** A StreamItem plus what delivery needs to know about it; only `item` reaches the workflow. */
export interface Delivered {
	item: StreamItem;
	key?: string;
	deduplicationKey?: string;
	/** Without `deduplicationKey`: the key is `<venue>:<event>:<key>` (VenueEvent.deduplicatedByKey). */
	deduplicatedByKey?: boolean;
	/**
	 * About how many bytes the item's payload took on the wire (its frame's size, shared among the
	 * events of one frame), for delivery's byte cap: known for free, where measuring the item
	 * would mean stringifying it. Absent when unknown (an injected snapshot, a merged item).
	 */
	bytes?: number;
}

/** Whether n8n is to be given a deduplication key for this event, without making the key. */
export function hasDeduplicationKey({ deduplicationKey, deduplicatedByKey, key }: Delivered): boolean {
	return deduplicationKey !== undefined || (deduplicatedByKey === true && key !== undefined);
}

/** The event's deduplication key for n8n, made here when the venue said it is built from the event's key. */
export function deduplicationKeyOf({ deduplicationKey, deduplicatedByKey, item, key }: Delivered): string | undefined {
	if (deduplicationKey !== undefined || !deduplicatedByKey || key === undefined) return deduplicationKey;
	return `${item.venue}:${item.event}:${key}`;
}
