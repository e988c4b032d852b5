import type { ITriggerFunctions } from 'n8n-workflow';

import { eventFilter } from '../../shared/delivery/stages';
import type { StreamTriggerSetup } from '../../shared/delivery/triggerHost';
import { DEFAULT_REFUSAL_REPORT_INTERVAL_MS, StreamEngine } from '../../shared/engine/StreamEngine';
import { WebSocketTransport } from '../../shared/engine/websocketTransport';
import { Redactor } from '../../shared/redact';
import { helioBase, HelioStreamLogin, type HelioCredentials } from '../auth';
import { HelioProtocol } from './protocol';
import type { HelioTriggerSettings } from './settings';
import { triggerWarnings } from './warnings';

/** Depth snapshots of many levels are the largest Helio frames; 1 MB is far above them. */
const MAX_FRAME_BYTES = 1024 * 1024;
/** The longest the handshake waits for depth and metrics acknowledgements before going on without them. */
const OPTIONAL_ACK_MAX_MS = 5000;

/** Builds the Helio Trigger's stream from its settings: a fresh login, then the Trader WebSocket. */
export function helioTriggerSetup(
	ctx: ITriggerFunctions,
	credentials: HelioCredentials,
	settings: HelioTriggerSettings,
): StreamTriggerSetup {
	const redactor = new Redactor([credentials.password]);
	const { subscriptions } = settings;
	const login = new HelioStreamLogin(ctx, credentials, redactor);
	const { timing } = settings;
	const protocol = new HelioProtocol(login, subscriptions, {
		// Before the engine's own deadline, so that the failure names the subscription.
		acknowledgeWithinMs: Math.floor(timing.handshakeTimeoutMs * 0.9),
		optionalWithinMs: Math.min(OPTIONAL_ACK_MAX_MS, Math.floor(timing.handshakeTimeoutMs / 2)),
		warn: triggerWarnings(ctx, redactor, timing.refusalReportIntervalMs ?? DEFAULT_REFUSAL_REPORT_INTERVAL_MS),
	});
	// Depth and metrics are their own subscriptions, so their events pass whenever subscribed.
	const wanted: string[] = [...subscriptions.events];
	if (subscriptions.depthSymbols.length > 0) wanted.push('depthEvent');
	if (subscriptions.metrics !== 'none') wanted.push('metricsEvent');
	if (settings.includeErrors) wanted.push('error');
	return {
		venueName: 'Helio',
		redactor,
		delivery: settings.delivery,
		stages: [eventFilter(wanted)],
		createEngine: (hooks) =>
			new StreamEngine({
				transport: new WebSocketTransport({
					url: (signal) => login.nextUrl(signal),
					urlStep: `the Helio login at ${redactor.text(helioBase(credentials.baseUrl))}`,
					redactor,
					domains: credentials.domains,
				}),
				protocol,
				redactor,
				timing,
				maxFrameBytes: MAX_FRAME_BYTES,
				...hooks,
				refreshCredentials: () => login.refreshCredentials(),
			}),
		refusalReportIntervalMs: timing.refusalReportIntervalMs,
	};
}
