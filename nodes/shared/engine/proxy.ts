import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';

import { describeError, StreamFailure } from './errors';

/**
 * Streams through the HTTP proxy n8n uses for its own requests. n8n-core picks that proxy from the
 * environment with `proxy-from-env` (HTTP_PROXY / HTTPS_PROXY / ALL_PROXY and NO_PROXY, lower or
 * upper case, the lower-case one first); the same rules are written out here, since `zod` is the
 * only run-time dependency. A WebSocket is an HTTP request that upgrades, so `ws://`
 * goes by the http rules and `wss://` by the https rules. The tunnel is an HTTP CONNECT made with
 * Node's own `http`: the proxy sees the host and port, never the path, the query (keys) or the
 * frames of a `wss://` stream.
 */

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443, 'ws:': 80, 'wss:': 443 };

/** An environment variable as proxy-from-env reads it: the lower-case name first. */
function env(name: string): string {
	return process.env[name.toLowerCase()] || process.env[name.toUpperCase()] || '';
}

/** Whether NO_PROXY leaves this host and port out (proxy-from-env's rule: exact names, `.suffix`/`*.suffix`, optional `:port`, `*` for all). */
function bypassesProxy(hostname: string, port: number): boolean {
	const noProxy = (env('npm_config_no_proxy') || env('no_proxy')).toLowerCase();
	if (!noProxy) return false;
	if (noProxy === '*') return true;
	return noProxy.split(/[,\s]/).some((entry) => {
		if (!entry) return false;
		const withPort = /^(.+):(\d+)$/.exec(entry);
		let host = withPort ? withPort[1] : entry;
		if (withPort && Number(withPort[2]) !== port) return false;
		if (!/^[.*]/.test(host)) return hostname === host;
		if (host.startsWith('*')) host = host.slice(1);
		return hostname.endsWith(host);
	});
}

/** The proxy n8n would use for this URL, or undefined for a direct connection. */
export function proxyFor(target: URL): URL | undefined {
	const scheme = target.protocol === 'wss:' || target.protocol === 'https:' ? 'https' : 'http';
	const port = Number(target.port) || DEFAULT_PORTS[target.protocol] || 0;
	if (!target.hostname || bypassesProxy(target.hostname, port)) return undefined;
	const configured = env(`npm_config_${scheme}_proxy`) || env(`${scheme}_proxy`) || env('npm_config_proxy') || env('all_proxy');
	if (!configured) return undefined;
	const proxy = parseUrl(configured.includes('://') ? configured : `${scheme}://${configured}`);
	// A setting no retry fixes: refused, so an activation says so at once.
	if (!proxy)
		throw new StreamFailure(
			'rejected',
			`the ${scheme} proxy set in the environment (${scheme.toUpperCase()}_PROXY or ALL_PROXY) is not a URL`,
		);
	return proxy;
}

function parseUrl(text: string): URL | undefined {
	try {
		return new URL(text);
	} catch {
		return undefined;
	}
}

/** A proxy named for messages: its host and port, never its user and password. */
export function describeProxy(proxy: URL): string {
	return `the proxy ${proxy.host}`;
}

/**
 * An agent whose every connection is a CONNECT tunnel through `proxy`, TLS inside the tunnel for
 * https/wss. One per connection attempt (no keep-alive); opening the tunnel has its own deadline.
 */
export class TunnelAgent extends http.Agent {
	constructor(
		private readonly proxy: URL,
		private readonly secure: boolean,
		private readonly timeoutMs: number,
	) {
		super({ keepAlive: false });
		// http.request and https.request check that an agent speaks their protocol.
		(this as unknown as { protocol: string }).protocol = secure ? 'https:' : 'http:';
	}

	override createConnection(
		options: http.ClientRequestArgs & tls.ConnectionOptions,
		callback?: (error: Error | null, socket: Duplex) => void,
	): Duplex {
		const host = String(options.hostname ?? options.host ?? '').replace(/^\[|\]$/g, '');
		const port = Number(options.port) || (this.secure ? 443 : 80);
		openTunnel(this.proxy, host, port, this.timeoutMs).then(
			(socket) => {
				if (!this.secure) return callback?.(null, socket);
				// Certificates are checked as Node always does (never loosened here); `host` names the
				// certificate to expect when the venue is an IP address (no SNI then).
				const secured = tls.connect({
					socket,
					host,
					...(net.isIP(host) ? {} : { servername: host }),
					...(options.ca ? { ca: options.ca } : {}),
					ALPNProtocols: ['http/1.1'],
				});
				callback?.(null, secured);
			},
			(error: Error) => callback?.(error, undefined as unknown as Duplex),
		);
		// Node's Agent waits for the callback when nothing is returned.
		return undefined as unknown as Duplex;
	}
}

/** An HTTP CONNECT to `host:port` through `proxy`; resolves with the tunnel's socket. */
export function openTunnel(proxy: URL, host: string, port: number, timeoutMs: number): Promise<net.Socket> {
	const client = proxy.protocol === 'https:' ? https : http;
	const authority = `${net.isIPv6(host) ? `[${host}]` : host}:${port}`;
	const headers: Record<string, string> = { Host: authority };
	if (proxy.username) {
		const user = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
		headers['Proxy-Authorization'] = `Basic ${Buffer.from(user).toString('base64')}`;
	}
	return new Promise((resolve, reject) => {
		const request = client.request({
			host: proxy.hostname.replace(/^\[|\]$/g, ''),
			port: Number(proxy.port) || (proxy.protocol === 'https:' ? 443 : 80),
			method: 'CONNECT',
			path: authority,
			headers,
			agent: false,
		});
		const timer = setTimeout(
			() => request.destroy(new Error(`${describeProxy(proxy)} did not open a tunnel to ${authority} within ${timeoutMs} ms`)),
			timeoutMs,
		);
		request.once('connect', (response, socket, head) => {
			clearTimeout(timer);
			const status = response.statusCode ?? 0;
			// Any 2xx opens the tunnel (RFC 9110, CONNECT).
			if (status < 200 || status > 299) {
				socket.destroy();
				reject(new Error(`${describeProxy(proxy)} refused the tunnel to ${authority} (HTTP ${status})`));
				return;
			}
			if (head.length > 0) socket.unshift(head);
			resolve(socket);
		});
		request.once('error', (error) => {
			clearTimeout(timer);
			const said = describeError(error);
			reject(new Error(said.startsWith('the proxy') ? said : `cannot reach ${describeProxy(proxy)}: ${said}`));
		});
		request.end();
	});
}

/** The agent for one connection to `url`: a tunnel when the environment names a proxy for it, else undefined (direct). */
export function proxyAgentFor(url: URL, timeoutMs: number): TunnelAgent | undefined {
	const proxy = proxyFor(url);
	if (!proxy) return undefined;
	return new TunnelAgent(proxy, url.protocol === 'wss:' || url.protocol === 'https:', timeoutMs);
}
