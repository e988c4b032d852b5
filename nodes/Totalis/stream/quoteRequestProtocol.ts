import type { Decoded, Frame, HandshakeSession, VenueProtocol } from '../../shared/engine/protocol';
import { validateQuoteRequest } from './schemas';

export const NEW_REQUEST = 'quote_request';
export const UPDATED_REQUEST = 'quote_request:updated';

/**
 * The market maker's quote-request stream (SSE, docs/venues/totalis.md#quote-request-stream-sse): `connected`, then a snapshot of
 * every active request between `snapshot_begin` and `snapshot_complete`, then live new and
 * updated requests and removals. Items from the snapshot say `snapshot: true`; after a
 * reconnect the snapshot runs again, which is how state is reconciled (Totalis does not
 * redeliver missed events). Event names we don't know (the removal's name is not documented)
 * pass through unchanged.
 */
export class TotalisQuoteRequestProtocol implements VenueProtocol {
	readonly venue = 'totalis';
	readonly source = 'quoteRequestStream';
	readonly heartbeat = { kind: 'none' as const };
	private inSnapshot = false;

	constructor(private readonly includeSnapshot: boolean) {}

	async handshake(session: HandshakeSession): Promise<Record<string, unknown>> {
		this.inSnapshot = false;
		await session.next((frame) => (frame.eventName === 'connected' ? true : undefined));
		return {};
	}

	decode(frame: Frame): Decoded {
		const name = frame.eventName ?? 'message';
		switch (name) {
			case 'connected':
				return { kind: 'control' };
			case 'snapshot_begin':
				this.inSnapshot = true;
				return { kind: 'control' };
			case 'snapshot_complete':
				this.inSnapshot = false;
				return { kind: 'control' };
			case NEW_REQUEST:
			case UPDATED_REQUEST: {
				if (this.inSnapshot && !this.includeSnapshot) return { kind: 'control' };
				const problem = validateQuoteRequest(frame.value);
				if (problem) return { kind: 'invalid', reason: `${name}: ${problem}` };
				const request = frame.value as { id: string; version: number } & Record<string, unknown>;
				return {
					kind: 'event',
					event: name,
					data: request,
					key: request.id,
					// No deduplication key: after a reconnect the snapshot re-offers live requests on
					// purpose (an earlier quote may have expired), and the workflow decides.
					annotations: { snapshot: this.inSnapshot },
				};
			}
			default: {
				const value = frame.value;
				const data = value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : { value };
				const id = typeof data.id === 'string' ? data.id : undefined;
				return { kind: 'event', event: name, data, key: id, annotations: { snapshot: false } };
			}
		}
	}
}
