/** The symbols the simulated Helio trades, with what pricing and P&L need to know of each. */
export interface Instrument {
	symbol: string;
	/** Price decimals; one point is 10^-digits. */
	digits: number;
	/** Units per lot. */
	contractSize: number;
	/** The currency prices are in; P&L is converted to the USD account currency. */
	quoteCurrency: 'USD' | 'JPY';
	spreadPoints: number;
	initialBid: number;
	/** Typical relative move of one random-walk step. */
	stepVolatility: number;
}

export const INSTRUMENTS: readonly Instrument[] = [
	{
		symbol: 'EURUSD',
		digits: 5,
		contractSize: 100_000,
		quoteCurrency: 'USD',
		spreadPoints: 10,
		initialBid: 1.0843,
		stepVolatility: 0.00004,
	},
	{
		symbol: 'GBPUSD',
		digits: 5,
		contractSize: 100_000,
		quoteCurrency: 'USD',
		spreadPoints: 15,
		initialBid: 1.271,
		stepVolatility: 0.00005,
	},
	{
		symbol: 'USDJPY',
		digits: 3,
		contractSize: 100_000,
		quoteCurrency: 'JPY',
		spreadPoints: 15,
		initialBid: 151.2,
		stepVolatility: 0.00004,
	},
	{ symbol: 'XAUUSD', digits: 2, contractSize: 100, quoteCurrency: 'USD', spreadPoints: 30, initialBid: 2345.1, stepVolatility: 0.00008 },
	{ symbol: 'BTCUSD', digits: 2, contractSize: 1, quoteCurrency: 'USD', spreadPoints: 1500, initialBid: 67_000, stepVolatility: 0.0002 },
];

export function pointSize(instrument: Instrument): number {
	return 10 ** -instrument.digits;
}

export function roundTo(value: number, decimals: number): number {
	return Number(value.toFixed(decimals));
}

export function roundPrice(instrument: Instrument, price: number): number {
	return roundTo(price, instrument.digits);
}

/** Lots move in steps of 0.01. */
export function roundLots(volume: number): number {
	return roundTo(volume, 2);
}

export function roundMoney(amount: number): number {
	return roundTo(amount, 2);
}

export class InstrumentTable {
	private readonly bySymbol: ReadonlyMap<string, Instrument>;

	constructor(instruments: readonly Instrument[] = INSTRUMENTS) {
		this.bySymbol = new Map(instruments.map((instrument) => [instrument.symbol, instrument]));
	}

	get symbols(): string[] {
		return [...this.bySymbol.keys()];
	}

	get(symbol: string): Instrument {
		const instrument = this.bySymbol.get(symbol);
		if (!instrument) throw new Error(`unknown symbol ${symbol}`);
		return instrument;
	}

	all(): Instrument[] {
		return [...this.bySymbol.values()];
	}
}
