/**
 * Activation errors when the venue answered but turned the stream away (issue 10, section 6):
 * an HTTP status instead of the upgrade, or a close code during authentication, must not read
 * "Cannot reach …". Through the Totalis Trigger and n8n-core's TriggerContext, against a small
 * WebSocket server that answers as told.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

import { WebSocketServer } from 'ws';

import { createHarness, FAST } from '../totalis/fixtures';

type Answer = { status: number; reason: string } | { closeCode: number; closeReason: string };

describe('activation errors when the venue answered', () => {
	const harness = createHarness();
	let server: http.Server;
	let sockets: WebSocketServer;
	let answer: Answer;

	beforeAll(async () => {
		sockets = new WebSocketServer({ noServer: true });
		server = http.createServer((_req, res) => res.writeHead(404).end());
		server.on('upgrade', (req, socket: Duplex, head) => {
			if ('status' in answer) {
				socket.end(`HTTP/1.1 ${answer.status} ${answer.reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
				return;
			}
			const { closeCode, closeReason } = answer;
			// Accepts the upgrade, reads the auth message, then ends the connection with a close code.
			sockets.handleUpgrade(req, socket, head, (ws) => ws.once('message', () => ws.close(closeCode, closeReason)));
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const { port } = server.address() as AddressInfo;
		harness.setCredentials('totalisApi', {
			apiKey: 'api_live_answered_probe_00',
			baseUrl: `http://127.0.0.1:${port}`,
			wsUrl: `ws://127.0.0.1:${port}/ws`,
		});
	});

	afterAll(async () => {
		sockets.close();
		await new Promise((resolve) => server.close(resolve));
	});

	const activate = () =>
		harness
			.startTrigger('totalisTrigger', { options: { ...FAST } } as never, 'totalisApi')
			.then(async (trigger) => {
				await trigger.close();
				throw new Error('activation should have failed');
			})
			.catch((error: Error & { description?: string }) => error);

	it('says the venue refused a connection with HTTP 429, and why it may have', async () => {
		answer = { status: 429, reason: 'Too Many Requests' };
		const error = await activate();
		expect(error.message).toBe(
			'Totalis refused the connection (HTTP 429 Too Many Requests): too many connections or requests for this credential',
		);
		expect(error.description).toMatch(/reachable but turns new connections away/);
	});

	it('says the venue answered another status instead of opening the stream', async () => {
		answer = { status: 503, reason: 'Service Unavailable' };
		const error = await activate();
		expect(error.message).toMatch(/^Totalis answered HTTP 503 instead of opening the stream: /);
		expect(error.description).toMatch(/reachable but failing/);
	});

	it('says the venue closed the connection while it was being set up, with its close code and reason', async () => {
		answer = { closeCode: 4003, closeReason: 'Forbidden: too many sessions' };
		const error = await activate();
		expect(error.message).toBe(
			'Totalis closed the connection while it was being set up: connection lost during the handshake: closed by the venue (code 4003: Forbidden: too many sessions)',
		);
		expect(error.message).not.toMatch(/Cannot reach/);
	});

	it('still says it cannot reach a venue that did not answer at all', async () => {
		const closed = http.createServer();
		await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
		const { port } = closed.address() as AddressInfo;
		await new Promise((resolve) => closed.close(resolve));
		harness.setCredentials('totalisApi', { apiKey: 'api_live_answered_probe_00', baseUrl: '', wsUrl: `ws://127.0.0.1:${port}/ws` });
		const error = await activate();
		expect(error.message).toMatch(/^Cannot reach Totalis: /);
	});
});
