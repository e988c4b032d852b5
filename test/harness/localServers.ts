/**
 * Loopback hosts that are not the venue, for the credential tests' wrong-host cases: a port
 * nothing listens on, and an HTTP server answering as the test says (a web page, JSON of another
 * service).
 */
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';

export { findFreePort as closedPort } from '../../tools/e2e/freePort';

export interface LocalServer {
	/** `http://127.0.0.1:<port>`, no trailing slash. */
	url: string;
	port: number;
	/** Closes the server and any connection a client left open. */
	stop(): Promise<void>;
}

/** An HTTP server on a free loopback port, answering every request with `handler`. */
export async function serveLocally(handler: RequestListener): Promise<LocalServer> {
	const server = createServer(handler);
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		port,
		stop: async () => {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

/** A web page where the venue's API should be: a proxy, a login page, the wrong host. */
export function serveWebPage(): Promise<LocalServer> {
	return serveLocally((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<html><body>Welcome</body></html>'));
}
