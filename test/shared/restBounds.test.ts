/**
 * Every REST wait is bounded (nodes/shared/rest/limits.ts), through the action nodes in real n8n
 * workflow executions against the simulator's REST faults: an answer dribbled byte by byte, an
 * answer that never comes, a body far over the cap, a venue error message of megabytes, and a
 * login (inside the credential's preAuthentication) that never answers.
 *
 * The deadline is shortened for the tests that wait it out, so that they take seconds, and kept
 * long for the others, so that on a loaded machine it never races the bound they check; the body
 * cap is the real one. Nothing here is measured by the clock: each bound is proven by the error it
 * gives and by what the simulator saw (the call reported when the client hung up).
 */
import { HelioApi } from '../../credentials/HelioApi.credentials';
import { TotalisApi } from '../../credentials/TotalisApi.credentials';
import { Helio } from '../../nodes/Helio/Helio.node';
import { Totalis } from '../../nodes/Totalis/Totalis.node';
import { MAX_RESPONSE_BYTES, MAX_VENUE_MESSAGE_CHARS, TRUNCATION_MARK } from '../../nodes/shared/rest/limits';
import { startSimulator, type StreamedAnswer, type VenueSimulator } from 'trading-venues-simulator';
import { N8nHarness, useSimulatorCredentials } from '../harness/n8n';
import { nodeRunner } from '../harness/nodeRuns';

/**
 * The deadline of the tests that wait it out against a venue that never finishes: long enough for
 * a loaded machine to connect and get the headers, short enough to keep the tests quick.
 */
const DEADLINE_MS = 5_000;
const DEADLINE_TEXT = '5 s';
/** The deadline elsewhere: far beyond what reading 10 MB takes on any machine, so only the cap can trip. */
const OUT_OF_THE_WAY_MS = 60_000;
/** How long a test may take: more than its deadline, so that a missed bound fails by its error, not by jest's timeout. */
const TEST_MS = OUT_OF_THE_WAY_MS + 30_000;

