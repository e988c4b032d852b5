/**
 * The shared REST client (nodes/shared/rest), venue-agnostic: from an action node's
 * IExecuteFunctions and from a trigger's ITriggerFunctions, both run by n8n-core, against a
 * scripted HTTP server (for answers no venue simulator gives) and the Totalis simulator.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	ITriggerFunctions,
	ITriggerResponse,
} from 'n8n-workflow';
import { z } from 'zod';
import { TotalisApi } from '../../credentials/TotalisApi.credentials';
import { Redactor } from '../../nodes/shared/redact';
import {
	RequestCancelledError,
	fallbackVenueError,
	requestJson,
	retryWaitMs,
	sleep,
	venueErrorFromEnvelope,
	type RequestJsonOptions,
	type VenueError,
	type UnexpectedReplyError,
} from '../../nodes/shared/rest';
import { compileGuard } from '../../nodes/shared/engine/validation';
import { parseTotalisError } from '../../nodes/Totalis/transport';
import { runActions } from '../../nodes/shared/actions/runActions';
import { startSimulator, type VenueSimulator } from 'trading-venues-simulator';
import { N8nHarness, allLogText, logLines, useSimulatorCredentials, type LogLine, type NodeRunResult } from '../harness/n8n';

const KEY = 'api_live_rest_client_key_777';

// ---------------------------------------------------------------------------------------------
// A scripted HTTP server: answers from a queue, records what arrived and when.

interface Scripted {
	status: number;
	headers?: Record<string, string>;
	body?: unknown;
	/** Runs once the answer went out. */
	then?: () => void;
}

interface Seen {
	method: string;
	url: string;
	headers: IncomingMessage['headers'];
	body: string;
	at: number;
}

class ScriptServer {
	readonly queue: Scripted[] = [];
	readonly seen: Seen[] = [];
	private readonly server: Server;
	url = '';

	constructor() {
		this.server = createServer((req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (chunk: Buffer) => chunks.push(chunk));
			req.on('end', () => {
				this.seen.push({
					method: req.method ?? '',
					url: req.url ?? '',
					headers: req.headers,
					body: Buffer.concat(chunks).toString('utf8'),
					at: Date.now(),
				});
				const next = this.queue.shift() ?? { status: 200, body: { ok: true } };
				const text = typeof next.body === 'string' ? next.body : next.body === undefined ? '' : JSON.stringify(next.body);
				const contentType = typeof next.body === 'string' ? 'text/html' : 'application/json';
				res.writeHead(next.status, { 'Content-Type': contentType, ...next.headers });
				res.end(text, next.then);
			});
		});
	}

	async start() {
		await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
		this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
	}

	reset() {
		this.queue.length = 0;
		this.seen.length = 0;
	}

	async close() {
		this.server.closeAllConnections();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}
}

// ---------------------------------------------------------------------------------------------
// Test nodes that call the client: an action node and a trigger.

type ProbeCall = Omit<RequestJsonOptions, 'credentialType' | 'redactor' | 'parseError'> & Partial<Pick<RequestJsonOptions, 'parseError'>>;

/** What the probe node calls next (the test sets it; functions cannot travel as node parameters). */
let probeCall: ProbeCall;

const probeDescription = (
	name: string,
	group: INodeTypeDescription['group'],
	inputs: INodeTypeDescription['inputs'],
): INodeTypeDescription => ({
	displayName: name,
	name,
	group,
	version: 1,
	description: 'test probe for the shared REST client',
	defaults: { name },
	inputs,
	outputs: ['main'] as INodeTypeDescription['outputs'],
	credentials: [{ name: 'totalisApi', required: true }],
	properties: [],
});

