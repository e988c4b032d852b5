/** Faults on demand for the simulated OpenMarkets, built on the shared switches of ../faults. */
import {
	OVERSIZED_FRAME_BYTES,
	type CursorFault,
	type PagingSwitch,
	type RestFaultQueue,
	type RestFaultRule,
	type StreamedAnswer,
} from '../faults';
import type { ApiKeys } from './keys';
import type { OpenMarketsSwitches, OpenMarketsWebSocket } from './websocket';
import { KEY_REVOKED_CLOSE } from './wsProtocol';

export type MalformedKind = 'invalid-json' | 'schema' | 'oversized';

export interface OpenMarketsFaultDeps {
	websocket: OpenMarketsWebSocket;
	keys: ApiKeys;
	switches: OpenMarketsSwitches;
	restFaults: RestFaultQueue;
	paging: PagingSwitch;
}

export class OpenMarketsFaults {
	constructor(private readonly deps: OpenMarketsFaultDeps) {}

	/** Terminates every socket without a closing handshake, as a network failure would. */
	dropConnections(): number {
		return this.deps.websocket.terminateAll();
	}

	/** Terminates one socket (ids as in `subscriptions()`); false when it is not open. */
	dropConnection(connectionId: number): boolean {
		return this.deps.websocket.terminate(connectionId);
	}

	/**
	 * Sockets stay open but the server sends nothing: no updates, acks or pongs, no protocol pings,
	 * no answers to the client's protocol pings. What is produced meanwhile is lost, as on a dead link.
	 */
	silence(): void {
		this.deps.switches.silenced = true;
	}

	/** Ends silence(); liveness starts afresh (no socket is dropped for the pings it was not sent). */
	resume(): void {
		this.deps.switches.silenced = false;
		this.deps.websocket.resetLiveness();
	}

	get silenced(): boolean {
		return this.deps.switches.silenced;
	}

	/** `{"action":"ping"}` goes unanswered while everything else flows (protocol pings are still answered). */
	skipPongs(on = true): void {
		this.deps.switches.skipPongs = on;
	}

	/**
	 * The key stops working: REST answers 401, upgrades are refused 401, and open sockets are
	 * closed 1008 `api key revoked`. Returns how many sockets were closed.
	 */
	revokeKey(): number {
		this.deps.keys.revoke();
		return this.deps.websocket.closeAll(KEY_REVOKED_CLOSE, 'api key revoked');
	}

	restoreKey(): void {
		this.deps.keys.restore();
	}

	/**
	 * The key is refused for `durationMs`, then accepted again by itself: upgrades answer HTTP 401,
	 * REST calls 401. Open sockets are left alone (drop them to make clients connect again).
	 */
	refuseAuth(durationMs: number): void {
		this.deps.keys.refuseFor(durationMs);
	}

	get refusingAuth(): boolean {
		return this.deps.keys.refusing;
	}

	/** A bad frame to every open socket: broken JSON, a liquidity.update with wrongly typed fields, or a ~2 MB frame. */
	sendMalformed(kind: MalformedKind = 'invalid-json'): number {
		return this.deps.websocket.broadcastRaw(malformedFrame(kind));
	}

	/** `{"type":"error","code","message"}` to every open socket. */
	sendError(code: string, message = `Injected error: ${code}`): number {
		return this.sendRaw({ type: 'error', code, message });
	}

	/** Any frame to every open socket (a message type added after a client was written, …). */
	sendRaw(frame: string | object): number {
		return this.deps.websocket.broadcastRaw(typeof frame === 'string' ? frame : JSON.stringify(frame));
	}

	/** Rejects (with the OpenMarkets error envelope) or delays the next `times` matching REST calls. */
	failRest(rule: RestFaultRule): void {
		this.deps.restFaults.add(rule);
	}

	pendingRestFaults(): number {
		return this.deps.restFaults.pending();
	}

	/** Until reset() (or `undefined`), every list's cursors repeat or never end: see CursorFault. */
	misbehaveCursors(fault: CursorFault | undefined): void {
		this.deps.paging.cursorFault = fault;
	}

	/** What became of each slowLoris and bodyBytes answer so far. */
	streamedAnswers(): readonly StreamedAnswer[] {
		return this.deps.restFaults.streamed;
	}

	/** Resumes, answers pongs again, restores the key, forgets pending REST faults and mends the cursors. */
	reset(): void {
		this.resume();
		this.skipPongs(false);
		this.restoreKey();
		this.deps.restFaults.clear();
		this.deps.paging.cursorFault = undefined;
	}
}

function malformedFrame(kind: MalformedKind): string {
	switch (kind) {
		case 'invalid-json':
			return '{"type":"liquidity.update","contest_id":';
		case 'schema':
			return JSON.stringify({ type: 'liquidity.update', contest_id: 42, changed_entries: 'none', refresh_required: 'no', timestamp: null });
		case 'oversized':
			return JSON.stringify({
				type: 'liquidity.update',
				contest_id: 'ct_oversized',
				changed_entries: [],
				refresh_required: false,
				timestamp: new Date(0).toISOString(),
				padding: 'x'.repeat(OVERSIZED_FRAME_BYTES),
			});
	}
}
