/**
 * Each user's money, positions and orders: what the REST endpoints read and a fill changes.
 * Balances are cents (as `balance_update` carries them); USDC raw amounts have 6 decimals.
 */
import type { AggDialect } from '../dialects';
import type { Random } from '../random';
import { VENUES, type Outcome, type Venue } from './catalog';

export const USDC_DECIMALS = 6;
const RAW_PER_CENT = 10n ** BigInt(USDC_DECIMALS - 2);

export interface VenueBalance {
	tradingCents: number;
	walletCents: number;
}

export interface Position {
	positionId: string;
	venue: Venue;
	marketId: string;
	outcomeId: string;
	title: string;
	outcome: string;
	size: number;
	avgPrice: number;
}

export type OrderStatus = 'pending' | 'filled' | 'partially_filled' | 'failed';

export interface Order {
	orderId: string;
	venue: Venue;
	side: 'buy' | 'sell';
	price: number;
	size: number;
	outcomeId: string;
	status: OrderStatus;
	filledAmountRaw: string;
	/** Epoch ms. */
	createdAt: number;
}

interface Account {
	balances: Map<Venue, VenueBalance>;
	positions: Position[];
	/** Newest last; listed newest first. */
	orders: Order[];
}

export class Ledger {
	private readonly accounts = new Map<string, Account>();

	constructor(
		users: readonly string[],
		outcomes: readonly Outcome[],
		positionCount: number,
		random: Random,
		private readonly dialect: AggDialect = 'short',
	) {
		for (const userId of users) {
			const balances = new Map<Venue, VenueBalance>();
			for (const venue of VENUES)
				balances.set(venue, { tradingCents: random.int(200, 800) * 100, walletCents: random.int(500, 2000) * 100 });
			const positions = Array.from({ length: positionCount }, (_, i): Position => {
				const outcome = outcomes[i % outcomes.length];
				return {
					positionId: `pos_${userId}_${String(i + 1).padStart(4, '0')}`,
					venue: VENUES[i % VENUES.length],
					marketId: outcome.marketId,
					outcomeId: outcome.outcomeId,
					title: outcome.title,
					outcome: outcome.label,
					size: random.int(1, 500),
					avgPrice: outcome.startMid,
				};
			});
			this.accounts.set(userId, { balances, positions, orders: [] });
		}
	}

	balance(userId: string, venue: Venue): VenueBalance {
		return { ...this.account(userId).balances.get(venue)! };
	}

	/**
	 * `GET /execution/balances`: USDC across chains, and the value of positions per venue. Raw
	 * amounts are `totalRaw` in the `short` dialect; in `long` they are `balanceRaw`, and a chain
	 * is `{chain, balanceRaw}`.
	 */
	balancesView(userId: string, priceOf: (outcomeId: string) => number): unknown {
		const account = this.account(userId);
		let walletCents = 0n;
		for (const balance of account.balances.values()) walletCents += BigInt(balance.walletCents + balance.tradingCents);
		const total = walletCents * RAW_PER_CENT;
		// Polygon holds most of it; the split only shows that `chains` has several entries.
		const polygon = (total * 7n) / 10n;
		const raw = this.dialect === 'long' ? 'balanceRaw' : 'totalRaw';
		const chains = [
			{ chain: 'polygon', [raw]: polygon.toString() },
			{ chain: 'base', [raw]: (total - polygon).toString() },
		];
		const positions = VENUES.map((venue) => {
			const value = account.positions.filter((p) => p.venue === venue).reduce((sum, p) => sum + p.size * priceOf(p.outcomeId), 0);
			return { venue, balance: Math.round(value * 100) / 100 };
		});
		return { cash: [{ tokenSymbol: 'USDC', [raw]: total.toString(), decimals: USDC_DECIMALS, chains }], positions };
	}

	positions(userId: string): readonly Position[] {
		return this.account(userId).positions;
	}

	orders(userId: string): Order[] {
		return [...this.account(userId).orders].reverse();
	}

	addOrder(userId: string, order: Order): void {
		this.account(userId).orders.push(order);
	}

	/** A fill of `filled` shares: cash moves between the venue's trading balance and the position. */
	applyFill(userId: string, order: Order, filled: number, outcome: Outcome): VenueBalance {
		const account = this.account(userId);
		const balance = account.balances.get(order.venue)!;
		const cents = Math.round(order.price * filled * 100);
		balance.tradingCents += order.side === 'buy' ? -cents : cents;
		let position = account.positions.find((p) => p.outcomeId === order.outcomeId && p.venue === order.venue);
		if (!position) {
			position = {
				positionId: `pos_${userId}_${order.orderId}`,
				venue: order.venue,
				marketId: outcome.marketId,
				outcomeId: outcome.outcomeId,
				title: outcome.title,
				outcome: outcome.label,
				size: 0,
				avgPrice: order.price,
			};
			account.positions.push(position);
		}
		if (order.side === 'buy') {
			const size = position.size + filled;
			position.avgPrice = Math.round(((position.avgPrice * position.size + order.price * filled) / size) * 10_000) / 10_000;
			position.size = size;
		} else {
			position.size = Math.max(0, position.size - filled);
		}
		return { ...balance };
	}

	private account(userId: string): Account {
		const account = this.accounts.get(userId);
		if (!account) throw new Error(`agg simulator: no user ${userId}`);
		return account;
	}
}

/** Shares → a 6-decimal raw string ('1.5' shares → '1500000'). */
export function toRaw(size: number): bigint {
	return BigInt(Math.round(size * 10 ** USDC_DECIMALS));
}