/** An action node on the shared execute loop, calling `probeCall` for every item. */
class ActionProbe implements INodeType {
	description: INodeTypeDescription = {
		...probeDescription('actionProbe', ['transform'], ['main'] as INodeTypeDescription['inputs']),
		properties: [
			{ displayName: 'Resource', name: 'resource', type: 'string', default: 'thing' },
			{ displayName: 'Operation', name: 'operation', type: 'string', default: 'read' },
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const credentials = await this.getCredentials<{ apiKey: string }>('totalisApi');
		const redactor = new Redactor([credentials.apiKey]);
		const handlers = {
			thing: {
				read: async function (this: IExecuteFunctions, itemIndex: number) {
					const response = await requestJson(this, {
						credentialType: 'totalisApi',
						redactor,
						parseError: fallbackVenueError,
						itemIndex,
						...probeCall,
					});
					return { understood: response.body as IDataObject };
				},
			},
		};
		return await runActions(this, handlers, { redactor });
	}
}

class RestProbe implements INodeType {
	description = probeDescription('restProbe', ['transform'], ['main'] as INodeTypeDescription['inputs']);

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const credentials = await this.getCredentials<{ apiKey: string }>('totalisApi');
		const response = await requestJson(this, {
			credentialType: 'totalisApi',
			redactor: new Redactor([credentials.apiKey]),
			parseError: fallbackVenueError,
			...probeCall,
		});
		const { status, body, attempts, waitedMs, headers } = response;
		return [
			[{ json: { status, body: body as IDataObject, attempts, waitedMs, contentType: headers['content-type'] }, pairedItem: { item: 0 } }],
		];
	}
}

/** What the trigger probe's background call ended with. */
let triggerOutcome: Promise<unknown> | undefined;

class TriggerProbe implements INodeType {
	description = probeDescription('triggerProbe', ['trigger'], []);

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		const credentials = await this.getCredentials<{ apiKey: string; baseUrl: string }>('totalisApi');
		const abort = new AbortController();
		const redactor = new Redactor([credentials.apiKey]);
		// One call at start, awaited (as a trigger's first heartbeat), then one in the background.
		const first = await requestJson(this, {
			credentialType: 'totalisApi',
			venue: 'Totalis',
			action: 'send the market-maker heartbeat',
			baseUrl: credentials.baseUrl,
			method: 'POST',
			path: '/v1/mm/heartbeat',
			redactor,
			parseError: parseTotalisError,
			signal: abort.signal,
		});
		this.emit([[{ json: { first: first.body as IDataObject } }]]);
		triggerOutcome = requestJson(this, {
			credentialType: 'totalisApi',
			venue: 'Totalis',
			action: 'send the market-maker heartbeat',
			baseUrl: credentials.baseUrl,
			method: 'POST',
			path: '/v1/mm/heartbeat',
			redactor,
			parseError: parseTotalisError,
			retry: { rateLimitMaxWaitMs: 120_000 },
			signal: abort.signal,
		});
		triggerOutcome.catch(() => undefined);
		return {
			closeFunction: async () => {
				abort.abort();
			},
		};
	}
}

/** Resolves when a log line matching `pattern` is written (by watching the harness's recorder). */
function nextLog(pattern: RegExp): Promise<void> {
	return new Promise((resolve) => {
		const original = logLines.push;
		logLines.push = function (this: LogLine[], ...lines: LogLine[]) {
			const length = original.apply(this, lines);
			if (lines.some((line) => pattern.test(line.message))) {
				logLines.push = original;
				resolve();
			}
			return length;
		};
	});
}

const harness = new N8nHarness({
	nodes: { restProbe: RestProbe, actionProbe: ActionProbe, triggerProbe: TriggerProbe },
	credentialTypes: [TotalisApi],
});
const script = new ScriptServer();
let sim: VenueSimulator;

beforeAll(async () => {
	await script.start();
	sim = await startSimulator({ port: 0 });
});

beforeEach(() => {
	script.reset();
	sim.totalis.faults.reset();
	harness.setCredentials('totalisApi', { apiKey: KEY, baseUrl: script.url, wsUrl: 'ws://127.0.0.1:1/ws' });
});

afterAll(async () => {
	await script.close();
	await sim?.close();
});

async function probe(call: ProbeCall): Promise<NodeRunResult> {
	probeCall = call;
	const result = await harness.executeNode('restProbe', {}, 'totalisApi');
	const text = JSON.stringify({
		items: result.items,
		error: result.error && {
			...result.error,
			message: result.error.message,
			description: result.error.description,
			stack: result.error.stack,
		},
	});
	expect(text).not.toContain(KEY);
	expect(text).not.toContain(sim.totalis.apiKey);
	return result;
}

const base = { venue: 'Example', action: 'read the thing', method: 'GET' as const, path: '/v2/things/42' };

// ---------------------------------------------------------------------------------------------

