/**
 * The keep-alive client of the Totalis fast path (nodes/shared/rest/directHttp.ts), through
 * exchange() as the REST client uses it, on real sockets against a local HTTP server: when it may
 * be used, what it sends, how it answers each status, and that it keeps one connection.
 */
import { getEventListeners } from 'node:events';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import { createDirectHttp, directHttpAllowed, type DirectHttp } from '../../nodes/shared/rest/directHttp';
import { exchange } from '../../nodes/shared/rest/exchange';

describe('directHttpAllowed: only where n8n would send the request straight to the host', () => {
	it.each([
		[{}, true],
		[{ N8N_SSRF_PROTECTION_ENABLED: 'false' }, true],
		[{ N8N_SSRF_PROTECTION_ENABLED: 'true' }, false],
		[{ N8N_SSRF_PROTECTION_ENABLED: '1' }, false],
		[{ HTTP_PROXY: 'http://proxy:3128' }, false],
		[{ https_proxy: 'http://proxy:3128' }, false],
		[{ ALL_PROXY: 'socks5://proxy:1080' }, false],
		[{ HTTP_PROXY: '' }, true],
	])('%j → %s', (env, allowed) => {
		expect(directHttpAllowed(env as NodeJS.ProcessEnv)).toBe(allowed);
	});
});

