/**
 * The markets the simulated aggregator lists: a few headline markets with a Yes and a No outcome,
 * plus generated ones so a client can hold more than the 100-subscription limit of real outcomes.
 */
export const VENUES = ['kalshi', 'polymarket', 'limitless', 'opinion'] as const;
export type Venue = (typeof VENUES)[number];

export interface Outcome {
	outcomeId: string;
	marketId: string;
	/** 'Yes' or 'No'. */
	label: string;
	title: string;
	/** Where the book starts (0.01–0.99). */
	startMid: number;
}

const HEADLINES: ReadonlyArray<{ slug: string; title: string; yes: number }> = [
	{ slug: 'fed_cut_july', title: 'Fed cuts rates in July', yes: 0.62 },
	{ slug: 'btc_150k', title: 'Bitcoin above $150k by year end', yes: 0.23 },
	{ slug: 'rain_nyc', title: 'Rain in New York tomorrow', yes: 0.41 },
	{ slug: 'worldcup_fr', title: 'France wins the World Cup', yes: 0.14 },
	{ slug: 'cpi_above', title: 'CPI above 3% this month', yes: 0.55 },
	{ slug: 'spacex_mars', title: 'SpaceX lands on Mars before 2030', yes: 0.08 },
];

/** Headline markets first, then `sim_<n>` filler markets up to `marketCount`. */
export function buildCatalog(marketCount = 60): Outcome[] {
	const outcomes: Outcome[] = [];
	for (let i = 0; i < marketCount; i++) {
		const headline = HEADLINES[i];
		const slug = headline?.slug ?? `sim_${String(i + 1).padStart(3, '0')}`;
		const title = headline?.title ?? `Simulated market ${i + 1}`;
		const yes = headline?.yes ?? round2(0.1 + ((i * 37) % 80) / 100);
		const marketId = `mkt_${slug}`;
		outcomes.push({ outcomeId: `vmo_${slug}_yes`, marketId, label: 'Yes', title, startMid: yes });
		outcomes.push({ outcomeId: `vmo_${slug}_no`, marketId, label: 'No', title, startMid: round2(1 - yes) });
	}
	return outcomes;
}

/** Prices are cents: two decimals, so `String(price)` (the checksum text) stays short and exact. */
export function round2(value: number): number {
	return Math.round(value * 100) / 100;
}