describe('retryWaitMs: how long the venue asked to wait', () => {
	const now = Date.parse('2026-06-01T12:00:00.000Z');

	it('prefers the body hint, then Retry-After, then X-RateLimit-Reset', () => {
		const headers = { 'retry-after': '7', 'x-ratelimit-reset': String(now / 1000 + 30) };
		expect(retryWaitMs(headers, 2, now)).toBe(2000);
		expect(retryWaitMs(headers, undefined, now)).toBe(7000);
		expect(retryWaitMs({ 'x-ratelimit-reset': String(now / 1000 + 30) }, undefined, now)).toBe(30_000);
	});

	it('reads Retry-After as seconds (fractions too) or as an HTTP date', () => {
		expect(retryWaitMs({ 'retry-after': '0.25' }, undefined, now)).toBe(250);
		expect(retryWaitMs({ 'retry-after': 'Mon, 01 Jun 2026 12:00:05 GMT' }, undefined, now)).toBe(5000);
	});

	it('reads X-RateLimit-Reset as epoch seconds, epoch milliseconds, or seconds from now', () => {
		expect(retryWaitMs({ 'x-ratelimit-reset': String(now / 1000 + 4) }, undefined, now)).toBe(4000);
		expect(retryWaitMs({ 'x-ratelimit-reset': String(now + 1500) }, undefined, now)).toBe(1500);
		expect(retryWaitMs({ 'x-ratelimit-reset': '12' }, undefined, now)).toBe(12_000);
		expect(retryWaitMs({ 'x-ratelimit-reset': String(now / 1000 - 10) }, undefined, now)).toBe(0);
	});

	it('gives undefined without any hint, and ignores garbage', () => {
		expect(retryWaitMs({}, undefined, now)).toBeUndefined();
		expect(retryWaitMs({ 'retry-after': 'soon', 'x-ratelimit-reset': 'later' }, Number.NaN, now)).toBeUndefined();
	});
});

describe('sleep', () => {
	it('resolves after the delay', async () => {
		const started = Date.now();
		await sleep(30);
		expect(Date.now() - started).toBeGreaterThanOrEqual(29);
	});

	it('rejects as soon as a signal aborts, and leaves no timer behind', async () => {
		const timersBefore = process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
		const controller = new AbortController();
		// 60 s, beyond the test's timeout: only the abort can end it in time.
		const pending = sleep(60_000, [undefined, controller.signal]);
		expect(process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length).toBe(timersBefore + 1);
		controller.abort();
		await expect(pending).rejects.toBeInstanceOf(RequestCancelledError);
		expect(process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length).toBe(timersBefore);
	});

	it('rejects at once when a signal has already aborted', async () => {
		await expect(sleep(10, [AbortSignal.abort()])).rejects.toBeInstanceOf(RequestCancelledError);
	});
});

