/**
 * The demo's pricing model, standing in for the Code node a market maker would write: a fair
 * parlay multiplier from the number of legs (each leg a near coin-flip), less a margin. Real
 * pricing reads each leg's market; this keeps the loop moving with plausible odds.
 */
export interface PricedRequest {
	id: string;
	version: number;
	request_hash: string;
	legs?: unknown[];
	bet_amount?: number;
}

export function payoutOddsFor(request: PricedRequest, margin = 0.06): number {
	const legs = Math.max(1, request.legs?.length ?? 1);
	const fair = 1.92 ** legs;
	return Math.round(fair * (1 - margin) * 100) / 100;
}
