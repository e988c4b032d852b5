import { createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import tls from 'node:tls';

import { WebSocketServer, type WebSocket } from 'ws';

import type { CloseInfo, Connection, ConnectionHandlers } from '../../nodes/shared/engine/transport';
import { OPCODE } from '../../nodes/shared/engine/websocketFrames';
import { WebSocketTransport } from '../../nodes/shared/engine/websocketTransport';
import { Redactor } from '../../nodes/shared/redact';
import { selfSignedCertificate, type Certificate } from '../harness/certificate';

const SECRET = 'key-0123456789-secret';

/** What the transport handed the engine. */
class Recorded implements ConnectionHandlers {
	frames: string[] = [];
	unreadable: string[] = [];
	activity = 0;
	oversized = 0;
	private closeInfo: CloseInfo | undefined;
	private whenClosed: Array<(info: CloseInfo) => void> = [];
	private whenFrame: Array<() => void> = [];

	onFrame(text: string): void {
		this.frames.push(text);
		for (const wake of this.whenFrame.splice(0)) wake();
	}
	onActivity(): void {
		this.activity++;
	}
	onClose(info: CloseInfo): void {
		expect(this.closeInfo).toBeUndefined();
		this.closeInfo = info;
		for (const wake of this.whenClosed.splice(0)) wake(info);
	}
	onUnreadableFrame(reason: string): void {
		this.unreadable.push(reason);
	}
	onOversizedFrame(): void {
		this.oversized++;
	}
	closed(): Promise<CloseInfo> {
		return this.closeInfo ? Promise.resolve(this.closeInfo) : new Promise((resolve) => this.whenClosed.push(resolve));
	}
	async frameCount(count: number): Promise<void> {
		while (this.frames.length < count) await new Promise<void>((resolve) => this.whenFrame.push(resolve));
	}
}

function open(url: string, handlers: ConnectionHandlers, maxFrameBytes = 1 << 20): Promise<Connection> {
	const transport = new WebSocketTransport({ url, redactor: new Redactor([SECRET]) });
	return transport.open(handlers, { timeoutMs: 5000, maxFrameBytes, signal: new AbortController().signal });
}

function acceptOf(key: string): string {
	return createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
}

/** An HTTP server that answers the upgrade itself, for venues that bend the protocol. */
async function rawVenue(answer: (socket: Socket, key: string) => void): Promise<{ url: string; close(): Promise<void> }> {
	const server = http.createServer();
	const sockets = new Set<Socket>();
	server.on('upgrade', (request: http.IncomingMessage, socket: Socket) => {
		sockets.add(socket);
		socket.on('error', () => {});
		answer(socket, String(request.headers['sec-websocket-key']));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws?key=${SECRET}`,
		close: async () => {
			for (const socket of sockets) socket.destroy();
			await new Promise((resolve) => server.close(resolve));
		},
	};
}

function upgraded(key: string, extra = ''): string {
	return `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptOf(key)}\r\n${extra}\r\n`;
}

/** A venue's unmasked frame of at most 125 bytes. */
function smallFrame(opcode: number, payload: string, masked = false): Buffer {
	const body = Buffer.from(payload);
	if (!masked) return Buffer.concat([Buffer.from([0x80 | opcode, body.length]), body]);
	const mask = Buffer.from([1, 2, 3, 4]);
	return Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | body.length]), mask, body.map((byte, i) => byte ^ mask[i & 3])]);
}

/** The close frame a client sent, unmasked: its code. */
function closeCodeIn(bytes: Buffer): number | undefined {
	const at = bytes.findIndex((byte, i) => byte === (0x80 | OPCODE.close) && (bytes[i + 1] & 0x80) !== 0);
	if (at < 0) return undefined;
	const mask = bytes.subarray(at + 2, at + 6);
	return ((bytes[at + 6] ^ mask[0]) << 8) | (bytes[at + 7] ^ mask[1]);
}

describe('WebSocketTransport against a ws server', () => {
	let server: WebSocketServer;
	let url: string;
	let peers: WebSocket[];

	beforeEach(async () => {
		peers = [];
		server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
		server.on('connection', (peer) => peers.push(peer));
		await new Promise((resolve) => server.once('listening', resolve));
		url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws?key=${SECRET}`;
	});
	afterEach(async () => {
		for (const peer of peers) peer.terminate();
		await new Promise((resolve) => server.close(resolve));
	});

	const peer = async () => {
		while (peers.length === 0) await new Promise((resolve) => setImmediate(resolve));
		return peers[0];
	};

	it('exchanges text both ways, answers pings with their payload, and counts pings and pongs as life', async () => {
		const handlers = new Recorded();
		const connection = await open(url, handlers);
		const venue = await peer();
		const said = new Promise<string>((resolve) => venue.once('message', (data: Buffer) => resolve(data.toString())));
		expect(connection.send({ type: 'subscribe', channel: 'é' })).toBe(true);
		expect(await said).toBe('{"type":"subscribe","channel":"é"}');

		const pong = new Promise<string>((resolve) => venue.once('pong', (data: Buffer) => resolve(data.toString())));
		venue.ping('are-you-there');
		expect(await pong).toBe('are-you-there');
		const pinged = new Promise((resolve) => venue.once('ping', resolve));
		expect(connection.sendProtocolPing()).toBe(true);
		await pinged;
		venue.send('{"after":"pings"}');
		await handlers.frameCount(1);
		// The venue's ping and its pong to ours (ws answers pings by itself).
		expect(handlers.activity).toBe(2);
		expect(handlers.frames).toEqual(['{"after":"pings"}']);
	});

	it('reports a frame that is not UTF-8 and reads on', async () => {
		const handlers = new Recorded();
		await open(url, handlers);
		const venue = await peer();
		venue.send(Buffer.from([0x7b, 0xff, 0x7d]), { binary: false });
		venue.send('{"ok":true}');
		await handlers.frameCount(1);
		expect(handlers.unreadable).toEqual(['not valid UTF-8 text']);
		expect(handlers.frames).toEqual(['{"ok":true}']);
	});

	it("answers the venue's close with its code and says the venue's reason", async () => {
		const handlers = new Recorded();
		await open(url, handlers);
		const venue = await peer();
		const echoed = new Promise<number>((resolve) => venue.once('close', resolve));
		venue.close(4003, `too many sessions for ${SECRET}`);
		expect(await echoed).toBe(4003);
		const info = await handlers.closed();
		expect(info).toEqual({ code: 4003, initiatedLocally: false, reason: expect.stringContaining('code 4003: too many sessions') });
		expect(info.reason).not.toContain(SECRET);
	});

	it('closes with 1000 when asked, and sends nothing after', async () => {
		const handlers = new Recorded();
		const connection = await open(url, handlers);
		const venue = await peer();
		const heard = new Promise<number>((resolve) => venue.once('close', resolve));
		connection.close('trigger closed');
		expect(connection.send('late')).toBe(false);
		expect(await heard).toBe(1000);
		expect(await handlers.closed()).toEqual({ code: 1000, initiatedLocally: true, reason: 'trigger closed' });
	});

	it('says 1006 when the link breaks without a close frame', async () => {
		const handlers = new Recorded();
		await open(url, handlers);
		(await peer()).terminate();
		const info = await handlers.closed();
		expect(info.code).toBe(1006);
		expect(info.initiatedLocally).toBe(false);
	});

	it('refuses a message above the limit from its header, closing with 1009', async () => {
		const handlers = new Recorded();
		await open(url, handlers, 1000);
		(await peer()).send('x'.repeat(5000));
		const info = await handlers.closed();
		expect(handlers.oversized).toBe(1);
		expect(info).toMatchObject({ code: 1009, reason: 'closed with 1009 after a frame above 1000 bytes' });
	});

	it('refuses an answer that is an ordinary HTTP response, by its status', async () => {
		server.options.verifyClient = (_info: unknown, done: (ok: boolean, code: number) => void) => done(false, 401);
		await expect(open(url, new Recorded())).rejects.toMatchObject({ kind: 'auth', details: { httpStatus: 401 } });
	});
});

