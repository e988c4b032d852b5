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

/** Passes only the events whose name is selected; an empty selection passes everything. */
export function eventFilter(selected: readonly string[]): Stage {
	const wanted = new Set(selected);
	return {
		push(delivered, next) {
			if (wanted.size === 0 || wanted.has(delivered.item.event)) next(delivered);
		},
	};
}