describe('createDirectHttp', () => {
	let server: http.Server;
	let baseUrl: string;
	let connections: number;
	/** What the server received, one line per request. */
	const received: Array<{ method?: string; url?: string; headers: http.IncomingHttpHeaders; body: string }> = [];
	/** Answers the next requests; by default 200 {"ok":true}. */
	let answer: (req: http.IncomingMessage, res: http.ServerResponse) => void;
	let client: DirectHttp;

	beforeEach(async () => {
		received.length = 0;
		connections = 0;
		answer = (_req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}');
		server = http.createServer((req, res) => {
			let body = '';
			req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
			req.on('end', () => {
				received.push({ method: req.method, url: req.url, headers: req.headers, body });
				answer(req, res);
			});
		});
		server.on('connection', () => (connections += 1));
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
		client = createDirectHttp((request) => ({ ...request, headers: { ...request.headers, 'X-API-Key': 'secret-key' } }));
	});

	afterEach(async () => {
		client.close();
		server.closeAllConnections();
		await new Promise((resolve) => server.close(resolve));
	});

	const post = (path: string, ignoreHttpStatusErrors: boolean | { ignore: true; except: number[] } = true) =>
		exchange(
			client.request,
			{ url: `${baseUrl}${path}`, method: 'POST', json: true, body: { a: 1 }, qs: { n: 2 }, ignoreHttpStatusErrors },
			{ timeoutMs: 2000, maxBytes: 1024 },
		);

	it('sends the signed JSON request and reads the answer', async () => {
		const response = await post('/mm/quotes/q1/confirm');
		expect(response).toMatchObject({ status: 200, body: { ok: true } });
		expect(received).toHaveLength(1);
		expect(received[0]).toMatchObject({ method: 'POST', url: '/mm/quotes/q1/confirm?n=2', body: '{"a":1}' });
		expect(received[0].headers).toMatchObject({
			'x-api-key': 'secret-key',
			'content-type': 'application/json',
			accept: 'application/json',
		});
	});

	/** Resolves once the server accepted `count` connections in all. */
	const accepted = (count: number) =>
		new Promise<void>((resolve) => {
			const check = () => {
				if (connections < count) return;
				server.off('connection', check);
				resolve();
			};
			server.on('connection', check);
			check();
		});

	it('preconnect: the first call goes out on the connection opened ahead', async () => {
		client.preconnect(`${baseUrl}/v1`);
		await accepted(1);
		await post('/first');
		await post('/second');
		expect(received.map(({ url }) => url)).toEqual(['/first?n=2', '/second?n=2']);
		expect(connections).toBe(1);
	});

	it('preconnect: a connection never used is closed with the client', async () => {
		const closed = new Promise<void>((resolve) => server.once('connection', (socket: Socket) => socket.once('close', () => resolve())));
		client.preconnect(baseUrl);
		await accepted(1);
		client.close();
		await closed;
		expect(received).toEqual([]);
	});

	it('preconnect: a connection the server closed before use is dropped, and the call connects anew', async () => {
		const first = new Promise<Socket>((resolve) => server.once('connection', resolve));
		client.preconnect(baseUrl);
		const socket = await first;
		const gone = new Promise((resolve) => socket.once('close', resolve));
		socket.destroy();
		await gone;
		const response = await post('/after');
		expect(response).toMatchObject({ status: 200 });
		expect(connections).toBe(2);
	});

	it('keeps one connection for consecutive calls', async () => {
		for (let i = 0; i < 5; i++) expect((await post(`/call/${i}`)).status).toBe(200);
		expect(received).toHaveLength(5);
		expect(connections).toBe(1);
	});

	it("answers every status when told to ignore status errors, and throws the listed ones with the answer inside, as n8n's helper does", async () => {
		answer = (_req, res) => res.writeHead(503, { 'Content-Type': 'application/json' }).end('{"error":{"code":"SERVICE_UNAVAILABLE"}}');
		expect(await post('/a')).toMatchObject({ status: 503, body: { error: { code: 'SERVICE_UNAVAILABLE' } } });
		// exchange() reads an answer inside a thrown error as an answer, marked `thrown`.
		expect(await post('/b', { ignore: true, except: [503] })).toMatchObject({ status: 503, thrown: true });
		expect(await post('/c', false)).toMatchObject({ status: 503, thrown: true });
	});

	it('sends a call again on a new connection when the server closed the kept one as it was reused', async () => {
		const served = new WeakSet<Socket>();
		answer = (req, res) => {
			// The second request on a socket: the server drops the connection unanswered (its idle timeout raced the call).
			if (served.has(req.socket)) {
				req.socket.destroy();
				return;
			}
			served.add(req.socket);
			res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}');
		};
		expect((await post('/first')).status).toBe(200);
		expect((await post('/second')).status).toBe(200);
		expect(received.map(({ url }) => url)).toEqual(['/first?n=2', '/second?n=2', '/second?n=2']);
		expect(connections).toBe(2);
	});

	it('rehearsal: answers its answer over loopback, signed with the stand-in, and sends nothing to the host', async () => {
		const signed: Array<Record<string, unknown>> = [];
		const rehearsal = await client.rehearsal({ data: { status: 'confirmed' } }, (request) => {
			const headers = { ...request.headers, 'X-API-Key': 'stand-in' };
			signed.push(headers);
			return { ...request, headers };
		});
		try {
			const response = await exchange(
				rehearsal.request,
				{ url: `${baseUrl}/mm/quotes/q1/confirm`, method: 'POST', json: true, body: {}, ignoreHttpStatusErrors: true },
				{ timeoutMs: 2000, maxBytes: 1024 },
			);
			expect(response).toMatchObject({ status: 200, body: { data: { status: 'confirmed' } } });
		} finally {
			rehearsal.close();
		}
		expect(signed).toEqual([expect.objectContaining({ 'X-API-Key': 'stand-in' })]);
		expect(received).toEqual([]);
		expect(connections).toBe(0);
	});

	it('abortSignal: ends a request waiting for its answer, closing its connection, and leaves no listener on a signal once a request is done', async () => {
		const signal = new AbortController();
		const done = await client.request({ url: `${baseUrl}/done`, method: 'POST', abortSignal: signal.signal });
		(done as { body: NodeJS.ReadableStream }).body.resume();
		await new Promise((resolve) => (done as { body: NodeJS.ReadableStream }).body.once('end', resolve));
		await new Promise((resolve) => setImmediate(resolve));
		expect(getEventListeners(signal.signal, 'abort')).toHaveLength(0);

		const serverSocket = new Promise<Socket>((resolve) => (answer = (req) => resolve(req.socket)));
		const waiting = new AbortController();
		const pending = client.request({ url: `${baseUrl}/held`, method: 'POST', abortSignal: waiting.signal });
		const socket = await serverSocket;
		const closed = new Promise((resolve) => socket.once('close', resolve));
		waiting.abort(new Error('closing'));
		await expect(pending).rejects.toMatchObject({ name: 'AbortError', code: 'ABORT_ERR', cause: new Error('closing') });
		await closed;
		expect(getEventListeners(waiting.signal, 'abort')).toHaveLength(0);
	});

	it('reports a refused connection as the network error it is', async () => {
		client.close();
		server.closeAllConnections();
		await new Promise((resolve) => server.close(resolve));
		server.listen(0); // closed again in afterEach
		await expect(post('/nobody')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
	});
});
