/**
 * `POST /execution/quote`: priced off the outcome's book. `amount` is dollars to spend on a buy
 * and shares to sell on a sell [inferred]; the split follows the venues of the top level.
 */
import type { Clock } from '../clock';
import type { Random } from '../random';
import type { OrderBooks } from './books';
import { AggError } from './errors';
import type { Ledger } from './ledger';
import { DAG_STEPS } from './orders';
import type { QuoteBody } from './schemas';

const QUOTE_TTL_MS = 30_000;

export function buildQuote(
	body: QuoteBody,
	userId: string,
	deps: { books: OrderBooks; ledger: Ledger; clock: Clock; random: Random },
): unknown {
	const { books, ledger, clock, random } = deps;
	if (!books.has(body.tokenId)) throw new AggError('NOT_FOUND', `Unknown tokenId ${body.tokenId}`, 'tokenId');
	if (books.outcome(body.tokenId).marketId !== body.marketId) {
		throw new AggError('NOT_FOUND', `tokenId ${body.tokenId} is not an outcome of market ${body.marketId}`, 'marketId');
	}
	const snapshot = books.snapshot(body.tokenId);
	const top = body.side === 'buy' ? snapshot.asks[0] : snapshot.bids[0];
	const resolved = books.isResolved(body.tokenId);
	let reason: string | undefined;
	let splits: Array<{ venue: string; amount: number; price: number }> = [];
	if (resolved) reason = 'market resolved';
	else if (!top) reason = 'no liquidity';
	else {
		const slip = body.slippageBps / 10_000;
		const price = Math.min(0.99, Math.round(top.price * (body.side === 'buy' ? 1 + slip : 1 - slip) * 10_000) / 10_000);
		splits = top.venues.map((part) => ({
			venue: part.venue,
			amount: Math.round(((body.amount * part.size) / top.totalSize) * 100) / 100,
			price,
		}));
		const cost = body.side === 'buy' ? body.amount : 0;
		if (cost * 100 > ledger.balance(userId, body.venue).tradingCents) reason = 'insufficient trading balance';
	}
	return {
		quoteId: `q_${random.hex(16)}`,
		canExecute: reason === undefined,
		...(reason ? { reason } : {}),
		steps: DAG_STEPS.map((stepType, index) => ({ sequence: index + 1, stepType })),
		splits,
		expiresAt: new Date(clock.now() + QUOTE_TTL_MS).toISOString(),
	};
}
