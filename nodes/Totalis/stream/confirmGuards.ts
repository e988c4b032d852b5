/**
 * The limits the trigger's fast path checks before it confirms an accepted quote (Confirm
 * Accepted Quotes → Confirm Guards). Each is optional; a quote that fails one is not confirmed
 * (Totalis lets it expire) and its item names the guard. The cost and exposure guards read the
 * `mm_quote:accepted` payload (`quote.mm_cost`, `exposure_legs`): `quote:accepted` carries neither.
 */
import type { IDataObject } from 'n8n-workflow';

import { RollingSum } from './rollingSum';

export interface ConfirmGuardSettings {
	/** Most `quote.mm_cost` of one quote. */
	maxCostPerQuote?: number;
	/** Most `quote.mm_cost` confirmed in the last hour, confirms in flight included. */
	maxCostPerHour?: number;
	/** Most confirm calls started in the last minute. */
	maxConfirmsPerMinute?: number;
	/** Venues (lower case) every exposure leg must be on. */
	allowedExposureVenues?: string[];
}

/** The guard that declined a quote: a Confirm Guards option name, or `manualRun`. */
export type GuardName = keyof ConfirmGuardSettings | 'manualRun';

export interface Decline {
	declinedBy: GuardName;
	reason: string;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

export class ConfirmGuards {
	private readonly confirmsLastMinute: RollingSum;
	private readonly costLastHour: RollingSum;
	/** Cost of the confirms sent and not answered yet: counted against the hour until they end. */
	private costInFlight = 0;

	constructor(
		private readonly settings: ConfirmGuardSettings,
		now: () => number = Date.now,
	) {
		this.confirmsLastMinute = new RollingSum(MINUTE_MS, 60, now);
		this.costLastHour = new RollingSum(HOUR_MS, 360, now);
	}

	/** Whether a guard reads the mm_quote:accepted payload, so a lone quote:accepted must wait for it. */
	get needsDetails(): boolean {
		const { maxCostPerQuote, maxCostPerHour, allowedExposureVenues } = this.settings;
		return maxCostPerQuote !== undefined || maxCostPerHour !== undefined || allowedExposureVenues !== undefined;
	}

	/** The first guard this quote fails, or undefined; `details` is the mm_quote:accepted payload, when it came. */
	check(details: IDataObject | undefined): Decline | undefined {
		const { maxCostPerQuote, maxCostPerHour, maxConfirmsPerMinute, allowedExposureVenues } = this.settings;
		const cost = details === undefined ? undefined : costOf(details);
		if (maxCostPerQuote !== undefined) {
			if (cost === undefined) return { declinedBy: 'maxCostPerQuote', reason: noCost(details) };
			if (cost > maxCostPerQuote) {
				return { declinedBy: 'maxCostPerQuote', reason: `mm_cost ${cost} is above Max Cost per Quote (${maxCostPerQuote})` };
			}
		}
		if (allowedExposureVenues !== undefined) {
			const refused = refusedVenues(details, allowedExposureVenues);
			if (refused) return { declinedBy: 'allowedExposureVenues', reason: refused };
		}
		if (maxConfirmsPerMinute !== undefined && this.confirmsLastMinute.total() >= maxConfirmsPerMinute) {
			return {
				declinedBy: 'maxConfirmsPerMinute',
				reason: `${maxConfirmsPerMinute} confirm(s) were already sent in the last minute (Max Confirmations per Minute)`,
			};
		}
		if (maxCostPerHour !== undefined) {
			if (cost === undefined) return { declinedBy: 'maxCostPerHour', reason: noCost(details) };
			const spent = this.costLastHour.total() + this.costInFlight;
			if (spent + cost > maxCostPerHour) {
				return {
					declinedBy: 'maxCostPerHour',
					reason: `mm_cost ${cost} on top of ${round(spent)} confirmed in the last hour is above Max Cost per Rolling Hour (${maxCostPerHour})`,
				};
			}
		}
		return undefined;
	}

	/**
	 * A confirm is sent: it counts against the minute, and its cost against the hour while it runs.
	 * Call what this returns when it ends, saying whether the cost was spent (confirmed, or maybe).
	 */
	sent(details: IDataObject | undefined): (spent: boolean) => void {
		const cost = (details && costOf(details)) ?? 0;
		this.confirmsLastMinute.add(1);
		this.costInFlight += cost;
		return (spent) => {
			this.costInFlight -= cost;
			if (spent) this.costLastHour.add(cost);
		};
	}
}

/** `quote.mm_cost` (what the market maker pays if the taker wins), when it is a number ≥ 0. */
function costOf(details: IDataObject): number | undefined {
	const quote = details.quote as IDataObject | undefined;
	const cost = quote && typeof quote === 'object' ? quote.mm_cost : undefined;
	return typeof cost === 'number' && Number.isFinite(cost) && cost >= 0 ? cost : undefined;
}

function noCost(details: IDataObject | undefined): string {
	return details === undefined
		? 'mm_quote:accepted, which carries quote.mm_cost, did not arrive in time'
		: 'mm_quote:accepted carries no quote.mm_cost (a number ≥ 0) to check';
}

/** Why the exposure legs fail Allowed Exposure Venues, or undefined when every leg is on an allowed venue. */
function refusedVenues(details: IDataObject | undefined, allowed: string[]): string | undefined {
	if (details === undefined) return 'mm_quote:accepted, which carries exposure_legs, did not arrive in time';
	const legs = details.exposure_legs;
	if (!Array.isArray(legs) || legs.length === 0) return 'mm_quote:accepted carries no exposure_legs to check';
	const venues = legs.map((leg) => String((leg as IDataObject | null)?.venue ?? '').toLowerCase());
	const outside = [...new Set(venues.filter((venue) => !allowed.includes(venue)))];
	if (outside.length === 0) return undefined;
	return `exposure on ${outside.map((venue) => venue || '(no venue)').join(', ')}, not among Allowed Exposure Venues (${allowed.join(', ')})`;
}

const round = (value: number) => Math.round(value * 100) / 100;
