import { mergeGaps, type Gap } from '../engine/gap';
import type { Delivered } from '../items';

/**
 * A step between the engine and delivery that may drop, hold or combine events (an event
 * filter, Totalis' merge of its two acceptance events). It must release its timers in dispose().
 */
export interface Stage {
	push(delivered: Delivered, next: (delivered: Delivered) => void): void;
	dispose?(): void;
}

/** Chains stages so each one's output feeds the next, ending in `sink`. */
export function chainStages(stages: Stage[], sink: (delivered: Delivered) => void): (delivered: Delivered) => void {
	return stages.reduceRight<(delivered: Delivered) => void>((next, stage) => (delivered) => stage.push(delivered, next), sink);
}

/**
 * A filter that drops events keeps their gaps: what a dropped item reported (a reconnect, dropped
 * frames) moves to the next item that passes, so a first event after a reconnect that the user
 * filtered out cannot hide the gap. Only for stages that pass or drop at once (filters); a stage
 * that holds events (a merge, a throttle) hands gaps on itself.
 */
export function carryingDroppedGaps(filter: Stage): Stage {
	let carried: Gap | null = null;
	// The filter calls `kept` at once or never (see above): one function for every event, not a closure each.
	let passed = false;
	let downstream: (delivered: Delivered) => void = () => {};
	const kept = (delivered: Delivered) => {
		passed = true;
		if (carried) {
			delivered.item.gap = mergeGaps(carried, delivered.item.gap);
			carried = null;
		}
		downstream(delivered);
	};
	return {
		push(delivered, next) {
			passed = false;
			downstream = next;
			filter.push(delivered, kept);
			if (!passed) carried = mergeGaps(carried, delivered.item.gap);
		},
		dispose: () => filter.dispose?.(),
	};
}

/** Passes only the events whose name is selected; an empty selection passes everything. */
export function eventFilter(selected: readonly string[]): Stage {
	const wanted = new Set(selected);
	return carryingDroppedGaps({
		push(delivered, next) {
			if (wanted.size === 0 || wanted.has(delivered.item.event)) next(delivered);
		},
	});
}
