/**
 * The baseline: a bare `ws` client that does the Totalis handshake by hand, then only
 * `JSON.parse`s each message and counts it. Whatever the engine path costs beyond this is the
 * price of the engine, validation, stages and delivery.
 */
import WebSocket from 'ws';

import type { BenchClient, Pending, RunCounts } from './client';
import { BENCH_API_KEY } from './ipc';

interface MarkerShape {
	data?: { quote_id?: unknown };
}

export async function openRawClient(url: string): Promise<BenchClient> {
	const socket = new WebSocket(url, { perMessageDeflate: false });
	await handshake(socket);

	let frames = 0;
	let expected = 0;
	let marker = '';
	let pending: Pending | undefined;
	// The hot path: parse and count; the marker is checked only on the frame that should be it.
	socket.on('message', (data: Buffer) => {
		const value = JSON.parse(data.toString()) as MarkerShape;
		if (++frames !== expected || !pending) return;
		const settle = pending;
		pending = undefined;
		if (value.data?.quote_id === marker) settle.resolve({ items: frames, executions: 0, badFrames: 0 });
		else settle.reject(new Error(`raw client: frame ${frames} is not the marker ${marker}`));
	});
	socket.on('error', () => {});
	socket.on('close', () => pending?.reject(new Error('raw client: the connection closed mid-run')));

	return {
		arm(name, expectedFrames) {
			frames = 0;
			expected = expectedFrames;
			marker = name;
			return new Promise<RunCounts>((resolve, reject) => {
				pending = { resolve, reject };
			});
		},
		async close() {
			if (socket.readyState === WebSocket.CLOSED) return;
			const closed = new Promise((resolve) => socket.once('close', resolve));
			socket.close(1000);
			await closed;
		},
	};
}

/** auth → auth:success, subscribe, ping → pong: the handshake the engine's protocol does. */
function handshake(socket: WebSocket): Promise<void> {
	return new Promise((resolve, reject) => {
		const fail = (error: Error) => {
			socket.off('message', onMessage);
			reject(error);
		};
		const onMessage = (data: Buffer) => {
			const message = JSON.parse(data.toString()) as { type?: string; user_id?: string };
			if (message.type === 'auth:success') {
				socket.send(JSON.stringify({ type: 'subscribe', channel: `mm:quotes:${message.user_id}` }));
				socket.send(JSON.stringify({ type: 'ping' }));
			} else if (message.type === 'pong') {
				socket.off('message', onMessage);
				socket.off('error', fail);
				resolve();
			} else if (message.type === 'auth:error') {
				fail(new Error('raw client: auth refused'));
			}
		};
		socket.on('message', onMessage);
		socket.once('error', fail);
		socket.once('open', () => socket.send(JSON.stringify({ type: 'auth', api_key: BENCH_API_KEY })));
	});
}
