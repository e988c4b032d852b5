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
import { HELIO_STREAM_DEFAULTS, type HelioSource } from './description';
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

	// A version 1 node has no Trigger On and follows everything its fields name.
	const source = parameters.value<HelioSource>('source', 'all');
	const follows = (wanted: HelioSource) => source === 'all' || source === wanted;
	// The fields of another source are hidden in the editor; whatever they still hold is ignored.
	const symbols = follows('symbols') ? parameters.commaList('symbols') : [];
	const events = follows('symbols') ? parameters.value<SubscribableEvent[]>('events', []) : [];
	const depthSymbols = follows('depth') ? parameters.commaList('depthSymbols') : [];
	const metricsChoice = follows('metrics') ? parameters.value<'all' | 'none' | 'list'>('metrics', 'all') : 'none';
	const metrics = metricsChoice === 'list' ? parameters.commaList('accountIds') : metricsChoice;
	if (source === 'symbols' && symbols.length === 0) {
		throw parameters.fail('Symbols is empty: give at least one symbol (e.g. EURUSD)');
	}
	if (source === 'depth' && depthSymbols.length === 0) {
		throw parameters.fail('Order Book Depth Symbols is empty: give at least one symbol (e.g. EURUSD)');
	}
	if (source === 'metrics' && metrics === 'none') {
		throw parameters.fail('Account Metrics is None: choose Every Account of the Login or These Accounts');
	}
	// With All of These each list may be empty on its own; what matters is that the stream has something to follow.
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