describe('WebSocketTransport against venues that bend the protocol', () => {
	const venues: Array<{ close(): Promise<void> }> = [];
	afterEach(async () => {
		for (const venue of venues.splice(0)) await venue.close();
	});
	const venue = async (answer: (socket: Socket, key: string) => void) => {
		const made = await rawVenue(answer);
		venues.push(made);
		return made.url;
	};

	it('reads the first frames sent with the upgrade answer, after the connection is handed over', async () => {
		const url = await venue((socket, key) =>
			socket.write(Buffer.concat([Buffer.from(upgraded(key)), smallFrame(OPCODE.text, '{"hello":1}')])),
		);
		const handlers = new Recorded();
		await open(url, handlers);
		expect(handlers.frames).toEqual([]);
		await handlers.frameCount(1);
		expect(handlers.frames).toEqual(['{"hello":1}']);
	});

	it.each([
		[
			'a wrong Sec-WebSocket-Accept',
			(key: string) => upgraded(key).replace(acceptOf(key), acceptOf('other')),
			/wrong Sec-WebSocket-Accept/,
		],
		['an extension not asked for', (key: string) => upgraded(key, 'Sec-WebSocket-Extensions: permessage-deflate\r\n'), /extension/],
		[
			'an upgrade to something else',
			(key: string) => upgraded(key).replace('Upgrade: websocket', 'Upgrade: h2c'),
			/other than a WebSocket/,
		],
	])('refuses %s, without the key in the URL', async (_name, answer, reason) => {
		const url = await venue((socket, key) => socket.write(answer(key)));
		const failure = open(url, new Recorded());
		await expect(failure).rejects.toMatchObject({ kind: 'unreachable', message: expect.stringMatching(reason) });
		await expect(failure).rejects.not.toMatchObject({ message: expect.stringContaining(SECRET) });
	});

	it('closes with 1002 on a masked frame, naming the breach', async () => {
		let received = Buffer.alloc(0);
		const url = await venue((socket, key) => {
			socket.on('data', (chunk: Buffer) => (received = Buffer.concat([received, chunk])));
			socket.write(upgraded(key));
			setImmediate(() => socket.write(smallFrame(OPCODE.text, 'hi', true)));
		});
		const handlers = new Recorded();
		await open(url, handlers);
		const info = await handlers.closed();
		expect(info.reason).toMatch(/broke the WebSocket protocol: a masked frame/);
		expect(closeCodeIn(received)).toBe(1002);
		expect(handlers.frames).toEqual([]);
	});

	it('tears the socket down when a venue never answers our close', async () => {
		let closeCode: number | undefined;
		const url = await venue((socket, key) => {
			socket.on('data', (chunk: Buffer) => (closeCode ??= closeCodeIn(chunk)));
			socket.write(upgraded(key));
		});
		const handlers = new Recorded();
		const connection = await open(url, handlers);
		connection.close('trigger closed');
		expect(await handlers.closed()).toMatchObject({ initiatedLocally: true, reason: 'trigger closed' });
		expect(closeCode).toBe(1000);
	});
});

