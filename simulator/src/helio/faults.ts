/** Faults on demand for the simulated Helio, built on the shared switches of ../faults. */
import type { Clock } from '../clock';
import {
	OVERSIZED_FRAME_BYTES,
	refuseAuthFor,
	refusingAuth,
	type ConnectionFaultSwitches,
	type RestFaultQueue,
	type RestFaultRule,
	type StreamedAnswer,
} from '../faults';
import type { SessionStore } from './sessions';
import type { HelioChannel } from './simEvents';
import type { HelioWebSocket } from './websocket';

export type MalformedKind = 'invalid-json' | 'schema' | 'oversized';

export interface HelioFaultDeps {
	websocket: HelioWebSocket;
	sessions: SessionStore;
	switches: ConnectionFaultSwitches;
	restFaults: RestFaultQueue;
	clock: Clock;
}

export class HelioFaults {
	constructor(private readonly deps: HelioFaultDeps) {}

	/**
	 * Every token issued so far stops working at once (REST answers 401 `token expired`), and the
	 * sockets opened with them are closed 1008 `token expired`. New logins work.
	 */
	expireTokens(): { tokens: number; sockets: number } {
		const tokens = this.deps.sessions.revokeAll();
		return { tokens, sockets: this.deps.websocket.closeAuthenticated('token expired') };
	}

	/** Terminates every socket without a closing handshake, as a network failure would. */
	dropConnections(): number {
		return this.deps.websocket.terminateAll();
	}

	/**
	 * Sockets stay open but the server sends nothing: no events, no acks, no pings, no pongs to
	 * client pings. Events produced meanwhile are lost, as on a dead link.
	 */
	silence(on = true): void {
		this.deps.switches.silenced = on;
		if (!on) this.deps.websocket.resetLiveness();
	}

	/**
	 * Subscriptions on these channels (`events`, `depth`, `metrics`) are made, but nothing
	 * acknowledges them: no `subscribed`, no first event in dialect snake. Later events flow. `[]` ends it.
	 */
	withholdAcknowledgements(channels: readonly HelioChannel[]): void {
		this.deps.websocket.withholdAcknowledgements(channels);
	}

	/** Every login answers 401 invalid_credentials. */
	rejectLogin(on = true): void {
		this.deps.switches.authRejected = on;
	}

	/**
	 * Every login answers 401 invalid_credentials for `durationMs`, then logins work again by
	 * themselves. Tokens already issued and open sockets are left alone (drop the sockets, or
	 * expire the tokens, to make clients log in again).
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

	get loginRejected(): boolean {
		return this.deps.switches.authRejected;
	}

	/** `error {code, message}` to every authenticated socket; returns how many got it. */
	sendError(code: string, message: string): number {
		return this.deps.websocket.broadcastRaw(JSON.stringify({ type: 'error', payload: { code, message } }));
	}

	/** A bad frame to every authenticated socket: broken JSON, a quoteEvent with wrongly typed fields, or a ~2 MB frame. */
	sendMalformed(kind: MalformedKind): number {
		return this.deps.websocket.broadcastRaw(malformedFrame(kind));
	}

	/** An event type no client knows yet, to every authenticated socket. */
	sendUnknownEvent(type = 'futureEvent', payload: unknown = { note: 'an event type added after this client was written' }): number {
		return this.deps.websocket.broadcastRaw(JSON.stringify({ type, payload }));
	}

	/** Rejects (with Helio's error envelope) or delays the next `times` matching REST calls. */
	failRest(rule: RestFaultRule): void {
		this.deps.restFaults.add(rule);
	}

	pendingRestFaults(): number {
		return this.deps.restFaults.pending();
	}

	/** The next `times` logins get no answer at all (a hung trader host). */
	holdLogin(times = 1): void {
		this.deps.restFaults.add({ method: 'POST', pathPrefix: '/api/v1/login', hold: true, times });
	}

	/** What became of each slowLoris and bodyBytes answer so far. */
	streamedAnswers(): readonly StreamedAnswer[] {
		return this.deps.restFaults.streamed;
	}

	/** Switches every fault off and forgets pending REST faults (expired tokens stay expired). */
	reset(): void {
		this.silence(false);
		this.rejectLogin(false);
		this.withholdAcknowledgements([]);
		this.deps.switches.authRefusedUntil = 0;
		this.deps.restFaults.clear();
	}
}

function malformedFrame(kind: MalformedKind): string {
	switch (kind) {
		case 'invalid-json':
			return '{"type":"quoteEvent","payload":{"symbol":"EURUSD","bid":1.08';
		case 'schema':
			return JSON.stringify({ type: 'quoteEvent', payload: { symbol: 42, bid: 'one', ask: null, ts: false } });
		case 'oversized':
			return JSON.stringify({
				type: 'quoteEvent',
				payload: { symbol: 'EURUSD', bid: 1.0843, ask: 1.0844, ts: new Date(0).toISOString(), padding: 'x'.repeat(OVERSIZED_FRAME_BYTES) },
			});
	}
}
