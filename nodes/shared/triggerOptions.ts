import type { INodeProperties, ITriggerFunctions } from 'n8n-workflow';

import type { DeliveryOptions } from './delivery/delivery';
import { DEFAULT_MAX_IN_FLIGHT } from './delivery/executionGate';
import { DEFAULT_REFUSAL_REPORT_INTERVAL_MS, DEFAULT_REFUSAL_RETRY, type StreamTiming } from './engine/StreamEngine';
import { TriggerParameters } from './triggerParameters';

/**
 * The options every stream trigger of this package shares: how events become executions, and
 * how the connection is kept healthy. Each trigger adds them to its own `options` collection.
 */
export function streamOptionProperties(defaults: { heartbeatIntervalMs: number; silenceTimeoutMs: number }): INodeProperties[] {
	// Plain names as defaults: n8n's lint reads a default only as a literal or a name.
	const { heartbeatIntervalMs, silenceTimeoutMs } = defaults;
	const refusalRetryDelayMs = DEFAULT_REFUSAL_RETRY.initialDelayMs;
	const refusalRetryMaxDelayMs = DEFAULT_REFUSAL_RETRY.maxDelayMs;
	return [
		{
			displayName: 'Delivery',
			name: 'delivery',
			type: 'options',
			default: 'each',
			options: [
				{
					name: 'One Execution per Event',
					value: 'each',
					description: 'Every event starts its own workflow execution (lowest latency)',
				},
				{
					name: 'Batch Events',
					value: 'batch',
					description: 'Events within a time window or up to an item count start one execution together',
				},
			],
			description: 'Every execution has a cost in n8n: batch fast streams',
		},
		{
			displayName: 'Batch Window (Milliseconds)',
			name: 'batchWindowMs',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 1000,
			description:
				'Batch: emit this long after the first event of a batch. Keep Latest: the window in which only the latest event per key is kept.',
		},
		{
			displayName: 'Batch Max Items',
			name: 'batchMaxItems',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 100,
			description:
				'Batch: emit as soon as this many events are waiting (0 = the window decides, up to 1,000 events). A batch of about 8 MB is emitted at once.',
		},
		{
			displayName: 'Keep Latest per Key Only',
			name: 'keepLatest',
			type: 'boolean',
			default: false,
			description:
				'Whether to keep only the latest event for the same thing (quote request, quote, symbol) within the window; the item says how many events it replaced in "coalesced"',
		},
		{
			displayName: 'Max Executions in Flight',
			name: 'maxInFlight',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: DEFAULT_MAX_IN_FLIGHT,
			description:
				'How many executions of this trigger may run at once. While that many run, new events wait and start the next execution together (the items say so in "backpressure"), so a fast stream cannot flood n8n. 0 = no limit (not recommended).',
		},
		{
			displayName: 'Heartbeat Interval (Milliseconds)',
			name: 'heartbeatIntervalMs',
			type: 'number',
			typeOptions: { minValue: 50 },
			default: heartbeatIntervalMs,
			description: 'How often a keep-alive ping is sent to the venue',
		},
		{
			displayName: 'Dead Connection Timeout (Milliseconds)',
			name: 'silenceTimeoutMs',
			type: 'number',
			typeOptions: { minValue: 100 },
			default: silenceTimeoutMs,
			description: 'With no traffic at all for this long (not even a pong) the connection counts as dead and is replaced',
		},
		{
			displayName: 'Connect Timeout (Milliseconds)',
			name: 'connectTimeoutMs',
			type: 'number',
			typeOptions: { minValue: 100 },
			default: 10000,
			description: 'How long connecting, authenticating and subscribing may take before the attempt fails',
		},
		{
			displayName: 'Reconnect Max Delay (Milliseconds)',
			name: 'reconnectMaxDelayMs',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 30000,
			description: 'Reconnect delays grow exponentially with random jitter up to this cap',
		},
		{
			displayName: 'Retry After Refusal (Milliseconds)',
			name: 'refusalRetryDelayMs',
			type: 'number',
			typeOptions: { minValue: 50 },
			default: refusalRetryDelayMs,
			description:
				'When the venue refuses the credentials or a subscription after the trigger started, the trigger stays active and tries again after this long, reading the credential again first; the wait doubles up to Retry After Refusal Max Delay (Milliseconds)',
		},
		{
			displayName: 'Retry After Refusal Max Delay (Milliseconds)',
			name: 'refusalRetryMaxDelayMs',
			type: 'number',
			typeOptions: { minValue: 50 },
			default: refusalRetryMaxDelayMs,
			description: 'The longest wait between two attempts while the venue refuses',
		},
		{
			displayName: 'Refusal Report Interval (Milliseconds)',
			name: 'refusalReportIntervalMs',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: DEFAULT_REFUSAL_REPORT_INTERVAL_MS,
			description:
				'A refusal after the trigger started is recorded as a failed execution (running the error workflow) at most once per this period',
		},
	];
}

