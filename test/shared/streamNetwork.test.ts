/**
 * Streams and n8n's network settings (issue 15): the WebSocket and SSE connections go through the
 * proxy the environment names, as n8n's own requests do, and keep to the credential's "Allowed
 * HTTP Request Domains". Through the Totalis Trigger (a WebSocket source and an SSE source) and
 * n8n-core's TriggerContext, against the simulator, with a small CONNECT proxy in the test that
 * records every tunnel and the first line sent through it.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

import { isDomainAllowed } from 'n8n-workflow';

import { isHostAllowed } from '../../nodes/shared/engine/allowedDomains';
import { proxyFor, TunnelAgent } from '../../nodes/shared/engine/proxy';
import { selfSignedCertificate, type Certificate } from '../harness/certificate';
import { useTotalisEnvironment } from '../totalis/fixtures';

interface Tunnel {
	target: string;
	/** The first line the client sent through the tunnel (plain http/ws only): which request it carried. */
	firstLine: Promise<string>;
}

/** An HTTP proxy that opens CONNECT tunnels and forwards plain requests, recording both. */
class CountingProxy {
	readonly tunnels: Tunnel[] = [];
	readonly forwarded: string[] = [];
	refuseWith?: number;
	private readonly server = http.createServer((req, res) => this.forward(req, res));
	private readonly sockets = new Set<net.Socket>();

	constructor() {
		this.server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => this.tunnel(req, client, head));
		this.server.on('connection', (socket: net.Socket) => {
			this.sockets.add(socket);
			socket.once('close', () => this.sockets.delete(socket));
		});
	}

	get url() {
		return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
	}

	async listen() {
		await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
	}

	async close() {
		for (const socket of this.sockets) socket.destroy();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}

	private tunnel(req: http.IncomingMessage, client: net.Socket, head: Buffer) {
		if (this.refuseWith) {
			client.end(`HTTP/1.1 ${this.refuseWith} Refused\r\nContent-Length: 0\r\n\r\n`);
			return;
		}
		const [host, port] = String(req.url).split(':');
		const firstLine = new Promise<string>((resolve) =>
			client.once('data', (chunk: Buffer) => resolve(chunk.toString('latin1').split('\r\n')[0])),
		);
		this.tunnels.push({ target: String(req.url), firstLine });
		const upstream = net.connect(Number(port), host, () => {
			client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
			if (head.length > 0) upstream.write(head);
			upstream.pipe(client);
			client.pipe(upstream);
		});
		this.sockets.add(upstream);
		upstream.once('close', () => this.sockets.delete(upstream));
		upstream.on('error', () => client.destroy());
		client.on('error', () => upstream.destroy());
	}

	/** Plain-http requests sent to a forward proxy (n8n-core's own REST calls, when it routes them here). */
	private forward(req: http.IncomingMessage, res: http.ServerResponse) {
		this.forwarded.push(`${req.method} ${req.url}`);
		const upstream = http.request(String(req.url), { method: req.method, headers: req.headers }, (answer) => {
			res.writeHead(answer.statusCode ?? 502, answer.headers);
			answer.pipe(res);
		});
		upstream.on('error', () => res.destroy());
		req.pipe(upstream);
	}
}

const PROXY_VARIABLES = ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'ALL_PROXY', 'all_proxy', 'NO_PROXY', 'no_proxy'];

function withEnvironment(values: Record<string, string>) {
	for (const name of PROXY_VARIABLES) delete process.env[name];
	Object.assign(process.env, values);
}

