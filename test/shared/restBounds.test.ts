/**
 * Every REST wait is bounded (nodes/shared/rest/limits.ts), through the action nodes in real n8n
 * workflow executions against the simulator's REST faults: an answer dribbled byte by byte, an
 * answer that never comes, a body far over the cap, a venue error message of megabytes, and a
 * login (inside the credential's preAuthentication) that never answers.
 *
 * The deadlines are shortened here so that a test takes seconds; the body cap is the real one.
 */
import { HelioApi } from '../../credentials/HelioApi.credentials';
import { TotalisApi } from '../../credentials/TotalisApi.credentials';
import { Helio } from '../../nodes/Helio/Helio.node';
import { Totalis } from '../../nodes/Totalis/Totalis.node';
import { MAX_RESPONSE_BYTES, MAX_VENUE_MESSAGE_CHARS, TRUNCATION_MARK } from '../../nodes/shared/rest/limits';
import { startSimulator, type StreamedAnswer, type VenueSimulator } from 'trading-venues-simulator';
import { N8nHarness, useSimulatorCredentials } from '../harness/n8n';
import { nodeRunner } from '../harness/nodeRuns';

const DEADLINE_MS = 1_500;

jest.mock('../../nodes/shared/rest/limits', () => ({
	...jest.requireActual<object>('../../nodes/shared/rest/limits'),
	DEFAULT_REQUEST_TIMEOUT_MS: 1_500,
	LOGIN_TIMEOUT_MS: 1_500,
}));

const harness = new N8nHarness({ nodes: { totalis: Totalis, helio: Helio }, credentialTypes: [TotalisApi, HelioApi] });
let sim: VenueSimulator;
const statuses: string[] = [];

beforeAll(async () => {
	sim = await startSimulator({ port: 0 });
	sim.totalis.events.on('rest:request', ({ method, path, status }) => statuses.push(`${method} ${path} ${status}`));
	sim.helio.events.on('rest:request', ({ method, path, status }) => statuses.push(`${method} ${path} ${status}`));
});

beforeEach(() => {
	statuses.length = 0;
	sim.totalis.faults.reset();
	sim.helio.faults.reset();
	// No Helio token yet: the first Helio call logs in through the credential's preAuthentication.
	useSimulatorCredentials(harness, sim, { types: ['totalisApi', 'helioApi'] });
});

afterAll(async () => {
	await sim?.close();
});

const secrets = () => [sim.totalis.apiKey, sim.helio.password];
const totalis = nodeRunner(harness, 'totalis', 'totalisApi', secrets);
const helio = nodeRunner(harness, 'helio', 'helioApi', secrets);
const heartbeat = () => totalis({ resource: 'marketMaker', operation: 'heartbeat' });
const HEARTBEAT = { method: 'POST', pathPrefix: '/v1/mm/heartbeat' };

/** Runs `work`, returning what it gave and how long it took. */
async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
	const started = Date.now();
	const value = await work();
	return { value, ms: Date.now() - started };
}

/** The server sees the connection close a moment after the client dropped it. */
async function closedByClient(answers: () => readonly StreamedAnswer[]): Promise<StreamedAnswer> {
	for (let waited = 0; waited < 2_000; waited += 20) {
		const [answer] = answers();
		if (answer?.closedEarly) return answer;
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
	throw new Error(`the simulator never saw the client close: ${JSON.stringify(answers())}`);
}

describe('a total deadline per call (connect, headers and body)', () => {
	it('a slow-loris answer (one byte every 100 ms, so the socket is never idle) fails at the deadline and is hung up', async () => {
		sim.totalis.faults.failRest({ ...HEARTBEAT, slowLoris: { bytesPerInterval: 1, intervalMs: 100 } });
		const { value: result, ms } = await timed(heartbeat);
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.message).toBe(
			`Could not send the market-maker heartbeat with Totalis at ${new URL(sim.totalis.restUrl).host}: the answer (HTTP 200) did not arrive in full within 1.5 s`,
		);
		expect(result.error?.context).toMatchObject({ code: 'RESPONSE_TIMEOUT', timeoutMs: DEADLINE_MS });
		expect(ms).toBeGreaterThanOrEqual(DEADLINE_MS - 50);
		const answer = await closedByClient(() => sim.totalis.faults.streamedAnswers());
		expect(answer.bytesWritten).toBeGreaterThan(5);
	}, 10_000);

	it('an answer that never comes fails at the deadline', async () => {
		sim.totalis.faults.failRest({ ...HEARTBEAT, hold: true });
		const result = await heartbeat();
		expect(result.error?.message).toMatch(/to send the market-maker heartbeat: no answer within 1\.5 s$/);
		// The held call ended because the client left: the simulator reports it with status 0.
		if (statuses.length === 0) await sim.totalis.events.waitFor('rest:request');
		expect(statuses).toEqual(['POST /totalis/v1/mm/heartbeat 0']);
	}, 10_000);

	it('a login that never answers (inside the credential) fails the call at the deadline, in plain words', async () => {
		sim.helio.faults.holdLogin();
		const result = await helio({ resource: 'position', operation: 'getAll', accountId: 'acc-1001' });
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.message).toMatch(
			/^(cannot reach the Helio trader host .* \(no answer within 1\.5 s\)|Could not reach Helio .*: no answer within 1\.5 s)$/,
		);
	}, 10_000);

	it('Account → List: its own login is bounded too', async () => {
		sim.helio.faults.holdLogin();
		const result = await helio({ resource: 'account', operation: 'list' });
		expect(result.error?.message).toBe(`cannot reach the Helio trader host ${sim.helio.restUrl} (no answer within 1.5 s)`);
	}, 10_000);
});

