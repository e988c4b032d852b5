/** What the venue transports (Totalis, Helio) share on top of `requestJson`. */
import type { ErrorWording, RequestJsonOptions } from './types';

/** The options each call states; a venue's transport adds its own (credential, error envelope, wording). */
export type VenueCallOptions<T = unknown> = Pick<
	RequestJsonOptions<T>,
	| 'baseUrl'
	| 'method'
	| 'path'
	| 'action'
	| 'body'
	| 'qs'
	| 'redactor'
	| 'retry'
	| 'schema'
	| 'accepts'
	| 'describeError'
	| 'itemIndex'
	| 'signal'
	| 'timeoutMs'
	| 'sendVia'
>;

/** An operation's own wording over the venue's common wording, field by field. */
export function layeredWording(specific: ErrorWording | undefined, common: ErrorWording | undefined): ErrorWording | undefined {
	if (!specific) return common;
	return { message: specific.message ?? common?.message, description: specific.description ?? common?.description };
}