interface StreamOptionValues {
	delivery?: 'each' | 'batch';
	batchWindowMs?: number;
	batchMaxItems?: number;
	keepLatest?: boolean;
	maxInFlight?: number;
	heartbeatIntervalMs?: number;
	silenceTimeoutMs?: number;
	connectTimeoutMs?: number;
	reconnectMaxDelayMs?: number;
	refusalRetryDelayMs?: number;
	refusalRetryMaxDelayMs?: number;
	refusalReportIntervalMs?: number;
}

export function readStreamOptions(
	ctx: ITriggerFunctions,
	defaults: { heartbeatIntervalMs: number; silenceTimeoutMs: number },
): { delivery: DeliveryOptions; timing: StreamTiming } {
	const parameters = new TriggerParameters(ctx);
	const values = parameters.options<StreamOptionValues>();
	const atLeast = (label: string, value: unknown, fallback: number, min = 0) =>
		parameters.number(`Options → ${label}`, value, fallback, { min });
	const mode = values.delivery ?? 'each';
	const delivery: DeliveryOptions = {
		mode,
		windowMs: atLeast('Batch Window (Milliseconds)', values.batchWindowMs, 1000),
		maxItems: atLeast('Batch Max Items', values.batchMaxItems, 100),
		keepLatest: values.keepLatest ?? false,
		maxInFlight: parameters.wholeNumber('Options → Max Executions in Flight', values.maxInFlight, DEFAULT_MAX_IN_FLIGHT, 0),
	};
	if (mode === 'batch' && delivery.windowMs === 0 && delivery.maxItems === 0) {
		throw parameters.fail(
			'Options → Batch Window (Milliseconds) and Batch Max Items are both 0: a batch would never be emitted; set at least one',
		);
	}
	if (delivery.keepLatest && delivery.windowMs === 0) {
		throw parameters.fail('Options → Batch Window (Milliseconds) must be above 0 with Keep Latest per Key Only');
	}
	const heartbeatIntervalMs = atLeast('Heartbeat Interval (Milliseconds)', values.heartbeatIntervalMs, defaults.heartbeatIntervalMs, 50);
	const silenceTimeoutMs = atLeast('Dead Connection Timeout (Milliseconds)', values.silenceTimeoutMs, defaults.silenceTimeoutMs, 100);
	const connectTimeoutMs = atLeast('Connect Timeout (Milliseconds)', values.connectTimeoutMs, 10000, 100);
	const reconnectMaxDelayMs = atLeast('Reconnect Max Delay (Milliseconds)', values.reconnectMaxDelayMs, 30000);
	const refusalRetryDelayMs = atLeast(
		'Retry After Refusal (Milliseconds)',
		values.refusalRetryDelayMs,
		DEFAULT_REFUSAL_RETRY.initialDelayMs,
		50,
	);
	const refusalRetryMaxDelayMs = atLeast(
		'Retry After Refusal Max Delay (Milliseconds)',
		values.refusalRetryMaxDelayMs,
		Math.max(DEFAULT_REFUSAL_RETRY.maxDelayMs, refusalRetryDelayMs),
		refusalRetryDelayMs,
	);
	return {
		delivery,
		timing: {
			connectTimeoutMs,
			handshakeTimeoutMs: connectTimeoutMs,
			heartbeatIntervalMs,
			silenceTimeoutMs,
			backoff: {
				initialDelayMs: Math.min(500, reconnectMaxDelayMs),
				maxDelayMs: reconnectMaxDelayMs,
				resetAfterMs: Math.max(5 * silenceTimeoutMs, 30000),
			},
			refusalRetry: { initialDelayMs: refusalRetryDelayMs, maxDelayMs: refusalRetryMaxDelayMs },
			refusalReportIntervalMs: atLeast(
				'Refusal Report Interval (Milliseconds)',
				values.refusalReportIntervalMs,
				DEFAULT_REFUSAL_REPORT_INTERVAL_MS,
			),
		},
	};
}
