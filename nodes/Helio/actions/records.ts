/**
 * Helio's REST answers as the node reads them. Helio documents neither the answers' shape nor
 * the records' id field, so each is read in every reasonable form
 * (docs/venues/helio.md#undocumented-details-and-what-the-nodes-accept): an order as `{order}` or flat, a list
 * as `{positions}` or a bare array, an id as `id` or `order_id` / `position_id` / `deal_id`.
 * Records pass through unchanged, except that a record without `id` gets one copied from its
 * other id field, so workflows read `id` whichever way Helio spells it.
 */
import type { IDataObject } from 'n8n-workflow';
import { z } from 'zod';

const id = z.union([z.string().min(1), z.number()]);

/** A record that names its id as `id` or `<kind>_id`; other fields kept. */
function recordWithId(otherName: string) {
	return z
		.object({ id: id.optional(), [otherName]: id.optional() })
		.passthrough()
		.refine((record) => record.id !== undefined || record[otherName] !== undefined, {
			message: `an id (id or ${otherName}) is required`,
			path: ['id'],
		});
}

const order = recordWithId('order_id');
const position = recordWithId('position_id');

/** `{order: {...}}` or the order itself. */
export const orderReply = z.union([z.object({ order }).passthrough(), order]);
/** `{position: {...}}` or the position itself. */
export const positionReply = z.union([z.object({ position }).passthrough(), position]);
/** `{positions: [...]}` or a bare array. */
export const positionsReply = z.union([z.object({ positions: z.array(position) }).passthrough(), z.array(position)]);

const isRecord = (value: unknown): value is IDataObject => value !== null && typeof value === 'object' && !Array.isArray(value);

/** The record with `id` first when Helio named it only `otherName`. */
export function withId(record: IDataObject, otherName: string): IDataObject {
	if (record.id !== undefined || record[otherName] === undefined) return record;
	return { id: record[otherName], ...record };
}

/** The order of an order call's answer (`{order}` or flat), with its `id`. */
export function orderOf(body: unknown): IDataObject {
	const reply = body as IDataObject;
	return withId(isRecord(reply.order) ? reply.order : reply, 'order_id');
}

/** The position of an amendment's answer (`{position}` or flat), with its `id`. */
export function positionOf(body: unknown): IDataObject {
	const reply = body as IDataObject;
	return withId(isRecord(reply.position) ? reply.position : reply, 'position_id');
}

/** The positions of a list (`{positions}` or an array), each with its `id`. */
export function positionsOf(body: unknown): IDataObject[] {
	const list = Array.isArray(body) ? body : ((body as IDataObject).positions as IDataObject[]);
	return (list as IDataObject[]).map((record) => withId(record, 'position_id'));
}

/** The records of a history answer: `{<kind>: [...]}` or a bare array. */
export function historyReply(kind: string) {
	const records = z.array(z.record(z.unknown()));
	return z.union([z.object({ [kind]: records }).passthrough(), records]);
}