describe('streams through the proxy from the environment', () => {
	const env = useTotalisEnvironment();
	const proxy = new CountingProxy();
	const saved = Object.fromEntries(PROXY_VARIABLES.map((name) => [name, process.env[name]]));

	beforeAll(() => proxy.listen());
	afterAll(() => proxy.close());
	beforeEach(() => {
		proxy.tunnels.length = 0;
		proxy.forwarded.length = 0;
		proxy.refuseWith = undefined;
	});
	afterEach(() => {
		for (const name of PROXY_VARIABLES) {
			if (saved[name] === undefined) delete process.env[name];
			else process.env[name] = saved[name];
		}
	});

	const simHost = () => new URL(env.sim.totalis.wsUrl).host;

	it('WebSocket: connects through an HTTP_PROXY tunnel to the venue', async () => {
		withEnvironment({ HTTP_PROXY: proxy.url });
		await env.start();
		const streams = proxy.tunnels.filter((tunnel) => tunnel.target === simHost());
		expect(streams).toHaveLength(1);
		await expect(streams[0].firstLine).resolves.toMatch(/^GET \/totalis\/ws HTTP\/1\.1$/);
	});

	it('WebSocket: the lower-case http_proxy and ALL_PROXY are read too', async () => {
		withEnvironment({ http_proxy: proxy.url });
		await env.start();
		expect(proxy.tunnels.filter((tunnel) => tunnel.target === simHost())).toHaveLength(1);

		withEnvironment({ ALL_PROXY: proxy.url });
		await env.start();
		expect(proxy.tunnels.filter((tunnel) => tunnel.target === simHost())).toHaveLength(2);
	});

	it('WebSocket: connects directly when NO_PROXY matches the venue host', async () => {
		withEnvironment({ HTTP_PROXY: proxy.url, NO_PROXY: 'example.com, 127.0.0.1' });
		await env.start();
		expect(proxy.tunnels).toHaveLength(0);
	});

	it('SSE (quote requests): the stream goes through the tunnel, and not when no_proxy matches', async () => {
		withEnvironment({ HTTP_PROXY: proxy.url });
		env.sim.totalis.createQuoteRequest();
		const trigger = await env.start({ source: 'quoteRequests', mmHeartbeatMs: 0 });
		await trigger.waitForItems(1);
		const lines = await Promise.all(proxy.tunnels.map((tunnel) => tunnel.firstLine));
		expect(lines).toContain('GET /totalis/v1/mm/quote-requests/stream HTTP/1.1');
		await trigger.close();

		proxy.tunnels.length = 0;
		withEnvironment({ HTTP_PROXY: proxy.url, no_proxy: `127.0.0.1:${new URL(env.sim.totalis.wsUrl).port}` });
		const direct = await env.start({ source: 'quoteRequests', mmHeartbeatMs: 0 });
		await direct.waitForItems(1);
		expect(proxy.tunnels).toHaveLength(0);
	});

	it('a proxy that refuses the tunnel fails the activation, naming the proxy but not its password', async () => {
		proxy.refuseWith = 407;
		const withPassword = proxy.url.replace('http://', 'http://user:s3cret-proxy-pass@');
		withEnvironment({ HTTP_PROXY: withPassword });
		const failure = env.start();
		await expect(failure).rejects.toThrow(/the proxy 127\.0\.0\.1:\d+ refused the tunnel to 127\.0\.0\.1:\d+ \(HTTP 407\)/);
		await expect(failure).rejects.not.toThrow(/s3cret-proxy-pass/);
	});
});

describe('TLS inside the tunnel (wss, https)', () => {
	const env = useTotalisEnvironment();
	const proxy = new CountingProxy();
	let tlsFiles: Certificate;
	let certificate: string;
	let server: https.Server;
	const saved = Object.fromEntries(PROXY_VARIABLES.map((name) => [name, process.env[name]]));

	beforeAll(async () => {
		// A certificate of its own for 127.0.0.1, trusted by nothing on this machine.
		tlsFiles = selfSignedCertificate('IP:127.0.0.1');
		certificate = tlsFiles.cert;
		server = https.createServer({ key: tlsFiles.key, cert: certificate }, (_req, res) => res.end('hello over tls'));
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		await proxy.listen();
	});
	afterAll(async () => {
		server.closeAllConnections();
		await new Promise<void>((resolve) => server.close(() => resolve()));
		await proxy.close();
		tlsFiles.remove();
	});
	afterEach(() => {
		for (const name of PROXY_VARIABLES) {
			if (saved[name] === undefined) delete process.env[name];
			else process.env[name] = saved[name];
		}
	});

	const serverHost = () => `127.0.0.1:${(server.address() as AddressInfo).port}`;

	it('checks the venue certificate end to end: a wss stream to an untrusted certificate is refused through the tunnel', async () => {
		withEnvironment({ HTTPS_PROXY: proxy.url });
		env.useCredentials({ wsUrl: `wss://${serverHost()}/ws` });
		await expect(env.start()).rejects.toThrow(/self[- ]signed certificate/);
		expect(proxy.tunnels.map((tunnel) => tunnel.target)).toContain(serverHost());
	});

	it('speaks TLS with the venue inside the tunnel when its certificate is trusted', async () => {
		const before = proxy.tunnels.length;
		const body = await new Promise<string>((resolve, reject) => {
			const request = https.get(
				{
					host: '127.0.0.1',
					port: (server.address() as AddressInfo).port,
					path: '/',
					ca: certificate,
					agent: new TunnelAgent(new URL(proxy.url), true, 2000),
				},
				(response) => {
					let text = '';
					response.setEncoding('utf8');
					response.on('data', (chunk: string) => (text += chunk));
					response.on('end', () => resolve(text));
				},
			);
			request.on('error', reject);
		});
		expect(body).toBe('hello over tls');
		expect(proxy.tunnels.slice(before).map((tunnel) => tunnel.target)).toEqual([serverHost()]);
	});
});

