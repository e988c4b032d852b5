/** A loopback TCP port nothing listens on right now (the OS picks it). */
import { createServer } from 'node:net';

export function findFreePort(host = '127.0.0.1'): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, host, () => {
			const address = server.address();
			server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port assigned'))));
		});
	});
}

/** Throws when something already listens on `port` (it could answer n8n's health checks in its place). */
export function assertPortFree(port: number, host = '127.0.0.1'): Promise<void> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.unref();
		server.once('error', (error: NodeJS.ErrnoException) =>
			reject(
				new Error(
					error.code === 'EADDRINUSE'
						? `Port ${port} on ${host} is already in use: stop what listens there, or choose another port`
						: error.message,
				),
			),
		);
		server.listen(port, host, () => server.close(() => resolve()));
	});
}
