/**
 * The one check every ID passes before it becomes a segment of a REST path, for every venue, in
 * the action nodes and in the triggers.
 *
 * `encodeURIComponent` leaves `.` and `..` as they are, and URL normalisation then removes them
 * with the segment before: Helio's Order → Cancel with the order ID `..` sent
 * `DELETE /api/v1/accounts/{id}/`. IDs are mostly mapped from venue data, so the venue could steer
 * a request that way. An empty ID leaves an empty segment (`/contests//state`), which servers often
 * collapse; a very long one is no venue's ID; control characters have no business in a URL.
 */
import { describeValue } from './actions/values';

/** Longer than any venue's IDs (UUIDs, hashes, `ct_…`), short enough to stay far below URL limits. */
export const MAX_PATH_SEGMENT_LENGTH = 256;

/** C0 controls, DEL and C1 controls: finding them is the point. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

const EXPECTED = `an ID of 1 to ${MAX_PATH_SEGMENT_LENGTH} characters, without control characters, other than "." and ".."`;

/** An ID refused as a path segment. Its message names the field; the action loop turns it into a NodeOperationError. */
export class PathSegmentError extends Error {
	constructor(
		readonly field: string,
		readonly got: string,
	) {
		super(`${field}: expected ${EXPECTED}, got ${got}`);
		this.name = 'PathSegmentError';
	}
}

/** Why `value` cannot be a path segment, as the error quotes it; undefined when it can. */
export function pathSegmentProblem(value: unknown): string | undefined {
	if (typeof value !== 'string' || value.trim() === '') return describeValue(value);
	if (value === '.' || value === '..') return `"${value}", which would move the request to another path`;
	if (value.length > MAX_PATH_SEGMENT_LENGTH) return `${value.length} characters`;
	// JSON.stringify shows the control character escaped, rather than printing it into the message.
	if (CONTROL.test(value)) return `${JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)} (a control character)`;
	return undefined;
}

/** `value` as one encoded path segment; throws a PathSegmentError naming `field` before any request is made. */
export function pathSegment(field: string, value: string): string {
	const problem = pathSegmentProblem(value);
	if (problem !== undefined) throw new PathSegmentError(field, problem);
	return encodeURIComponent(value);
}