describe('a cap on the body', () => {
	const CAP_MB = MAX_RESPONSE_BYTES / 1024 / 1024;

	it(`a 200 MB body fails naming the ${CAP_MB} MB limit, without being read whole`, async () => {
		const bodyBytes = 200 * 1024 * 1024;
		sim.totalis.faults.failRest({ ...HEARTBEAT, bodyBytes });
		// Sampled while the call runs: reading the body whole would take hundreds of MB.
		const before = process.memoryUsage().rss;
		let peak = before;
		const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
		const result = await heartbeat().finally(() => clearInterval(sampler));
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.message).toMatch(
			new RegExp(
				`^Could not send the market-maker heartbeat with Totalis at .*: the answer \\(HTTP 200\\) is larger than ${CAP_MB} MB, the most this node reads$`,
			),
		);
		expect(result.error?.context).toMatchObject({ code: 'RESPONSE_TOO_LARGE', maxBytes: MAX_RESPONSE_BYTES, httpStatus: 200 });
		const answer = await closedByClient(() => sim.totalis.faults.streamedAnswers());
		expect(answer.bytesWritten).toBeLessThan(bodyBytes / 4);
		// Reading it whole would hold it twice over (the chunks, then their concatenation).
		expect(peak - before).toBeLessThan(bodyBytes);
	}, 30_000);

	it('a Content-Length over the limit fails before the body is read', async () => {
		sim.totalis.faults.failRest({ ...HEARTBEAT, bodyBytes: 64 * 1024 * 1024, declareLength: true });
		const result = await heartbeat();
		expect(result.error?.context).toMatchObject({ code: 'RESPONSE_TOO_LARGE', maxBytes: MAX_RESPONSE_BYTES });
		const answer = await closedByClient(() => sim.totalis.faults.streamedAnswers());
		expect(answer.bytesWritten).toBeLessThan(MAX_RESPONSE_BYTES * 2);
	}, 30_000);

	it('an error answer over the limit fails the same way, with its status', async () => {
		sim.totalis.faults.failRest({ ...HEARTBEAT, status: 500, bodyBytes: 20 * 1024 * 1024 });
		const result = await heartbeat();
		expect(result.error?.message).toMatch(/the answer \(HTTP 500\) is larger than 10 MB, the most this node reads$/);
		expect(result.error?.context).toMatchObject({ code: 'RESPONSE_TOO_LARGE', httpStatus: 500 });
	}, 30_000);
});

describe('venue messages cut to a readable length', () => {
	it('a 2 MB error message is truncated in the NodeApiError, which stays small', async () => {
		sim.totalis.faults.failRest({ ...HEARTBEAT, status: 400, messageBytes: 2_000_000 });
		const result = await heartbeat();
		const error = result.error!;
		expect(error.name).toBe('NodeApiError');
		expect(error.httpCode).toBe('400');
		const venueMessage = String(error.context?.venueMessage);
		expect(venueMessage).toHaveLength(MAX_VENUE_MESSAGE_CHARS + TRUNCATION_MARK.length);
		expect(venueMessage.startsWith('Injected fault: a 2000000-character message. mmm')).toBe(true);
		expect(venueMessage.endsWith(TRUNCATION_MARK)).toBe(true);
		expect(error.message).toContain(`${TRUNCATION_MARK} (`);
		expect(error.message.length).toBeLessThan(MAX_VENUE_MESSAGE_CHARS + 200);
		// What n8n would store with the execution.
		const stored = JSON.stringify({ ...error, message: error.message, description: error.description, stack: error.stack });
		expect(stored.length).toBeLessThan(20_000);
	});

	it('a message under the limit is kept whole', async () => {
		sim.totalis.faults.failRest({ ...HEARTBEAT, status: 400, messageBytes: MAX_VENUE_MESSAGE_CHARS });
		const result = await heartbeat();
		expect(String(result.error?.context?.venueMessage)).toHaveLength(MAX_VENUE_MESSAGE_CHARS);
		expect(result.error?.message).not.toContain(TRUNCATION_MARK);
	});
});

describe('answers within the limits', () => {
	it('are read as before', async () => {
		const result = await heartbeat();
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toEqual({ status: 'ok', mm_id: sim.totalis.mmId, ttl_ms: 60_000 });
		const accounts = await helio({ resource: 'position', operation: 'getAll', accountId: sim.helio.accounts[0].id });
		expect(accounts.error).toBeUndefined();
	});
});
