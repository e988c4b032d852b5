/**
 * Why a connection failed, in the terms the engine acts on: a permanent failure (the venue
 * refused our credentials or our subscription) stops retrying and is surfaced once; anything
 * else is transient and ends in a reconnect.
 */
export type FailureKind =
	/** The venue refused the credentials (auth message rejected, 401/403 at connect). */
	| 'auth'
	/** The venue refused what we asked for (a channel we may not subscribe, a bad request). */
	| 'rejected'
	/** Nothing answered: DNS, refused connection, TLS, a non-upgrade HTTP status. */
	| 'unreachable'
	/** The connect or handshake step did not finish in time. */
	| 'timeout'
	/** The connection ended (closed by the venue, a network drop, a silent socket we terminated). */
	| 'closed';

export class StreamFailure extends Error {
	constructor(
		readonly kind: FailureKind,
		message: string,
		readonly details: {
			httpStatus?: number;
			venueCode?: string;
			closeCode?: number;
			/** Why the venue turned us away, in its own terms (a connection limit per key), when a venue knows. */
			explanation?: string;
		} = {},
	) {
		super(message);
		this.name = 'StreamFailure';
	}

	get permanent(): boolean {
		return this.kind === 'auth' || this.kind === 'rejected';
	}
}

export function describeError(error: unknown): string {
	if (error instanceof Error) {
		const code = (error as NodeJS.ErrnoException).code;
		return code && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
	}
	return String(error);
}
