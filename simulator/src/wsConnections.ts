/**
 * WebSocket pieces every venue shares: the server settings, reading client frames, sends that a
 * silence() fault swallows, protocol pings answered by hand, and the set of open sockets.
 */
import WebSocket, { WebSocketServer } from 'ws';
import type { ConnectionFaultSwitches } from './faults';

export const POLICY_VIOLATION = 1008;

/** Upgrades are routed by the SimulatorServer; pings are answered by hand so silence() can stop that. */
export function createWebSocketServer(maxPayload: number): WebSocketServer {
	return new WebSocketServer({ noServer: true, autoPong: false, maxPayload, perMessageDeflate: false });
}

export interface ClientFrame {
	text: string;
	/** The parsed JSON; undefined for a binary frame or text that is not JSON. */
	parsed: unknown;
}

export function readClientFrame(raw: WebSocket.RawData, isBinary: boolean): ClientFrame {
	const text = Buffer.isBuffer(raw)
		? raw.toString('utf8')
		: Array.isArray(raw)
			? Buffer.concat(raw).toString('utf8')
			: Buffer.from(raw).toString('utf8');
	if (isBinary) return { text, parsed: undefined };
	try {
		return { text, parsed: JSON.parse(text) };
	} catch {
		return { text, parsed: undefined };
	}
}

/** Answers a client's protocol pings unless silenced; `onPing` learns whether it was answered. */
export function answerProtocolPings(ws: WebSocket, switches: ConnectionFaultSwitches, onPing: (answered: boolean) => void): void {
	ws.on('ping', (payload: Buffer) => {
		const answered = !switches.silenced && ws.readyState === WebSocket.OPEN;
		if (answered) ws.pong(payload);
		onPing(answered);
	});
}

/** Every outgoing frame passes here, so silence() can swallow them all. */
export function sendUnlessSilenced(ws: WebSocket, text: string, switches: ConnectionFaultSwitches): boolean {
	if (switches.silenced || ws.readyState !== WebSocket.OPEN) return false;
	ws.send(text);
	return true;
}

/** A socket whose liveness the server checks with protocol pings. */
export interface PingedConnection {
	ws: WebSocket;
	/** A ping went out and no pong came back yet. */
	awaitingPong: boolean;
}

/**
 * One liveness tick: a socket that has not answered the previous protocol ping is terminated
 * (after `onTimeout`), every other open socket is pinged. The caller skips ticks while silenced.
 */
export function pingOrTerminate<C extends PingedConnection>(connections: Iterable<C>, onTimeout: (connection: C) => void): void {
	for (const connection of connections) {
		if (connection.ws.readyState !== WebSocket.OPEN) continue;
		if (connection.awaitingPong) {
			onTimeout(connection);
			connection.ws.terminate();
			continue;
		}
		connection.awaitingPong = true;
		connection.ws.ping();
	}
}

/** The sockets of one venue gateway. */
export class SocketSet<C extends { ws: WebSocket }> implements Iterable<C> {
	private readonly items = new Set<C>();

	add(connection: C): void {
		this.items.add(connection);
	}

	delete(connection: C): void {
		this.items.delete(connection);
	}

	[Symbol.iterator](): Iterator<C> {
		return this.items[Symbol.iterator]();
	}

	get size(): number {
		return this.items.size;
	}

	openCount(): number {
		let open = 0;
		for (const { ws } of this.items) if (ws.readyState === WebSocket.OPEN) open += 1;
		return open;
	}

	/** Sends a protocol ping to every open socket; returns how many. */
	pingAll(): number {
		let sent = 0;
		for (const { ws } of this.items) {
			if (ws.readyState !== WebSocket.OPEN) continue;
			ws.ping();
			sent += 1;
		}
		return sent;
	}

	/** Closes the open sockets `wants` picks (all by default) with a closing handshake; returns how many. */
	closeOpen(code: number, reason: string, wants: (connection: C) => boolean = () => true): number {
		let closed = 0;
		for (const connection of this.items) {
			if (connection.ws.readyState !== WebSocket.OPEN || !wants(connection)) continue;
			connection.ws.close(code, reason);
			closed += 1;
		}
		return closed;
	}

	/** Drops every socket without a closing handshake, as a network failure would. */
	terminateAll(): number {
		const count = this.items.size;
		for (const { ws } of [...this.items]) ws.terminate();
		return count;
	}
}
