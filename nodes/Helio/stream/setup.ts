import { NodeOperationError, type ITriggerFunctions } from 'n8n-workflow';

import { eventFilter } from '../../shared/delivery/stages';
import type { StreamTriggerSetup } from '../../shared/delivery/triggerHost';
import { StreamEngine } from '../../shared/engine/StreamEngine';
import { WebSocketTransport } from '../../shared/engine/websocketTransport';
import { Redactor } from '../../shared/redact';
import { readStreamOptions } from '../../shared/triggerOptions';
import { commaList } from '../../shared/triggerParameters';
import { HelioStreamLogin, type HelioCredentials } from '../auth';
import { HELIO_STREAM_DEFAULTS } from './description';
import { HelioProtocol } from './protocol';
import type { SubscribableEvent } from './schemas';

/** Depth snapshots of many levels are the largest Helio frames; 1 MB is far above them. */
const MAX_FRAME_BYTES = 1024 * 1024;

/** Builds the Helio Trigger's stream from its parameters. */
export function helioTriggerSetup(ctx: ITriggerFunctions, credentials: HelioCredentials): StreamTriggerSetup {
	const node = ctx.getNode();
	const redactor = new Redactor([credentials.password]);
	const { delivery, timing } = readStreamOptions(ctx, HELIO_STREAM_DEFAULTS);

	const symbols = commaList(ctx.getNodeParameter('symbols', ''));
	const events = ctx.getNodeParameter('events', []) as SubscribableEvent[];
	const depthSymbols = commaList(ctx.getNodeParameter('depthSymbols', ''));
	const depthLevels = ctx.getNodeParameter('depthLevels', 5) as number;
	const metricsChoice = ctx.getNodeParameter('metrics', 'all') as 'all' | 'none' | 'list';
	const metrics = metricsChoice === 'list' ? commaList(ctx.getNodeParameter('accountIds', '')) : metricsChoice;
	if (symbols.length > 0 && events.length === 0) {
		throw new NodeOperationError(node, 'Events is empty: choose Quote, Execution or Portfolio for the symbols, or clear Symbols');
	}
	if (events.length > 0 && symbols.length === 0 && depthSymbols.length === 0 && metrics === 'none') {
		throw new NodeOperationError(node, 'Symbols is empty: give at least one symbol (e.g. EURUSD), or subscribe to depth or account metrics');
	}
	if (Array.isArray(metrics) && metrics.length === 0) {
		throw new NodeOperationError(node, 'Account IDs is empty: give at least one account ID, or choose another Account Metrics option');
	}
	if (!Number.isInteger(depthLevels) || depthLevels < 1) {
		throw new NodeOperationError(node, `Depth Levels: expected a whole number ≥ 1, got ${JSON.stringify(depthLevels)}`);
	}

	const login = new HelioStreamLogin(ctx, credentials, redactor);
	const protocol = new HelioProtocol(login, { symbols, events, depthSymbols, depthLevels, metrics });
	const wanted: string[] = [...events];
	if (depthSymbols.length > 0) wanted.push('depthEvent');
	if (metrics !== 'none') wanted.push('metricsEvent');
	if (ctx.getNodeParameter('includeErrors', true) as boolean) wanted.push('error');
	return {
		venueName: 'Helio',
		redactor,
		delivery,
		stages: [eventFilter(wanted)],
		createEngine: (hooks) =>
			new StreamEngine({
				transport: new WebSocketTransport({ url: () => login.nextUrl(), redactor }),
				protocol,
				redactor,
				timing,
				maxFrameBytes: MAX_FRAME_BYTES,
				...hooks,
			}),
	};
}