describe('requestJson from an action node (IExecuteFunctions)', () => {
	it('sends the credential header, JSON in and out, and returns status, body and attempts', async () => {
		script.queue.push({ status: 201, body: { id: 'thing-42' } });
		const result = await probe({ ...base, method: 'POST', baseUrl: `${script.url}/api/`, body: { size: 3 }, qs: { dry: 'yes' } });
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toEqual({
			status: 201,
			body: { id: 'thing-42' },
			attempts: 1,
			waitedMs: 0,
			contentType: 'application/json',
		});
		expect(script.seen).toHaveLength(1);
		const [seen] = script.seen;
		expect(seen.method).toBe('POST');
		expect(seen.url).toBe('/api/v2/things/42?dry=yes');
		expect(seen.headers['x-api-key']).toBe(KEY);
		expect(seen.headers.accept).toBe('application/json');
		expect(JSON.parse(seen.body)).toEqual({ size: 3 });
	});

	it('on 429 without a body hint, waits the Retry-After header, then retries', async () => {
		script.queue.push({ status: 429, headers: { 'Retry-After': '0.3' }, body: 'slow down' });
		const result = await probe({ ...base, baseUrl: script.url });
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ status: 200, attempts: 2 });
		expect(result.items[0].json.waitedMs).toBeGreaterThanOrEqual(300);
		expect(script.seen).toHaveLength(2);
		expect(script.seen[1].at - script.seen[0].at).toBeGreaterThanOrEqual(300);
	});

	it('on 429 whose wait would pass retryUntil, fails at once naming the deadline', async () => {
		script.queue.push({ status: 429, headers: { 'Retry-After': '5' }, body: { error: 'busy' } });
		const deadline = new Date(Date.now() + 1000);
		const result = await probe({ ...base, baseUrl: script.url, retry: { retryUntil: deadline, retryOnStatus: [503] } });
		expect(result.error?.httpCode).toBe('429');
		expect(result.error?.message).toMatch(/^Example rate limit: could not read the thing; retry after /);
		expect(result.error?.description).toContain(`would pass the deadline ${deadline.toISOString()}`);
		expect(script.seen).toHaveLength(1);
	});

	it('retries a listed status only when a deadline is given', async () => {
		script.queue.push({ status: 503, body: { error: 'down' } });
		const withoutDeadline = await probe({ ...base, baseUrl: script.url, retry: { retryOnStatus: [503] } });
		expect(withoutDeadline.error?.httpCode).toBe('503');
		expect(script.seen).toHaveLength(1);

		script.reset();
		script.queue.push({ status: 503, body: { error: 'down' } }, { status: 503, body: { error: 'down' } });
		const withDeadline = await probe({
			...base,
			baseUrl: script.url,
			retry: { retryOnStatus: [503], retryUntil: new Date(Date.now() + 5000) },
		});
		expect(withDeadline.error).toBeUndefined();
		expect(withDeadline.items[0].json).toMatchObject({ status: 200, attempts: 3 });
		// Short backoff: 100 ms, then 200 ms.
		expect(script.seen[1].at - script.seen[0].at).toBeGreaterThanOrEqual(100);
		expect(script.seen[2].at - script.seen[1].at).toBeGreaterThanOrEqual(200);
	});

	it('retries a listed status on its own backoff, ignoring the wait hints that belong to 429', async () => {
		const hints = { 'Retry-After': '30', 'X-RateLimit-Reset': String(Math.ceil(Date.now() / 1000) + 3600) };
		script.queue.push({ status: 503, headers: hints, body: { error: 'down' } }, { status: 503, headers: hints, body: { error: 'down' } });
		const deadline = new Date(Date.now() + 5000);
		const result = await probe({ ...base, baseUrl: script.url, retry: { retryOnStatus: [503], retryUntil: deadline } });
		expect(result.error).toBeUndefined();
		// The waits the client planned: its own backoff, not the 30 s the hints asked for.
		expect(result.items[0].json).toMatchObject({ status: 200, attempts: 3, waitedMs: 300 });
	});

	it('sends nothing when a retry wait ends too close to the deadline (a busy machine ran its timer late)', async () => {
		const deadline = Date.now() + 400;
		// Once the 503 is out, the client plans a retry in 100 ms; then the process is busy past the deadline.
		const stall = () =>
			setTimeout(() => {
				while (Date.now() < deadline + 20) {
					// blocking the event loop, as a loaded machine does
				}
			}, 30);
		script.queue.push({ status: 503, body: { error: 'down' }, then: stall });
		const result = await probe({ ...base, baseUrl: script.url, retry: { retryOnStatus: [503], retryUntil: new Date(deadline) } });
		expect(result.error?.httpCode).toBe('503');
		expect(result.error?.description).toContain('leaves no time for another');
		expect(script.seen).toHaveLength(1);
	});

	it('does not retry statuses it was not asked to', async () => {
		script.queue.push({ status: 500, body: { error: 'boom' } });
		const result = await probe({ ...base, baseUrl: script.url, retry: { retryOnStatus: [503], retryUntil: new Date(Date.now() + 5000) } });
		expect(result.error?.httpCode).toBe('500');
		expect(script.seen).toHaveLength(1);
	});

	it('turns an answer that is not the venue envelope (a proxy page) into a readable error', async () => {
		script.queue.push({ status: 502, body: '<html><body><h1>502 Bad Gateway</h1></body></html>' });
		const result = await probe({ ...base, baseUrl: script.url });
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.message).toBe('Example could not read the thing: 502 Bad Gateway (HTTP_502, HTTP 502)');
		expect(result.error?.description).toMatch(/problem on its side/);
	});

	it('uses the venue parser and the operation wording', async () => {
		script.queue.push({ status: 409, body: { problem: { kind: 'stale', text: 'moved on' } } });
		const parseError = (_status: number, body: unknown): VenueError => {
			const problem = (body as { problem: { kind: string; text: string } }).problem;
			return { code: problem.kind, message: problem.text, details: { hint: 'x' } };
		};
		const result = await probe({
			...base,
			baseUrl: script.url,
			parseError,
			describeError: (error) => (error.code === 'stale' ? { message: 'The thing is stale; fetch it again' } : undefined),
		});
		expect(result.error?.message).toBe('The thing is stale; fetch it again');
		expect(result.error?.httpCode).toBe('409');
		expect(result.error?.context).toMatchObject({ code: 'stale', venueMessage: 'moved on', details: { hint: 'x' }, httpStatus: 409 });
	});

	it('scrubs a key the venue echoes back from the message and the error context', async () => {
		script.queue.push({ status: 401, body: { error: `Invalid API key ${KEY}` } });
		const parseError = (_status: number, body: unknown): VenueError => ({
			code: 'UNAUTHORIZED',
			message: (body as { error: string }).error,
			details: body,
		});
		const result = await probe({ ...base, baseUrl: script.url, parseError });
		expect(result.error?.message).toBe('Example could not read the thing: Invalid API key *** (UNAUTHORIZED, HTTP 401)');
		expect(result.error?.context).toMatchObject({ venueMessage: 'Invalid API key ***', details: { error: 'Invalid API key ***' } });
	});

	it("cuts a venue's huge message and details, masking a key even where the cut falls inside it", async () => {
		const message = `${'m'.repeat(995)}${KEY} and more`;
		script.queue.push({ status: 400, body: { error: { code: 'BAD_INPUT', message, details: { echo: 'd'.repeat(50_000) } } } });
		const parseError = (status: number, body: unknown) => venueErrorFromEnvelope(status, body, 'code');
		const result = await probe({ ...base, baseUrl: script.url, parseError });
		const context = result.error?.context ?? {};
		expect(context.venueMessage).toBe(`${'m'.repeat(995)}*** a…(truncated)`);
		expect(result.error?.message).not.toContain(KEY.slice(0, 5));
		expect(String(context.details)).toHaveLength(10_000 + '…(truncated)'.length);
		expect(String(context.details).startsWith('{"echo":"ddd')).toBe(true);
	});

	it('does not turn a 2xx the schema rejects into a NodeApiError: it carries the body and says what was not understood', async () => {
		script.queue.push({ status: 200, body: { data: { id: 42 }, echo: KEY } });
		const result = await probe({ ...base, baseUrl: script.url, schema: z.object({ data: z.object({ id: z.string() }) }) });
		expect(result.error?.name).toBe('UnexpectedReplyError');
		const reply = result.error as unknown as UnexpectedReplyError;
		expect(reply.httpStatus).toBe(200);
		expect(reply.body).toEqual({ data: { id: 42 }, echo: '***' });
		expect(reply.warning).toBe(
			'Example accepted "read the thing" (HTTP 200) but answered in a shape this node does not fully understand ' +
				'(data.id: Expected string, received number); its answer is passed on as it came.',
		);
		expect(reply.warning).not.toMatch(/taken effect/);
	});

	it('returns a 2xx that `accepts` passes as it came, without zod; one it refuses is still decided and explained by the schema', async () => {
		const schema = z.object({ data: z.object({ id: z.string() }).passthrough() }).passthrough();
		const parse = jest.spyOn(schema, 'safeParse');
		const call = { ...base, baseUrl: script.url, schema, accepts: compileGuard(schema) };
		script.queue.push({ status: 200, body: { data: { id: 'thing-42', size: 3 }, meta: 'kept' } });
		const accepted = await probe(call);
		expect(accepted.error).toBeUndefined();
		expect(accepted.items[0].json.body).toEqual({ data: { id: 'thing-42', size: 3 }, meta: 'kept' });
		expect(parse).not.toHaveBeenCalled();
		script.queue.push({ status: 200, body: { data: { id: 42 } } });
		const refused = await probe(call);
		expect(parse).toHaveBeenCalledTimes(1);
		expect((refused.error as unknown as UnexpectedReplyError).warning).toContain('(data.id: Expected string, received number)');
	});

	it('refuses a base URL that is not http(s) before sending anything', async () => {
		const result = await probe({ ...base, baseUrl: 'ftp://files.example.com' });
		expect(result.error?.name).toBe('NodeOperationError');
		expect(result.error?.message).toMatch(/must start with http:\/\/ or https:\/\//);
		expect(script.seen).toHaveLength(0);
	});

	it('names the host of an unreachable base URL and never its secrets', async () => {
		const closed = createServer();
		await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
		const { port } = closed.address() as AddressInfo;
		await new Promise<void>((resolve) => closed.close(() => resolve()));
		const result = await probe({ ...base, baseUrl: `http://user:${KEY}@127.0.0.1:${port}/api?token=${KEY}` });
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.message).toMatch(
			new RegExp(`^Could not reach Example at 127\\.0\\.0\\.1:${port} to read the thing: the connection was refused`),
		);
		expect(result.error?.description).toContain(`http://127.0.0.1:${port}/api`);
		expect(result.error?.context).toMatchObject({ code: 'ECONNREFUSED', url: `http://127.0.0.1:${port}/api/v2/things/42` });
	});
});