/** Read by the REST layer on every call (limits.ts through the getters below). */
const mockDeadline = { ms: OUT_OF_THE_WAY_MS };
jest.mock('../../nodes/shared/rest/limits', () => ({
	...jest.requireActual<object>('../../nodes/shared/rest/limits'),
	get DEFAULT_REQUEST_TIMEOUT_MS() {
		return mockDeadline.ms;
	},
	get LOGIN_TIMEOUT_MS() {
		return mockDeadline.ms;
	},
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
	mockDeadline.ms = OUT_OF_THE_WAY_MS;
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

/**
 * Runs `call` and waits until the simulator has reported the heartbeat call it made. The simulator
 * reports a call once, when its answer ends: a streamed answer that was never finished is reported
 * only when the client's connection closes, so afterwards its record says whether the client hung
 * up. The wait starts before the call, so a report that comes before the call returns is not missed.
 */
async function heartbeatSeenToEnd<T>(call: () => Promise<T>): Promise<{ value: T; answer: StreamedAnswer | undefined }> {
	const reported = sim.totalis.events.waitFor('rest:request', ({ path }) => path.endsWith(HEARTBEAT.pathPrefix), TEST_MS);
	const value = await call();
	await reported;
	return { value, answer: sim.totalis.faults.streamedAnswers()[0] };
}

describe('a total deadline per call (connect, headers and body)', () => {
	beforeEach(() => {
		mockDeadline.ms = DEADLINE_MS;
	});

	it(
		'a slow-loris answer (one byte every 100 ms, so the socket is never idle) fails at the deadline and is hung up',
		async () => {
			sim.totalis.faults.failRest({ ...HEARTBEAT, slowLoris: { bytesPerInterval: 1, intervalMs: 100 } });
			const { value: result, answer } = await heartbeatSeenToEnd(heartbeat);
			expect(result.error?.name).toBe('NodeApiError');
			expect(result.error?.message).toBe(
				`Could not send the market-maker heartbeat with Totalis at ${new URL(sim.totalis.restUrl).host}: the answer (HTTP 200) did not arrive in full within ${DEADLINE_TEXT}`,
			);
			expect(result.error?.context).toMatchObject({ code: 'RESPONSE_TIMEOUT', timeoutMs: DEADLINE_MS });
			// The venue never stops dribbling: only the client hanging up ended the call.
			expect(answer).toMatchObject({ kind: 'slowLoris', finished: false, closedEarly: true });
			// Bytes kept coming (about 50 in the deadline), so no idle-socket timeout could have fired.
			expect(answer?.bytesWritten).toBeGreaterThan(5);
		},
		TEST_MS,
	);

	it(
		'an answer that never comes fails at the deadline',
		async () => {
			sim.totalis.faults.failRest({ ...HEARTBEAT, hold: true });
			const { value: result } = await heartbeatSeenToEnd(heartbeat);
			expect(result.error?.message).toMatch(new RegExp(`to send the market-maker heartbeat: no answer within ${DEADLINE_TEXT}$`));
			expect(result.error?.context).toMatchObject({ code: 'RESPONSE_TIMEOUT', timeoutMs: DEADLINE_MS });
			// The held call ended because the client left: the simulator reports it with status 0.
			expect(statuses).toEqual(['POST /totalis/v1/mm/heartbeat 0']);
		},
		TEST_MS,
	);

	it(
		'a login that never answers (inside the credential) fails the call at the deadline, in plain words',
		async () => {
			sim.helio.faults.holdLogin();
			const result = await helio({ resource: 'position', operation: 'getAll', accountId: 'acc-1001' });
			expect(result.error?.name).toBe('NodeApiError');
			expect(result.error?.message).toMatch(
				new RegExp(
					`^(cannot reach the Helio trader host .* \\(no answer within ${DEADLINE_TEXT}\\)|Could not reach Helio .*: no answer within ${DEADLINE_TEXT})$`,
				),
			);
		},
		TEST_MS,
	);

	it(
		'Account → List: its own login is bounded too',
		async () => {
			sim.helio.faults.holdLogin();
			const result = await helio({ resource: 'account', operation: 'list' });
			expect(result.error?.message).toBe(`cannot reach the Helio trader host ${sim.helio.restUrl} (no answer within ${DEADLINE_TEXT})`);
		},
		TEST_MS,
	);
});

describe('a cap on the body', () => {
	const CAP_MB = MAX_RESPONSE_BYTES / 1024 / 1024;

	it(
		`a 200 MB body fails naming the ${CAP_MB} MB limit, without being read whole`,
		async () => {
			const bodyBytes = 200 * 1024 * 1024;
			sim.totalis.faults.failRest({ ...HEARTBEAT, bodyBytes });
			// Sampled while the call runs: reading the body whole would take hundreds of MB.
			const before = process.memoryUsage().rss;
			let peak = before;
			const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
			const { value: result, answer } = await heartbeatSeenToEnd(async () => await heartbeat().finally(() => clearInterval(sampler)));
			expect(result.error?.name).toBe('NodeApiError');
			expect(result.error?.message).toMatch(
				new RegExp(
					`^Could not send the market-maker heartbeat with Totalis at .*: the answer \\(HTTP 200\\) is larger than ${CAP_MB} MB, the most this node reads$`,
				),
			);
			expect(result.error?.context).toMatchObject({ code: 'RESPONSE_TOO_LARGE', maxBytes: MAX_RESPONSE_BYTES, httpStatus: 200 });
			// The client hung up: the simulator writes only as fast as it is read, and stopped far short.
			expect(answer).toMatchObject({ kind: 'bodyBytes', finished: false, closedEarly: true });
			expect(answer?.bytesWritten).toBeLessThan(bodyBytes / 4);
			// Reading it whole would hold it twice over (the chunks, then their concatenation).
			expect(peak - before).toBeLessThan(bodyBytes);
		},
		TEST_MS,
	);

	it(
		'a Content-Length over the limit fails before the body is read',
		async () => {
			sim.totalis.faults.failRest({ ...HEARTBEAT, bodyBytes: 64 * 1024 * 1024, declareLength: true });
			const { value: result, answer } = await heartbeatSeenToEnd(heartbeat);
			expect(result.error?.context).toMatchObject({ code: 'RESPONSE_TOO_LARGE', maxBytes: MAX_RESPONSE_BYTES });
			expect(answer).toMatchObject({ kind: 'bodyBytes', finished: false, closedEarly: true });
			expect(answer?.bytesWritten).toBeLessThan(MAX_RESPONSE_BYTES * 2);
		},
		TEST_MS,
	);

	it(
		'an error answer over the limit fails the same way, with its status',
		async () => {
			sim.totalis.faults.failRest({ ...HEARTBEAT, status: 500, bodyBytes: 20 * 1024 * 1024 });
			const result = await heartbeat();
			expect(result.error?.message).toMatch(/the answer \(HTTP 500\) is larger than 10 MB, the most this node reads$/);
			expect(result.error?.context).toMatchObject({ code: 'RESPONSE_TOO_LARGE', httpStatus: 500 });
		},
		TEST_MS,
	);
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
