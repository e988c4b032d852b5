/**
 * Current bid/ask per symbol: set by tests, moved by a random walk, and the order book depth
 * derived from them.
 */
import type { Clock } from '../clock';
import type { Random } from '../random';
import { pointSize, roundPrice, type InstrumentTable } from './instruments';

export interface Quote {
	symbol: string;
	bid: number;
	ask: number;
	/** When it last moved (epoch ms). */
	at: number;
}

export interface DepthBook {
	symbol: string;
	/** [price, volume in lots], best first. */
	bids: Array<[number, number]>;
	asks: Array<[number, number]>;
	at: number;
}

export class QuoteBoard {
	private readonly quotes = new Map<string, Quote>();

	constructor(
		private readonly instruments: InstrumentTable,
		private readonly clock: Clock,
	) {
		const now = clock.now();
		for (const instrument of instruments.all()) {
			const bid = instrument.initialBid;
			const ask = roundPrice(instrument, bid + instrument.spreadPoints * pointSize(instrument));
			this.quotes.set(instrument.symbol, { symbol: instrument.symbol, bid, ask, at: now });
		}
	}

	get(symbol: string): Quote {
		const quote = this.quotes.get(symbol);
		if (!quote) throw new Error(`unknown symbol ${symbol}`);
		return quote;
	}

	/** Prices are rounded to the symbol's digits; a crossed or non-positive quote is refused. */
	set(symbol: string, bid: number, ask: number): Quote {
		const instrument = this.instruments.get(symbol);
		if (!Number.isFinite(bid) || !Number.isFinite(ask) || bid <= 0 || ask < bid) {
			throw new Error(`setQuote(${symbol}): need 0 < bid <= ask, got bid ${bid} ask ${ask}`);
		}
		const quote = { symbol, bid: roundPrice(instrument, bid), ask: roundPrice(instrument, ask), at: this.clock.now() };
		this.quotes.set(symbol, quote);
		return quote;
	}

	/** One random-walk step of the mid price; the spread wobbles around the symbol's typical one. */
	walk(symbol: string, random: Random): Quote {
		const instrument = this.instruments.get(symbol);
		const current = this.get(symbol);
		const point = pointSize(instrument);
		// Sum of three uniforms: a cheap bell curve on [-1.5, 1.5].
		const shock = random.next() + random.next() + random.next() - 1.5;
		const mid = Math.max(point * 10, ((current.bid + current.ask) / 2) * (1 + shock * instrument.stepVolatility * 2));
		const spread = Math.max(1, Math.round(instrument.spreadPoints * (0.8 + random.next() * 0.4))) * point;
		const bid = roundPrice(instrument, mid - spread / 2);
		return this.set(symbol, bid, roundPrice(instrument, bid + spread));
	}

	/** `levels` price levels each side, half a spread apart; volumes are a fixed function of price and level. */
	depth(symbol: string, levels: number): DepthBook {
		const instrument = this.instruments.get(symbol);
		const quote = this.get(symbol);
		const point = pointSize(instrument);
		const step = Math.max(1, Math.round(instrument.spreadPoints / 2)) * point;
		const side = (best: number, direction: 1 | -1): Array<[number, number]> =>
			Array.from({ length: levels }, (_, level) => {
				const price = roundPrice(instrument, best + direction * level * step);
				return [price, levelVolume(Math.round(price / point), level)];
			});
		return { symbol, bids: side(quote.bid, -1), asks: side(quote.ask, 1), at: quote.at };
	}
}

/** Deterministic lots for a level: the same book for the same price, whoever is watching. */
function levelVolume(pricePoints: number, level: number): number {
	let h = (pricePoints ^ Math.imul(level + 1, 0x9e3779b1)) >>> 0;
	h = Math.imul(h ^ (h >>> 16), 0x45d9f3b) >>> 0;
	h = (h ^ (h >>> 16)) >>> 0;
	return Number(((1 + (h % 400) / 100) * (level + 1)).toFixed(2));
}
