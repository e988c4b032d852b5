/**
 * The agg.market Trigger's parameters, read and checked once into typed settings before anything
 * connects (as n8n's Kafka v2 trigger reads its TriggerSettings): setup.ts builds the stream from
 * them and reads no parameter itself.
 */
import type { ITriggerFunctions } from 'n8n-workflow';

import type { DeliveryOptions } from '../../shared/delivery/delivery';
import type { StreamTiming } from '../../shared/engine/StreamEngine';
import { readStreamOptions } from '../../shared/triggerOptions';
import { TriggerParameters } from '../../shared/triggerParameters';
import type { BookEmission } from '../book';
import { AGG_STREAM_DEFAULTS, DEFAULT_MAX_BOOK_CONNECTIONS, MAX_OUTCOMES_PER_CONNECTION } from './description';

/** Source "User Events": which of the signed-in user's events pass. */
export interface UserEventSettings {
	kind: 'userEvents';
	/** Event names that pass: `order_submitted`, `order_event`, `balance_update`. */
	events: string[];
	/** Inner `event` values of `order_event` that pass; empty: all. */
	orderEvents: string[];
	/** Venues whose events pass; empty: all. */
	venues: string[];
	centsToAmounts: boolean;
}

/** Source "Order Books": which books, over how many connections, emitted how. */
export interface OrderBookSettings {
	kind: 'orderBooks';
	outcomeIds: string[];
	maxConnections: number;
	emission: BookEmission;
	verifyChecksum: boolean;
	/** Set when `emission` is throttled: at most one book per outcome in this period. */
	intervalMs?: number;
}

export interface AggMarketTriggerSettings {
	delivery: DeliveryOptions;
	timing: StreamTiming;
	source: UserEventSettings | OrderBookSettings;
	/** Whether agg.market's error messages (a refused action) become items. */
	includeErrors: boolean;
}

export function readAggMarketTriggerSettings(ctx: ITriggerFunctions): AggMarketTriggerSettings {
	const parameters = new TriggerParameters(ctx);
	const { delivery, timing } = readStreamOptions(ctx, AGG_STREAM_DEFAULTS);
	const userEvents = parameters.value<string>('source', 'userEvents') === 'userEvents';
	return {
		delivery,
		timing,
		source: userEvents ? readUserEvents(parameters) : readOrderBooks(parameters),
		includeErrors: parameters.value('includeErrors', true),
	};
}

function readUserEvents(parameters: TriggerParameters): UserEventSettings {
	return {
		kind: 'userEvents',
		events: parameters.choices('events', 'Events', [], 'choose Order Submitted, Order Event or Balance Update'),
		orderEvents: parameters.value<string[]>('orderEvents', []),
		venues: parameters.commaList('venues'),
		centsToAmounts: parameters.value('centsToAmounts', true),
	};
}

function readOrderBooks(parameters: TriggerParameters): OrderBookSettings {
	const outcomeIds = parameters.requiredCommaList('outcomeIds', 'Outcome IDs', 'outcome ID', 'vmo_fed_cut_july_yes');
	const { maxConnections: rawMax } = parameters.options<{ maxConnections: number }>();
	const maxConnections = parameters.wholeNumber('Options → Max Connections', rawMax, DEFAULT_MAX_BOOK_CONNECTIONS);
	// agg.market takes at most 100 book subscriptions per connection: refuse now what cannot fit.
	const needed = Math.ceil(outcomeIds.length / MAX_OUTCOMES_PER_CONNECTION);
	if (needed > maxConnections) {
		throw parameters.fail(
			`Outcome IDs: ${outcomeIds.length} outcomes need ${needed} connections of at most ${MAX_OUTCOMES_PER_CONNECTION} (agg.market's limit per connection), and Max Connections is ${maxConnections}`,
		);
	}
	const emission = parameters.value<BookEmission>('bookEmission', 'topOfBook');
	const intervalMs =
		emission === 'throttled' ? parameters.numberParameter('bookIntervalMs', 'Interval (Milliseconds)', 1000, { min: 1 }) : undefined;
	return { kind: 'orderBooks', outcomeIds, maxConnections, emission, verifyChecksum: parameters.value('verifyChecksum', true), intervalMs };
}
