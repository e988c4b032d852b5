/**
 * The far end of the flood workflows: their last node calls GET /count?items=<n> once per
 * execution, so the bench counts finished executions and the items they carried without
 * saving any execution data in n8n.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CountSnapshot {
	executions: number;
	items: number;
}

export interface ExecutionCounter {
	/** http://127.0.0.1:<port>/count */
	readonly url: string;
	read(): CountSnapshot;
	reset(): void;
	close(): Promise<void>;
}

export async function startExecutionCounter(): Promise<ExecutionCounter> {
	let counts: CountSnapshot = { executions: 0, items: 0 };
	const server = createServer((request, response) => {
		const url = new URL(request.url ?? '/', 'http://127.0.0.1');
		const items = Number(url.searchParams.get('items'));
		if (url.pathname !== '/count' || !Number.isInteger(items) || items < 0) {
			response.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"expected /count?items=<whole number>"}');
			return;
		}
		counts = { executions: counts.executions + 1, items: counts.items + items };
		response.writeHead(200, { 'content-type': 'application/json' }).end('{"counted":true}');
	});
	server.keepAliveTimeout = 60_000;
	server.listen(0, '127.0.0.1');
	await once(server, 'listening');
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}/count`,
		read: () => ({ ...counts }),
		reset: () => (counts = { executions: 0, items: 0 }),
		close: async () => {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
