/**
 * Plausible parlay legs: Kalshi-style tickers (KXBTC-26JUN01-T72500) and Polymarket-style slugs.
 * One leg per event, so a parlay never bets twice on the same question.
 */
import type { Random } from '../random';
import type { InputLeg, Leg } from './protocol';

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const MONTH_NAMES = [
	'january',
	'february',
	'march',
	'april',
	'may',
	'june',
	'july',
	'august',
	'september',
	'october',
	'november',
	'december',
];

type MarketRef = Omit<Leg, 'id' | 'side'>;

interface DateParts {
	/** 26JUN01 */
	code: string;
	/** 26JUN */
	monthCode: string;
	/** june-1 */
	slug: string;
}

function dateParts(ms: number): DateParts {
	const date = new Date(ms);
	const yy = String(date.getUTCFullYear() % 100).padStart(2, '0');
	const month = MONTHS[date.getUTCMonth()];
	const day = String(date.getUTCDate()).padStart(2, '0');
	return {
		code: `${yy}${month}${day}`,
		monthCode: `${yy}${month}`,
		slug: `${MONTH_NAMES[date.getUTCMonth()]}-${date.getUTCDate()}`,
	};
}

const NBA_TEAMS = ['BOS', 'LAL', 'NYK', 'DEN', 'MIA', 'GSW', 'OKC', 'MIL'];
const MLB_TEAMS = ['NYY', 'BOS', 'LAD', 'HOU', 'ATL', 'SEA', 'CHC', 'SD'];
const WORLD_CUP_TEAMS = ['brazil', 'france', 'argentina', 'england', 'spain', 'germany'];

/** Each generator makes one market of its own event. */
const MARKET_GENERATORS: Array<(random: Random, day: DateParts) => MarketRef> = [
	(random, day) => {
		const strike = random.int(60, 90) * 1000 + random.pick([0, 500]);
		return { venue: 'kalshi', event_ticker: `KXBTC-${day.code}`, market_ticker: `KXBTC-${day.code}-T${strike}` };
	},
	(random, day) => {
		const strike = random.int(28, 46) * 100;
		return { venue: 'kalshi', event_ticker: `KXETH-${day.code}`, market_ticker: `KXETH-${day.code}-T${strike}` };
	},
	(random, day) => {
		const [home, away] = random.sample(NBA_TEAMS, 2);
		const event = `KXNBAGAME-${day.code}${away}${home}`;
		return { venue: 'kalshi', event_ticker: event, market_ticker: `${event}-${random.pick([home, away])}` };
	},
	(random, day) => {
		const [home, away] = random.sample(MLB_TEAMS, 2);
		const event = `KXMLBGAME-${day.code}${away}${home}`;
		return { venue: 'kalshi', event_ticker: event, market_ticker: `${event}-${random.pick([home, away])}` };
	},
	(random, day) => {
		const outcome = random.pick(['H0', 'C25', 'C50']);
		return { venue: 'kalshi', event_ticker: `KXFEDDECISION-${day.monthCode}`, market_ticker: `KXFEDDECISION-${day.monthCode}-${outcome}` };
	},
	(random) => {
		const team = random.pick(WORLD_CUP_TEAMS);
		return { venue: 'polymarket', event_ticker: 'world-cup-2026-winner', market_ticker: `will-${team}-win-the-2026-world-cup` };
	},
	(random, day) => {
		const strike = random.pick([90, 100, 110, 120]);
		const event = `bitcoin-above-on-${day.slug}`;
		return { venue: 'polymarket', event_ticker: event, market_ticker: `bitcoin-above-${strike}k-on-${day.slug}` };
	},
	(random) => {
		const team = random.pick(['celtics', 'thunder', 'knicks', 'nuggets']);
		return { venue: 'polymarket', event_ticker: 'nba-champion-2026', market_ticker: `will-the-${team}-win-the-2026-nba-finals` };
	},
];

/** 1 to `maxLegs` legs on distinct events, settling a few days after `nowMs`. */
export function generateLegs(random: Random, nowMs: number, maxLegs = 4): Leg[] {
	const count = random.int(1, Math.min(maxLegs, MARKET_GENERATORS.length));
	const day = dateParts(nowMs + random.int(1, 7) * 86_400_000);
	return random.sample(MARKET_GENERATORS, count).map((generate) => {
		const market = generate(random, day);
		// Field order as the venue documents it (docs/venues/totalis.md#get-a-quote-request).
		return {
			id: random.uuid(),
			event_ticker: market.event_ticker,
			market_ticker: market.market_ticker,
			side: random.pick(['yes', 'no'] as const),
			venue: market.venue,
		};
	});
}

/** Legs as the taker asked for them (the documented input_legs: no id, no event ticker). */
export function inputLegsOf(legs: readonly Leg[]): InputLeg[] {
	return legs.map((leg) => ({ market_ticker: leg.market_ticker, side: leg.side, venue: leg.venue }));
}

/** Exposure legs of mm_quote:accepted: the legs without their ids. */
export function exposureLegsOf(legs: readonly Leg[]): Array<Omit<Leg, 'id'>> {
	return legs.map((leg) => ({ venue: leg.venue, event_ticker: leg.event_ticker, market_ticker: leg.market_ticker, side: leg.side }));
}

/**
 * Per-leg implied probabilities whose product prices the parlay at `payoutOdds`
 * (the documented leg_odds, e.g. 0.42).
 */
export function legPricesFor(legs: readonly Leg[], payoutOdds: number): Array<{ leg_id: string; leg_odds: number }> {
	const perLeg = Math.pow(1 / payoutOdds, 1 / Math.max(1, legs.length));
	return legs.map((leg) => ({ leg_id: leg.id, leg_odds: Math.round(perLeg * 100) / 100 }));
}

/** A fair-ish payout multiplier for a parlay of `legCount` legs (each leg around 35–75 %). */
export function plausibleOdds(random: Random, legCount: number): number {
	let probability = 1;
	for (let i = 0; i < legCount; i++) probability *= 0.35 + random.next() * 0.4;
	// Market makers keep an edge of a few percent.
	return Math.max(1.01, Math.round((0.95 / probability) * 100) / 100);
}
