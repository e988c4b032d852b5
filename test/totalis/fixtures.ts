import { TotalisApi } from '../../credentials/TotalisApi.credentials';
import { TotalisTrigger } from '../../nodes/Totalis/TotalisTrigger.node';
import { startSimulator, type TotalisDialect, type VenueSimulator } from 'trading-venues-simulator';
import { N8nHarness, simulatorCredentials, type ActiveTrigger } from '../harness/n8n';

/** Short timers so reconnects and dead-socket detection happen within a test's time. */
export const FAST = {
	heartbeatIntervalMs: 100,
	silenceTimeoutMs: 600,
	connectTimeoutMs: 1500,
	reconnectMaxDelayMs: 50,
};

/** Refusals after start retried within a test's time (15 s doubling to 5 min by default). */
export const REFUSAL = { refusalRetryDelayMs: 200, refusalRetryMaxDelayMs: 400 };

/** One valid payload of each of the eleven documented WebSocket events. */
export const SAMPLE_EVENTS: Record<string, Record<string, unknown>> = {
	'quote:accepted': { quote_id: 'q-1', rfq_id: 'rfq-1', confirmation_deadline: '2026-06-05T12:00:05.000Z' },
	'mm_quote:accepted': {
		quote_id: 'q-2',
		rfq_id: 'rfq-2',
		market_maker_id: 'did:privy:mm',
		confirmation_deadline: '2026-06-05T12:00:05.000Z',
		quote: { payout_odds: 7.08, user_cost: 50, total_payout: 354, mm_cost: 304 },
		exposure_legs: [{ venue: 'kalshi', event_ticker: 'KXCAR', market_ticker: 'KXCAR-YES', side: 'yes' }],
	},
	'quote:confirmed': { quote_id: 'q-3', rfq_id: 'rfq-3', execution_id: 'exec-3' },
	'quote:executed': { quote_id: 'q-4', rfq_id: 'rfq-4' },
	'quote:expired': { quote_id: 'q-5', rfq_id: 'rfq-5' },
	'quote:rejected': { quote_id: 'q-6', rfq_id: 'rfq-6', reason: 'another quote won' },
	'quote:withdrawn': { quote_id: 'q-7', rfq_id: 'rfq-7' },
	'position:created': { rfq_id: 'rfq-8', position_pda: 'pda-8', timestamp: '2026-06-05T12:00:00.000Z' },
	'position:settled': {
		rfq_id: 'rfq-9',
		position_pda: 'pda-9',
		outcome: 'win',
		tx_signature: 'sig-9',
		timestamp: '2026-06-05T12:00:00.000Z',
	},
	'position:cancelled': { rfq_id: 'rfq-10', position_pda: 'pda-10', reason: 'market voided', timestamp: '2026-06-05T12:00:00.000Z' },
	'position:error': { rfq_id: 'rfq-11', error: 'vault rejected', timestamp: '2026-06-05T12:00:00.000Z' },
};

export function createHarness() {
	return new N8nHarness({
		nodes: { totalisTrigger: TotalisTrigger },
		credentialTypes: [TotalisApi],
	});
}

/** A simulator (speaking `dialect`, default its default) and a harness whose Totalis credential points at it; closes both after each test. */
export function useTotalisEnvironment(dialect?: TotalisDialect) {
	const env = {
		harness: createHarness(),
		sim: undefined as unknown as VenueSimulator,
		triggers: [] as ActiveTrigger[],
		get mmChannel() {
			return `mm:quotes:${env.sim.totalis.userId}`;
		},
		/** Starts the Totalis Trigger as an active workflow would; closed after the test. */
		async start(parameters: Record<string, unknown> = {}) {
			const trigger = await env.harness.startTrigger('totalisTrigger', { options: { ...FAST }, ...parameters } as never, 'totalisApi');
			env.triggers.push(trigger);
			return trigger;
		},
		useCredentials(values: Partial<{ apiKey: string; baseUrl: string; wsUrl: string }>) {
			env.harness.setCredentials('totalisApi', { ...simulatorCredentials(env.sim).totalisApi, ...values });
		},
	};
	beforeEach(async () => {
		env.sim = await startSimulator({ totalis: { sseKeepaliveMs: 200, dialect } });
		env.useCredentials({});
	});
	afterEach(async () => {
		for (const trigger of env.triggers.splice(0)) await trigger.close();
		await env.sim.close();
	});
	return env;
}