describe('an action node whose call succeeded but whose answer it does not understand', () => {
	const strict = { ...base, schema: z.object({ data: z.object({ id: z.string() }) }) };

	it("outputs the venue's body as it came, with a warning, paired to its item, and logs the warning; other items go on", async () => {
		script.queue.push({ status: 201, body: { data: { id: 42 }, warning: 'venue says hi', echo: KEY } });
		script.queue.push({ status: 200, body: { data: { id: 'ok-2' } } });
		const logged = logLines.length;
		probeCall = { ...strict, baseUrl: script.url };
		const result = await harness.executeNode('actionProbe', { resource: 'thing', operation: 'read' }, 'totalisApi', [{}, {}]);
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		const warning =
			'Example accepted "read the thing" (HTTP 201) but answered in a shape this node does not fully understand ' +
			'(data.id: Expected string, received number); its answer is passed on as it came.';
		expect(result.items[0].json).toEqual({ data: { id: 42 }, echo: '***', venueWarning: 'venue says hi', warning });
		expect(result.items[1].json).toEqual({ understood: { data: { id: 'ok-2' } } });
		expect(logLines.slice(logged)).toContainEqual(expect.objectContaining({ level: 'warn', message: warning }));
		expect(JSON.stringify(result.items)).not.toContain(KEY);
	});

	it('puts a body that is not an object under `response`', async () => {
		script.queue.push({ status: 200, body: [1, 2, 3] });
		probeCall = { ...strict, baseUrl: script.url };
		const result = await harness.executeNode('actionProbe', { resource: 'thing', operation: 'read' }, 'totalisApi');
		expect(result.items[0].json).toEqual({
			response: [1, 2, 3],
			warning: expect.stringContaining('(body): Expected object, received array'),
		});
	});

	it('still fails a call the venue refused', async () => {
		script.queue.push({ status: 409, body: { error: 'nope' } });
		probeCall = { ...strict, baseUrl: script.url };
		const result = await harness.executeNode('actionProbe', { resource: 'thing', operation: 'read' }, 'totalisApi');
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.message).toMatch(/^Example could not read the thing/);
	});
});

