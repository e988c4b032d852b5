/**
 * The venue side of the bench, run in its own process (`fork`) so its CPU never counts against
 * the client being measured. A loopback WebSocket server speaks just enough Totalis (auth,
 * silent subscribe, ping/pong); on command it writes pre-framed bodies straight to the TCP
 * socket as fast as the client drains it (socket backpressure), then a marker frame.
 *
 * argv[2]: items per body, the marker included.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer } from 'ws';

import { encodeBody, encodeTextFrame, markerFrame, buildFrames, type EncodedBody } from './frames';
import { BENCH_API_KEY, BENCH_USER_ID, type BlastCommand, type BlastDone, type FromGenerator, type ToGenerator } from './ipc';

/** Big writes keep syscalls per frame near zero; chunks end on frame boundaries. */
const CHUNK_BYTES = 256 * 1024;

interface Peer {
	ws: WebSocket;
	/** The upgraded TCP socket: bodies are written here, bypassing `ws`'s per-frame send. */
	socket: Duplex;
	authenticated: boolean;
}

function send(message: FromGenerator) {
	process.send?.(message);
}

async function main() {
	const items = Number(process.argv[2]);
	if (!Number.isInteger(items) || items < 2) throw new Error(`load generator: bad item count ${process.argv[2]}`);
	const started = performance.now();
	const set = await buildFrames(items - 1);
	const body = encodeBody(set.texts, CHUNK_BYTES);
	const buildMs = performance.now() - started;

	const peers = new Set<Peer>();
	let latest: Peer | undefined;
	const server = createServer((_request, response) => response.writeHead(404).end());
	const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
	server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
		wss.handleUpgrade(request, socket, head, (ws) => {
			const peer: Peer = { ws, socket, authenticated: false };
			peers.add(peer);
			ws.on('message', (raw: WebSocket.RawData) => {
				if (answer(peer, raw)) latest = peer;
			});
			ws.on('error', () => {});
			ws.on('close', () => {
				peers.delete(peer);
				if (latest === peer) latest = undefined;
			});
		});
	});
	server.listen(0, '127.0.0.1');
	await once(server, 'listening');

	let blasting = Promise.resolve();
	process.on('message', (message: ToGenerator) => {
		if (message.type === 'blast') {
			blasting = blasting.then(async () => send(await blast(latest, body, message)));
			return;
		}
		void blasting.then(() => {
			for (const peer of peers) peer.ws.terminate();
			wss.close();
			server.close();
			process.disconnect();
		});
	});
	// The parent is gone: nothing more to serve.
	process.on('disconnect', () => process.exit(0));

	send({
		type: 'ready',
		port: (server.address() as AddressInfo).port,
		framesPerBody: set.texts.length,
		itemsPerBody: set.items,
		bytesPerBody: body.bytes,
		mix: set.mix,
		buildMs: Math.round(buildMs),
	});
}

/** Answers one client message; true once the peer completed the handshake (its closing ping). */
function answer(peer: Peer, raw: WebSocket.RawData): boolean {
	let message: { type?: unknown; api_key?: unknown };
	try {
		message = JSON.parse(raw.toString()) as typeof message;
	} catch {
		return false;
	}
	switch (message.type) {
		case 'auth':
			if (message.api_key !== BENCH_API_KEY) {
				peer.ws.send(JSON.stringify({ type: 'auth:error', message: 'Invalid API key' }));
				peer.ws.close(1008, 'Invalid API key');
				return false;
			}
			peer.authenticated = true;
			peer.ws.send(JSON.stringify({ type: 'auth:success', user_id: BENCH_USER_ID }));
			return false;
		case 'ping':
			peer.ws.send(JSON.stringify({ type: 'pong', timestamp: new Date().toISOString() }));
			return peer.authenticated;
		default:
			// subscribe / unsubscribe: Totalis documents no acknowledgement.
			return false;
	}
}

async function blast(peer: Peer | undefined, body: EncodedBody, command: BlastCommand): Promise<BlastDone> {
	const started = performance.now();
	const done = (ok: boolean, bytes: number, reason?: string): BlastDone => ({
		type: 'blasted',
		id: command.id,
		ok,
		reason,
		bytes,
		ms: Math.round(performance.now() - started),
	});
	if (!peer) return done(false, 0, 'no authenticated connection to write to');
	const { socket } = peer;
	let bytes = 0;
	const write = async (chunk: Buffer) => {
		bytes += chunk.length;
		if (!socket.write(chunk)) await drainOrClose(socket);
	};
	for (let round = 0; round < command.repeat; round++) {
		for (const chunk of body.chunks) {
			if (socket.destroyed) return done(false, bytes, 'the client closed the connection mid-blast');
			await write(chunk);
		}
	}
	if (socket.destroyed) return done(false, bytes, 'the client closed the connection mid-blast');
	await write(encodeTextFrame(markerFrame(command.marker)));
	return done(true, bytes);
}

function drainOrClose(socket: Duplex): Promise<void> {
	return new Promise((resolve) => {
		const settle = () => {
			socket.off('drain', settle);
			socket.off('close', settle);
			resolve();
		};
		socket.on('drain', settle);
		socket.on('close', settle);
	});
}

main().catch((error: unknown) => {
	console.error('load generator failed:', error);
	process.exit(1);
});
