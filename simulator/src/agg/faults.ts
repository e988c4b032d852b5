/** Faults on demand for the simulated agg.market, built on the shared switches of ../faults. */
import type { Clock } from '../clock';
import {
	OVERSIZED_FRAME_BYTES,
	refuseAuthFor,
	refusingAuth,
	type ConnectionFaultSwitches,
	type CursorFault,
	type PagingSwitch,
	type RestFaultQueue,
	type RestFaultRule,
	type StreamedAnswer,
} from '../faults';
import type { OrderBooks } from './books';
import type { AggSessions } from './sessions';
import type { AggWebSocket } from './websocket';

export type MalformedKind = 'invalid-json' | 'schema' | 'oversized';

export interface AggFaultDeps {
	websocket: AggWebSocket;
	sessions: AggSessions;
	books: OrderBooks;
	switches: ConnectionFaultSwitches;
	restFaults: RestFaultQueue;
	paging: PagingSwitch;
	/** The token refresh endpoint, for holdRefresh(). */
	refreshPath: string;
	clock: Clock;
}

export class AggFaults {
	constructor(private readonly deps: AggFaultDeps) {}

	/** Every access token stops working (REST 401 `Token expired`); authenticated sockets close 4001. Refresh tokens still work. */
	expireTokens(): { tokens: number; sockets: number } {
		const tokens = this.deps.sessions.revokeAllAccess();
		return { tokens, sockets: this.deps.websocket.closeAuthenticated('token expired') };
	}

	/** Terminates every socket without a closing handshake, as a network failure would. */
	dropConnections(): number {
		return this.deps.websocket.terminateAll();
	}

	/** Sockets stay open but the server sends nothing (no acks, events, heartbeats); what is produced meanwhile is lost. */
	silence(on = true): void {
		this.deps.switches.silenced = on;
	}

	/**
	 * Every user authentication is refused for `durationMs`, then accepted again by itself:
	 * `authenticate` (or a token in the URL) is answered `error "Authentication refused"` and the
	 * socket closed 4001; the refresh call and user REST calls answer 401. Tokens stay valid, and
	 * open sockets are left alone (drop them, or expire the tokens, to make clients authenticate
	 * again).
	 */
	refuseAuth(durationMs: number): void {
		refuseAuthFor(this.deps.switches, this.deps.clock, durationMs);
	}

	get refusingAuth(): boolean {
		return refusingAuth(this.deps.switches, this.deps.clock);
	}

	get silenced(): boolean {
		return this.deps.switches.silenced;
	}

	/** The next delta of this outcome jumps one sequence number (a gap for the client). */
	skipSeq(outcomeId: string): void {
		this.deps.books.armSkipSeq(outcomeId);
	}

	/** The next delta of this outcome carries a wrong checksum (the book itself stays right). */
	corruptChecksum(outcomeId: string): void {
		this.deps.books.armCorruptChecksum(outcomeId);
	}

	/** The next snapshot of this outcome sent on a socket carries a wrong checksum. */
	corruptSnapshotChecksum(outcomeId: string): void {
		this.deps.books.armCorruptSnapshot(outcomeId);
	}

	/**
	 * While on, every snapshot and delta carries a checksum that no level form a client could
	 * guess reproduces: a venue hashing a text nobody knows. Off again with `false` or reset().
	 */
	scrambleChecksums(on = true): void {
		this.deps.books.scrambled = on;
	}

	/** A bad frame to every open socket: broken JSON, an orderbook_delta with wrongly typed fields, or a ~2 MB frame. */
	sendMalformed(kind: MalformedKind): number {
		return this.deps.websocket.broadcastRaw(malformedFrame(kind));
	}

	/** `{"type":"error","message"}` to every open socket. */
	sendError(message: string): number {
		return this.deps.websocket.broadcastRaw(JSON.stringify({ type: 'error', message }));
	}

	/** Rejects (with agg's error envelope) or delays the next `times` matching REST calls. */
	failRest(rule: RestFaultRule): void {
		this.deps.restFaults.add(rule);
	}

	pendingRestFaults(): number {
		return this.deps.restFaults.pending();
	}

	/** The next `times` token refreshes get no answer at all (a hung auth service). */
	holdRefresh(times = 1): void {
		this.deps.restFaults.add({ method: 'POST', pathPrefix: this.deps.refreshPath, hold: true, times });
	}

	/** Until reset() (or `undefined`), every list's cursors repeat or never end: see CursorFault. */
	misbehaveCursors(fault: CursorFault | undefined): void {
		this.deps.paging.cursorFault = fault;
	}

	/** What became of each slowLoris and bodyBytes answer so far. */
	streamedAnswers(): readonly StreamedAnswer[] {
		return this.deps.restFaults.streamed;
	}

	/** Switches silence off, forgets pending REST faults and mends the cursors (expired tokens stay expired). */
	reset(): void {
		this.silence(false);
		this.scrambleChecksums(false);
		this.deps.switches.authRefusedUntil = 0;
		this.deps.restFaults.clear();
		this.deps.paging.cursorFault = undefined;
	}
}

function malformedFrame(kind: MalformedKind): string {
	switch (kind) {
		case 'invalid-json':
			return '{"type":"orderbook_delta","outcomeId":"vmo_fed_cut_july_yes","seq":';
		case 'schema':
			return JSON.stringify({ type: 'orderbook_delta', outcomeId: 42, seq: 'next', checksum: null, bidChanges: 'none', askChanges: {} });
		case 'oversized':
			return JSON.stringify({ type: 'heartbeat', ts: 0, padding: 'x'.repeat(OVERSIZED_FRAME_BYTES) });
	}
}
