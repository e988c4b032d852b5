/**
 * Helio's ID pickers against the simulator: the action node's Account ID list (a listSearch run
 * in n8n-core's real LoadOptionsContext, as the editor's resource locator calls it), the
 * trigger's account options, a refused login said clearly, and the action node run with the
 * Account ID in each locator mode and as a plain string saved before the field was a locator.
 */
import { HelioApi } from '../../credentials/HelioApi.credentials';
import { Helio } from '../../nodes/Helio/Helio.node';
import { HelioTrigger } from '../../nodes/Helio/HelioTrigger.node';
import { startSimulator, type VenueSimulator } from 'trading-venues-simulator';
import { N8nHarness, simulatorCredentials } from '../harness/n8n';
import { nodeRunner } from '../harness/nodeRuns';

const WRONG_PASSWORD = 'not-the-helio-password-7';
const ACCOUNTS = [
	{ id: 'acc-1001', gid: 1 },
	{ id: 'acc-1002', gid: 1 },
	{ id: 'acc-7300', gid: 2 },
];

const harness = new N8nHarness({ nodes: { helio: Helio, helioTrigger: HelioTrigger }, credentialTypes: [HelioApi] });
let sim: VenueSimulator;
const requests: string[] = [];

beforeAll(async () => {
	sim = await startSimulator({ port: 0, helio: { accounts: ACCOUNTS } });
	sim.helio.events.on('rest:request', ({ method, path }) => requests.push(`${method} ${path}`));
});

beforeEach(() => {
	requests.length = 0;
	useCredential();
});

afterAll(async () => {
	await sim?.close();
});

function useCredential(password = sim.helio.password) {
	harness.setCredentials('helioApi', { ...simulatorCredentials(sim).helioApi, password });
}

const run = nodeRunner(harness, 'helio', 'helioApi', () => [sim.helio.password, WRONG_PASSWORD]);
const positionsOf = (accountId: unknown) => ({ resource: 'position', operation: 'getAll', accountId }) as never;

describe('Account ID list (action node)', () => {
	it("lists the login's accounts", async () => {
		const found = await harness.listSearch('helio', 'searchAccounts', positionsOf(''), 'helioApi');
		expect(found.results.map((entry) => entry.value)).toEqual(ACCOUNTS.map((account) => account.id));
		expect(found.results[2]).toMatchObject({ name: 'acc-7300', description: 'Group 2' });
		expect(found.paginationToken).toBeUndefined();
	});

	it('keeps the accounts whose ID contains the search text, in any case', async () => {
		const found = await harness.listSearch('helio', 'searchAccounts', positionsOf(''), 'helioApi', 'ACC-10');
		expect(found.results.map((entry) => entry.value)).toEqual(['acc-1001', 'acc-1002']);
		const none = await harness.listSearch('helio', 'searchAccounts', positionsOf(''), 'helioApi', 'nothing-like-it');
		expect(none.results).toEqual([]);
	});

	it('says clearly that the login was refused, without the password', async () => {
		useCredential(WRONG_PASSWORD);
		const failure = harness.listSearch('helio', 'searchAccounts', positionsOf(''), 'helioApi');
		await expect(failure).rejects.toThrow(/Helio refused the login/);
		const error = (await failure.catch((caught: unknown) => caught)) as Error & { description?: string };
		expect(JSON.stringify({ message: error.message, description: error.description })).not.toContain(WRONG_PASSWORD);
	});
});

describe('Account IDs options (trigger)', () => {
	it("offers every account of the login, for the trigger's metrics", async () => {
		const options = await harness.loadOptions('helioTrigger', 'getAccounts', { metrics: 'list' }, 'helioApi');
		expect(options.map((option) => option.value)).toEqual(ACCOUNTS.map((account) => account.id));
	});
});

describe('the action node reads the Account ID in every form', () => {
	const positionsPath = (id: string) => `GET /helio/api/v1/accounts/${id}/positions`;

	it.each([
		['picked from the list', { __rl: true, mode: 'list', value: 'acc-1002', cachedResultName: 'acc-1002' }, 'acc-1002'],
		['given by ID', { __rl: true, mode: 'id', value: 'acc-7300' }, 'acc-7300'],
		['given by an expression in By ID', { __rl: true, mode: 'id', value: '={{ "acc-" + (1000 + 1) }}' }, 'acc-1001'],
		['saved as a plain string before the field was a locator', 'acc-1002', 'acc-1002'],
		['saved as a plain expression before the field was a locator', '={{ "acc-7300" }}', 'acc-7300'],
	])('%s', async (_form, accountId, expected) => {
		const result = await run(positionsOf(accountId));
		expect(result.error).toBeUndefined();
		expect(requests).toContain(positionsPath(expected));
	});

	it('refuses an expression that gives no ID, naming the field', async () => {
		// An empty pick is stopped by n8n itself (a required parameter); an expression is not.
		const result = await run(positionsOf({ __rl: true, mode: 'id', value: '={{ " " }}' }));
		expect(result.error?.message).toMatch(/^Account ID: expected the ID of one of your trading accounts, got an empty value/);
		expect(requests).toEqual([]);
	});
});

describe('the trigger reads Account IDs picked from the list and as text saved before', () => {
	const FAST = { heartbeatIntervalMs: 100, silenceTimeoutMs: 800, connectTimeoutMs: 1500, reconnectMaxDelayMs: 50 };

	it.each([
		['picked from the list', ['acc-1002', 'acc-7300']],
		['saved as comma-separated text', 'acc-1002, acc-7300'],
		['given by an expression', '={{ ["acc-1002", "acc-7300"] }}'],
	])('%s: subscribes the metrics of exactly those accounts', async (_form, accountIds) => {
		const subscribed: string[] = [];
		const onSubscribe = ({ channel, accountId }: { channel: string; accountId?: string }) => {
			if (channel === 'metrics') subscribed.push(String(accountId));
		};
		sim.helio.events.on('ws:subscribe', onSubscribe);
		const parameters = { symbols: 'EURUSD', events: ['quoteEvent'], metrics: 'list', accountIds, options: FAST };
		const trigger = await harness.startTrigger('helioTrigger', parameters as never, 'helioApi');
		try {
			expect(subscribed.sort()).toEqual(['acc-1002', 'acc-7300']);
		} finally {
			await trigger.close();
			sim.helio.events.off('ws:subscribe', onSubscribe);
		}
	});
});
