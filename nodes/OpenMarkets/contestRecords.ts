/**
 * What OpenMarkets leaves open about a listed contest: the name of its start and of its ID
 * (docs/venues/openmarkets.md#undocumented-details-and-what-the-nodes-accept). The follow rule and
 * Contest → Get Many read both here, so they accept the same forms.
 */
import type { IDataObject } from 'n8n-workflow';

/** The names a contest's start may go by (the docs name none). */
export const START_FIELDS = ['starts_at', 'start_time', 'startsAt', 'startTime'];

/** When a contest starts, in ms since the epoch: an ISO date, or epoch seconds or milliseconds, under any START_FIELDS name. */
export function contestStart(contest: IDataObject): number | undefined {
	for (const field of START_FIELDS) {
		const value = contest[field];
		if (typeof value === 'string' && value.trim() !== '') {
			const ms = Date.parse(value);
			if (!Number.isNaN(ms)) return ms;
		}
		// Below 10^12 it can only be seconds (10^12 ms is 2001).
		if (typeof value === 'number' && Number.isFinite(value)) return value < 1e12 ? value * 1000 : value;
	}
	return undefined;
}

/** A contest's ID: `id`, or `contest_id` as stream messages name it. */
export function contestId(contest: IDataObject): string | undefined {
	const id = contest.id ?? contest.contest_id;
	return typeof id === 'string' && id !== '' ? id : undefined;
}

/** Soonest first; the same start in ID order, as the docs dialect lists them. */
export function byStartThenId(a: { id: string; start: number }, b: { id: string; start: number }): number {
	return a.start - b.start || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export interface StartWindow {
	/** Inclusive, ms since the epoch. */
	after?: number;
	/** Exclusive. */
	before?: number;
}

/**
 * The contests starting in the window, soonest first. Without a window, contests with no start the
 * node can read stay, last, in the order listed; with one they cannot be placed in it and are counted.
 */
export function inStartOrder(listed: IDataObject[], window: StartWindow): { contests: IDataObject[]; withoutStart: number } {
	const windowed = window.after !== undefined || window.before !== undefined;
	const dated: Array<{ id: string; start: number; contest: IDataObject }> = [];
	const undated: IDataObject[] = [];
	for (const contest of listed) {
		const start = contestStart(contest);
		if (start === undefined) undated.push(contest);
		else if ((window.after === undefined || start >= window.after) && (window.before === undefined || start < window.before)) {
			dated.push({ id: contestId(contest) ?? '', start, contest });
		}
	}
	const sorted = dated.sort(byStartThenId).map(({ contest }) => contest);
	return windowed ? { contests: sorted, withoutStart: undated.length } : { contests: [...sorted, ...undated], withoutStart: 0 };
}
