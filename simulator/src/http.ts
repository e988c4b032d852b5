/** Small node:http helpers shared by every venue's REST handlers. */
import type { IncomingMessage, ServerResponse } from 'node:http';

export type BodyResult = { kind: 'ok'; text: string } | { kind: 'too-large'; bytes: number } | { kind: 'aborted' };

// Past this we stop draining and drop the connection: nobody legitimate sends that much.
const DRAIN_LIMIT_BYTES = 16 * 1024 * 1024;

/**
 * Reads the request body, keeping at most `limitBytes`. An oversized body is still drained
 * (up to a hard cap) so the client reads our 413 instead of a connection reset.
 */
export function readBody(req: IncomingMessage, limitBytes: number): Promise<BodyResult> {
	return new Promise((resolve) => {
		const chunks: Buffer[] = [];
		let bytes = 0;
		let settled = false;
		const settle = (result: BodyResult): void => {
			if (settled) return;
			settled = true;
			resolve(result);
		};
		req.on('data', (chunk: Buffer) => {
			bytes += chunk.length;
			if (bytes <= limitBytes) chunks.push(chunk);
			else if (bytes > DRAIN_LIMIT_BYTES) {
				settle({ kind: 'too-large', bytes });
				req.destroy();
			}
		});
		req.on('end', () =>
			settle(bytes > limitBytes ? { kind: 'too-large', bytes } : { kind: 'ok', text: Buffer.concat(chunks).toString('utf8') }),
		);
		req.on('error', () => settle({ kind: 'aborted' }));
		req.on('close', () => settle({ kind: 'aborted' }));
	});
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string | number> = {}): void {
	if (res.headersSent || res.destroyed) return;
	const text = JSON.stringify(body);
	res.writeHead(status, {
		'Content-Type': 'application/json; charset=utf-8',
		'Content-Length': Buffer.byteLength(text),
		...headers,
	});
	res.end(text);
}

export function sendEmpty(res: ServerResponse, status: number, headers: Record<string, string | number> = {}): void {
	if (res.headersSent || res.destroyed) return;
	res.writeHead(status, headers);
	res.end();
}

/** The path part of a request URL, without query string. */
export function pathOf(req: IncomingMessage): string {
	const url = req.url ?? '/';
	const query = url.indexOf('?');
	return query === -1 ? url : url.slice(0, query);
}

/** The key a request presents: `X-API-Key`, else `Authorization: Bearer <key>`. */
export function presentedApiKey(req: IncomingMessage): string | undefined {
	const header = req.headers['x-api-key'];
	const direct = Array.isArray(header) ? header[0] : header;
	if (direct) return direct.trim();
	const authorization = req.headers.authorization;
	const match = authorization ? /^Bearer\s+(.+)$/i.exec(authorization.trim()) : null;
	return match ? match[1].trim() : undefined;
}

export type JsonObjectResult = { ok: true; value: Record<string, unknown> } | { ok: false; message: string };

/** A request body as a JSON object; the message says what is wrong otherwise. */
export function parseJsonObject(text: string): JsonObjectResult {
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch {
		return { ok: false, message: 'Body is not valid JSON' };
	}
	if (typeof json !== 'object' || json === null || Array.isArray(json)) return { ok: false, message: 'Body must be a JSON object' };
	return { ok: true, value: json as Record<string, unknown> };
}