describe('the proxy n8n would pick (proxy-from-env rules)', () => {
	const saved = { ...process.env };
	afterEach(() => {
		for (const name of PROXY_VARIABLES) {
			if (saved[name] === undefined) delete process.env[name];
			else process.env[name] = saved[name];
		}
	});

	it.each([
		[{ HTTP_PROXY: 'http://p:1' }, 'ws://venue.example/ws', 'http://p:1/'],
		[{ HTTP_PROXY: 'http://p:1' }, 'wss://venue.example/ws', undefined],
		[{ HTTPS_PROXY: 'http://p:2' }, 'wss://venue.example/ws', 'http://p:2/'],
		[{ https_proxy: 'p:3', HTTPS_PROXY: 'http://other:9' }, 'https://venue.example/sse', 'https://p:3/'],
		[{ ALL_PROXY: 'http://p:4' }, 'wss://venue.example/ws', 'http://p:4/'],
		[{ HTTPS_PROXY: 'http://p:2', NO_PROXY: '*' }, 'wss://venue.example/ws', undefined],
		[{ HTTPS_PROXY: 'http://p:2', NO_PROXY: '.example' }, 'wss://venue.example/ws', undefined],
		[{ HTTPS_PROXY: 'http://p:2', NO_PROXY: '*.example' }, 'wss://venue.example/ws', undefined],
		[{ HTTPS_PROXY: 'http://p:2', NO_PROXY: 'venue.example:80' }, 'wss://venue.example/ws', 'http://p:2/'],
		[{ HTTPS_PROXY: 'http://p:2', NO_PROXY: 'venue.example:443' }, 'wss://venue.example/ws', undefined],
		[{ HTTPS_PROXY: 'http://p:2', NO_PROXY: 'other.example' }, 'wss://venue.example/ws', 'http://p:2/'],
	])('%j for %s → %s', (variables, url, expected) => {
		withEnvironment(variables as Record<string, string>);
		expect(proxyFor(new URL(url))?.href).toBe(expected);
	});

	it('refuses a proxy setting that is not a URL, naming the variables and not the value', () => {
		withEnvironment({ HTTPS_PROXY: 'http://user:pw@[not-a-host' });
		expect(() => proxyFor(new URL('wss://venue.example/ws'))).toThrow(
			/^the https proxy set in the environment \(HTTPS_PROXY or ALL_PROXY\) is not a URL$/,
		);
	});
});

describe('streams and the credential’s Allowed HTTP Request Domains', () => {
	const env = useTotalisEnvironment();

	it('refuses a WebSocket URL outside the list at activation, naming the host and the setting, before connecting', async () => {
		env.useCredentials({ allowedHttpRequestDomains: 'domains', allowedDomains: 'api.totalis.trade, *.totalis.trade' } as never);
		const upgrades: unknown[] = [];
		const off = env.sim.totalis.events.on('ws:connection', (event) => upgrades.push(event));
		await expect(env.start()).rejects.toThrow(
			/Domain not allowed: the Totalis API credential's "Allowed HTTP Request Domains" is set to specific domains \(api\.totalis\.trade, \*\.totalis\.trade\), and the stream host 127\.0\.0\.1 is not one of them/,
		);
		off();
		expect(upgrades).toEqual([]);
	});

	it('refuses the SSE stream outside the list too, and an empty list refuses every host', async () => {
		env.useCredentials({ allowedHttpRequestDomains: 'domains', allowedDomains: 'api.totalis.trade' } as never);
		await expect(env.start({ source: 'quoteRequests', mmHeartbeatMs: 0 })).rejects.toThrow(/stream host 127\.0\.0\.1 is not one of them/);
		expect(env.sim.totalis.openStreams()).toBe(0);

		env.useCredentials({ allowedHttpRequestDomains: 'domains', allowedDomains: ' ' } as never);
		await expect(env.start()).rejects.toThrow(/set to specific domains but lists none, so the stream host 127\.0\.0\.1 is refused/);
	});

	it('connects when the host is in the list, and when the setting is All or None (None is about the HTTP Request node)', async () => {
		env.useCredentials({ allowedHttpRequestDomains: 'domains', allowedDomains: 'api.totalis.trade, 127.0.0.1' } as never);
		await expect(env.start()).resolves.toBeDefined();
		env.useCredentials({ allowedHttpRequestDomains: 'none', allowedDomains: 'api.totalis.trade' } as never);
		await expect(env.start()).resolves.toBeDefined();
		env.useCredentials({ allowedHttpRequestDomains: 'all' } as never);
		await expect(env.start()).resolves.toBeDefined();
	});

	it.each([
		['venue.example', 'venue.example', true],
		['VENUE.example.', 'venue.example', true],
		['ws.venue.example', '*.venue.example', true],
		['venue.example', '*.venue.example', false],
		['evilvenue.example', '*.venue.example', false],
		['ws.venue.example', 'venue.example', false],
		['other.example', 'venue.example, other.example', true],
		['127.0.0.1', '127.0.0.1', true],
		['venue.example', '*.', false],
	])('host %s with "%s" → %s, as n8n decides', (host, list, expected) => {
		expect(isHostAllowed(host, list)).toBe(expected);
		expect(isDomainAllowed({ url: `wss://${host}/ws`, allowedDomains: list })).toBe(expected);
	});
});
