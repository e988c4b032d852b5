import { StreamFailure } from '../../shared/engine/errors';
import { SseTransport } from '../../shared/engine/sseTransport';
import type { Connection, ConnectionHandlers, OpenOptions } from '../../shared/engine/transport';

/** What a 403 at the quote-request stream means, whatever words Totalis uses. */
export const MISSING_SCOPE_HINT =
	'the quote-request stream needs an API key with the mm:quote scope (market-maker keys); the key was accepted, so it likely lacks that scope';

/**
 * The quote-request stream (SSE). Totalis answers 403 to a key without the `mm:quote` scope
 * [doc]; the credential test reads a quote request, which any key may do, so a key without the
 * scope passes it and fails here: the refusal says so itself rather than rely on the venue's wording.
 */
export class QuoteRequestTransport extends SseTransport {
	override open(handlers: ConnectionHandlers, options: OpenOptions): Promise<Connection> {
		return super.open(handlers, options).catch((error: unknown) => Promise.reject(withScopeHint(error)));
	}
}

/** A 403 at connect, with what it means for this stream; any other failure as it was. */
function withScopeHint(error: unknown): unknown {
	if (!(error instanceof StreamFailure) || error.details.httpStatus !== 403) return error;
	return new StreamFailure(error.kind, `${error.message}; ${MISSING_SCOPE_HINT}`, error.details);
}
