/**
 * StreamEngine.stop() does not wait for a start's deadlines, in every state of a start. The
 * connect and handshake deadlines are ten minutes, far beyond Jest's timeout for a test, so a
 * stop() that waited for one of them fails the test; no elapsed time is measured: while the TCP connection is accepted but the upgrade (or the SSE
 * response) never comes, while a URL function (a login) is pending, and while a handshake waits
 * for something that is not a frame. Whatever was opened is closed.
 */
import { createServer, type Server, type Socket } from 'node:net';

import { StreamEngine } from '../../nodes/shared/engine/StreamEngine';
import type { VenueProtocol } from '../../nodes/shared/engine/protocol';
import { SseTransport } from '../../nodes/shared/engine/sseTransport';
import type { Transport } from '../../nodes/shared/engine/transport';
import { WebSocketTransport } from '../../nodes/shared/engine/websocketTransport';
import { Redactor } from '../../nodes/shared/redact';
import { TotalisWebSocketProtocol } from '../../nodes/Totalis/stream/protocol';
import { startSimulator } from 'trading-venues-simulator';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const timing = {
	// Far beyond the test's timeout: a stop() that waited for either never resolves in time.
	connectTimeoutMs: 10 * 60_000,
	handshakeTimeoutMs: 10 * 60_000,
	heartbeatIntervalMs: 1000,
	silenceTimeoutMs: 5000,
	backoff: { initialDelayMs: 10, maxDelayMs: 50, resetAfterMs: 1000 },
};
const redactor = new Redactor([]);

/** A protocol for streams that never get past opening. */
const unreachedProtocol: VenueProtocol = {
	venue: 'test',
	source: 'unit',
	heartbeat: { kind: 'none' },
	handshake: () => Promise.reject(new Error('the handshake should not have started')),
	decode: () => ({ kind: 'control' }),
};

function engineOver(transport: Transport, protocol: VenueProtocol = unreachedProtocol) {
	return new StreamEngine({ transport, protocol, redactor, logger: quiet, timing, maxFrameBytes: 1 << 20, onEvent: () => {} });
}

/** Stops the engine once `ready` resolves; returns how start() ended. */
async function stopWhile(engine: StreamEngine, ready: Promise<unknown>) {
	const starting = engine.start().then(
		() => undefined,
		(error: unknown) => error,
	);
	await ready;
	await engine.stop();
	return { startError: await starting };
}

/** A TCP server that accepts connections and never says a word. */
async function mute(): Promise<{ server: Server; url: string; accepted: Promise<Socket> }> {
	let accept!: (socket: Socket) => void;
	const accepted = new Promise<Socket>((resolve) => (accept = resolve));
	const server = createServer((socket) => accept(socket));
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as { port: number };
	return { server, url: `127.0.0.1:${port}`, accepted };
}

const closedSocket = (socket: Socket) =>
	new Promise<void>((resolve) => (socket.destroyed ? resolve() : socket.once('close', () => resolve())));

describe('StreamEngine.stop() during a start', () => {
	const servers: Server[] = [];
	afterEach(async () => {
		for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
	});

	it('while the WebSocket upgrade is unanswered: gives up at once and closes the TCP connection', async () => {
		const { server, url, accepted } = await mute();
		servers.push(server);
		const engine = engineOver(new WebSocketTransport({ url: `ws://${url}/ws`, redactor }));
		const { startError } = await stopWhile(engine, accepted);
		expect(startError).toMatchObject({ name: 'StreamFailure', kind: 'closed' });
		await closedSocket(await accepted);
	});

	it('while the SSE response is unanswered: gives up at once and closes the TCP connection', async () => {
		const { server, url, accepted } = await mute();
		servers.push(server);
		const engine = engineOver(new SseTransport({ url: `http://${url}/stream`, redactor }));
		const { startError } = await stopWhile(engine, accepted);
		expect(startError).toMatchObject({ name: 'StreamFailure', kind: 'closed' });
		await closedSocket(await accepted);
	});

	it('while the URL function (a login) is pending: aborts the signal it was given and opens nothing', async () => {
		let signal: AbortSignal | undefined;
		let asked!: () => void;
		const wasAsked = new Promise<void>((resolve) => (asked = resolve));
		const engine = engineOver(
			new WebSocketTransport({
				url: (given) => {
					signal = given;
					asked();
					return new Promise<string>(() => {}); // a login that never answers, nor listens
				},
				redactor,
			}),
		);
		const { startError } = await stopWhile(engine, wasAsked);
		expect(startError).toMatchObject({ name: 'StreamFailure', kind: 'closed' });
		expect(signal?.aborted).toBe(true);
	});

	it('while the handshake awaits something that is not a frame: aborts it and closes the socket', async () => {
		const sim = await startSimulator();
		try {
			let signal: AbortSignal | undefined;
			let began!: () => void;
			const handshaking = new Promise<void>((resolve) => (began = resolve));
			const protocol = new TotalisWebSocketProtocol(sim.totalis.apiKey, { marketMakerQuotes: true, rfqIds: [] });
			// A token renewal that never answers, nor listens to the signal it is handed.
			protocol.handshake = (session) => {
				signal = session.signal;
				began();
				return new Promise(() => {});
			};
			const engine = engineOver(new WebSocketTransport({ url: sim.totalis.wsUrl, redactor }), protocol);
			const closed = sim.totalis.events.waitFor('ws:close');
			const { startError } = await stopWhile(engine, handshaking);
			expect(startError).toMatchObject({ name: 'StreamFailure', kind: 'closed' });
			expect(signal?.aborted).toBe(true);
			await closed;
			expect(sim.totalis.openSockets()).toBe(0);
		} finally {
			await sim.close();
		}
	});

	it('before it started: the start opens nothing', async () => {
		const { server, url, accepted } = await mute();
		servers.push(server);
		let connections = 0;
		void accepted.then(() => connections++);
		const engine = engineOver(new WebSocketTransport({ url: `ws://${url}/ws`, redactor }));
		await engine.stop();
		await expect(engine.start()).rejects.toMatchObject({ kind: 'closed' });
		await new Promise((resolve) => setTimeout(resolve, 50));
		expect(connections).toBe(0);
	});
});