describe('WebSocketTransport over TLS without a proxy', () => {
	let tlsFiles: Certificate;
	let certificate: string;
	let server: https.Server;
	let wss: WebSocketServer;
	const defaults = tls.getCACertificates('default');

	beforeAll(async () => {
		tlsFiles = selfSignedCertificate('DNS:localhost');
		certificate = tlsFiles.cert;
		server = https.createServer({ key: tlsFiles.key, cert: certificate });
		wss = new WebSocketServer({ server });
		wss.on('connection', (peer) => peer.send('{"over":"tls"}'));
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	});
	afterAll(async () => {
		tls.setDefaultCACertificates(defaults);
		for (const peer of wss.clients) peer.terminate();
		server.closeAllConnections();
		await new Promise((resolve) => server.close(resolve));
		tlsFiles.remove();
	});
	const url = () => `wss://localhost:${(server.address() as AddressInfo).port}/ws`;

	it('checks the certificate: an untrusted one is refused', async () => {
		await expect(open(url(), new Recorded())).rejects.toMatchObject({
			kind: 'unreachable',
			message: expect.stringMatching(/self[- ]signed/),
		});
	});

	it('speaks TLS with the host name the certificate names when it is trusted', async () => {
		tls.setDefaultCACertificates([...defaults, certificate]);
		const handlers = new Recorded();
		const connection = await open(url(), handlers);
		await handlers.frameCount(1);
		expect(handlers.frames).toEqual(['{"over":"tls"}']);
		connection.close('done');
		await handlers.closed();
	});
});
