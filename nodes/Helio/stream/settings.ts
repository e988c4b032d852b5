/**
 * The Helio Trigger's parameters, read and checked once before anything connects, into one
 * typed object (the idea of n8n's Kafka Trigger v2 TriggerSettings). setup.ts builds the stream
 * from it and reads no parameter itself.
 */
import type { ITriggerFunctions } from 'n8n-workflow';

import type { DeliveryOptions } from '../../shared/delivery/delivery';
import type { StreamTiming } from '../../shared/engine/StreamEngine';
import { readStreamOptions } from '../../shared/triggerOptions';
import { TriggerParameters } from '../../shared/triggerParameters';
import { HELIO_STREAM_DEFAULTS } from './description';
import type { HelioSubscriptions } from './protocol';
import type { SubscribableEvent } from './schemas';

export interface HelioTriggerSettings {
	delivery: DeliveryOptions;
	timing: StreamTiming;
	subscriptions: HelioSubscriptions;
	/** Whether Helio's `error` messages start the workflow as items. */
	includeErrors: boolean;
}

export function readHelioTriggerSettings(ctx: ITriggerFunctions): HelioTriggerSettings {
	const parameters = new TriggerParameters(ctx);
	const { delivery, timing } = readStreamOptions(ctx, HELIO_STREAM_DEFAULTS);

	const symbols = parameters.commaList('symbols');
	const events = parameters.value<SubscribableEvent[]>('events', []);
	const depthSymbols = parameters.commaList('depthSymbols');
	const metricsChoice = parameters.value<'all' | 'none' | 'list'>('metrics', 'all');
	const metrics = metricsChoice === 'list' ? parameters.commaList('accountIds') : metricsChoice;
	// Each list may be empty on its own; what matters is that the stream has something to follow.
	if (symbols.length > 0 && events.length === 0) {
		throw parameters.fail('Events is empty: choose Quote, Execution or Portfolio for the symbols, or clear Symbols');
	}
	if (events.length > 0 && symbols.length === 0 && depthSymbols.length === 0 && metrics === 'none') {
		throw parameters.fail('Symbols is empty: give at least one symbol (e.g. EURUSD), or subscribe to depth or account metrics');
	}
	if (Array.isArray(metrics) && metrics.length === 0) {
		throw parameters.fail('Account IDs is empty: give at least one account ID, or choose another Account Metrics option');
	}
	const depthLevels = parameters.wholeNumberParameter('depthLevels', 'Depth Levels', 5, 1);
	return {
		delivery,
		timing,
		subscriptions: { symbols, events, depthSymbols, depthLevels, metrics },
		includeErrors: parameters.value('includeErrors', true),
	};
}