describe('requestJson from a trigger (ITriggerFunctions)', () => {
	beforeEach(() => {
		useSimulatorCredentials(harness, sim, { types: ['totalisApi'] });
	});

	it('calls the venue from trigger(), and a close aborts a rate-limit wait at once', async () => {
		// The background call meets a 429 asking for 60 s: it must wait, then stop when the trigger closes.
		const statuses: number[] = [];
		const off = sim.totalis.events.on('rest:request', (request) => statuses.push(request.status));
		// The client logs before it starts waiting: from then on only the abort can end the wait.
		const waiting = nextLog(/answered 429 \(RATE_LIMITED\) to "send the market-maker heartbeat"; waiting 60 s as asked/);
		const heartbeat = sim.totalis.waitFor('heartbeat');
		heartbeat.catch(() => undefined);

		// Arm the fault for the second call only: the first one is served normally.
		let served = 0;
		const arm = sim.totalis.events.on('rest:request', () => {
			served += 1;
			if (served === 1) sim.totalis.faults.failRest({ method: 'POST', pathPrefix: '/v1/mm/heartbeat', status: 429, retryAfterSeconds: 60 });
		});
		const trigger = await harness.startTrigger('triggerProbe', {}, 'totalisApi');
		try {
			const [item] = await trigger.waitForItems(1);
			expect(item.json).toEqual({ first: { data: { status: 'ok', mm_id: sim.totalis.mmId, ttl_ms: 60_000 } } });
			expect((await heartbeat).mmId).toBe(sim.totalis.mmId);
			await waiting;
		} finally {
			// The 429 asked for a 60 s wait, beyond the test's timeout: only the close can end it in time.
			await trigger.close();
			await expect(triggerOutcome).rejects.toBeInstanceOf(RequestCancelledError);
			off();
			arm();
		}
		expect(statuses).toEqual([200, 429]);
	});
});

describe('logs', () => {
	it('never contain a key', () => {
		const logs = allLogText();
		expect(logs).not.toContain(KEY);
		expect(logs).not.toContain(sim.totalis.apiKey);
		expect(logs).toMatch(/Example answered 429/);
	});
});
