import { ManualClock, startSimulator, type HelioSimEvents, type VenueSimulator } from '../src';

// Order bodies as the simulator answered them: the assertions below pin their shape.
type Json = any;

const ACCOUNT = 'acc-1001';

const body = (side: 'BUY' | 'SELL', type: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
	symbol_id: 'EURUSD',
	side: `TRADE_SIDE_${side}`,
	type: `ORDER_TYPE_${type}`,
	time_in_force: 'TIF_GTC',
	volume: 1,
	...extra,
});

describe('Helio market', () => {
	let sim: VenueSimulator;
	/** Every event the simulator reported, in order. */
	let seen: Array<{ name: string; payload: any }>;

	const record = (): void => {
		seen = [];
		for (const name of ['order:created', 'order:filled', 'order:ended', 'position:closed'] as Array<keyof HelioSimEvents>) {
			sim.helio.events.on(name, (payload) => seen.push({ name, payload }));
		}
	};
	const place = (order: Record<string, unknown>, accountId = ACCOUNT): Json => {
		const reply = sim.helio.placeOrderAs(accountId, order);
		expect(reply.status).toBe(201);
		return (reply.body as Json).order;
	};
	const orderNow = (id: string): Json => sim.helio.market.orderHistory(ACCOUNT, {}).find((order) => order.id === id);
	/** The executionEvent statuses of one order, as the sockets saw them. */
	const executions: Record<string, string[]> = {};

	afterEach(async () => {
		await sim.close();
	});

	describe('on the system clock', () => {
		beforeEach(async () => {
			sim = await startSimulator({ helio: { seed: 11 } });
			record();
			for (const key of Object.keys(executions)) delete executions[key];
			sim.helio.events.on('ws:event', ({ type, payload }) => {
				if (type !== 'executionEvent') return;
				const event = payload as { orderId: string; status: string };
				(executions[event.orderId] ??= []).push(event.status);
			});
			sim.helio.setQuote('EURUSD', 1.1, 1.1002);
		});

		it('market orders fill at once: buys at the ask, sells at the bid', () => {
			expect(place(body('BUY', 'MARKET'))).toMatchObject({ status: 'ORDER_STATUS_FILLED', price: 1.1002 });
			const sell = place(body('SELL', 'MARKET'));
			expect(sell).toMatchObject({ status: 'ORDER_STATUS_FILLED', price: 1.1 });
			expect(executions[sell.id]).toEqual(['ACCEPTED', 'FILLED']);
			expect(sim.helio.openPositions(ACCOUNT).map((p) => [p.side, p.open_price])).toEqual([
				['TRADE_SIDE_BUY', 1.1002],
				['TRADE_SIDE_SELL', 1.1],
			]);
		});

		it('a LIMIT buy rests until the ask falls to its limit, then fills at the ask', () => {
			const order = place(body('BUY', 'LIMIT', { limit_price: 1.0995 }));
			expect(order).toMatchObject({ status: 'ORDER_STATUS_NEW', filled_volume: 0 });
			sim.helio.setQuote('EURUSD', 1.0995, 1.0997);
			expect(orderNow(order.id).status).toBe('ORDER_STATUS_NEW');
			sim.helio.setQuote('EURUSD', 1.0991, 1.0993);
			expect(orderNow(order.id)).toMatchObject({ status: 'ORDER_STATUS_FILLED', price: 1.0993 });
			expect(executions[order.id]).toEqual(['ACCEPTED', 'FILLED']);
		});

		it('a LIMIT sell above the bid rests; a marketable one fills at once, never worse than its limit', () => {
			const resting = place(body('SELL', 'LIMIT', { limit_price: 1.101 }));
			expect(resting.status).toBe('ORDER_STATUS_NEW');
			const marketable = place(body('SELL', 'LIMIT', { limit_price: 1.099 }));
			expect(marketable).toMatchObject({ status: 'ORDER_STATUS_FILLED', price: 1.1 });
			sim.helio.setQuote('EURUSD', 1.1012, 1.1014);
			expect(orderNow(resting.id)).toMatchObject({ status: 'ORDER_STATUS_FILLED', price: 1.1012 });
		});

		it('a STOP buy fills at the ask once the ask reaches the stop', () => {
			const order = place(body('BUY', 'STOP', { stop_price: 1.101 }));
			expect(order).toMatchObject({ status: 'ORDER_STATUS_NEW', stop_price: 1.101 });
			sim.helio.setQuote('EURUSD', 1.1006, 1.1008);
			expect(orderNow(order.id).status).toBe('ORDER_STATUS_NEW');
			sim.helio.setQuote('EURUSD', 1.1011, 1.1013);
			expect(orderNow(order.id)).toMatchObject({ status: 'ORDER_STATUS_FILLED', price: 1.1013 });
		});

		it('a STOP_LIMIT sell turns into a limit when the bid touches the stop, and fills only at its limit or better', () => {
			const order = place(body('SELL', 'STOP_LIMIT', { stop_price: 1.099, limit_price: 1.0995 }));
			// Above the limit but before the stop: nothing.
			sim.helio.setQuote('EURUSD', 1.0996, 1.0998);
			expect(orderNow(order.id).status).toBe('ORDER_STATUS_NEW');
			// The stop is touched, the bid is below the limit: it rests as a limit.
			sim.helio.setQuote('EURUSD', 1.0989, 1.0991);
			expect(orderNow(order.id).status).toBe('ORDER_STATUS_NEW');
			sim.helio.setQuote('EURUSD', 1.0997, 1.0999);
			expect(orderNow(order.id)).toMatchObject({ status: 'ORDER_STATUS_FILLED', price: 1.0997 });
		});

		it('a TRAILING_STOP sell follows a rising bid at stop_loss_points and fills when the bid falls back to it', () => {
			const order = place(body('SELL', 'TRAILING_STOP', { stop_loss_points: 20 }));
			expect(order).toMatchObject({ status: 'ORDER_STATUS_NEW', stop_price: 1.0998 });
			sim.helio.setQuote('EURUSD', 1.101, 1.1012);
			expect(orderNow(order.id).stop_price).toBe(1.1008);
			// A dip that stays above the stop does not lower it.
			sim.helio.setQuote('EURUSD', 1.1009, 1.1011);
			expect(orderNow(order.id)).toMatchObject({ status: 'ORDER_STATUS_NEW', stop_price: 1.1008 });
			sim.helio.setQuote('EURUSD', 1.1007, 1.1009);
			expect(orderNow(order.id)).toMatchObject({ status: 'ORDER_STATUS_FILLED', price: 1.1007 });
		});

		it('IOC fills what it can at once and cancels the rest; FOK that cannot fill at once is rejected, not accepted', () => {
			const iocFilled = place(body('BUY', 'MARKET', { time_in_force: 'TIF_IOC' }));
			expect(iocFilled.status).toBe('ORDER_STATUS_FILLED');
			const iocCancelled = place(body('BUY', 'LIMIT', { limit_price: 1.09, time_in_force: 'TIF_IOC' }));
			expect(iocCancelled.status).toBe('ORDER_STATUS_CANCELLED');
			expect(executions[iocCancelled.id]).toEqual(['ACCEPTED', 'CANCELLED']);

			const fokFilled = place(body('BUY', 'LIMIT', { limit_price: 1.2, time_in_force: 'TIF_FOK' }));
			expect(fokFilled).toMatchObject({ status: 'ORDER_STATUS_FILLED', price: 1.1002 });
			const fokRejected = place(body('BUY', 'STOP', { stop_price: 1.2, time_in_force: 'TIF_FOK' }));
			expect(fokRejected).toMatchObject({ status: 'ORDER_STATUS_REJECTED', filled_volume: 0 });
			expect(executions[fokRejected.id]).toEqual(['REJECTED']);
			expect(seen.filter((e) => e.name === 'order:ended').map((e) => e.payload.order.status)).toEqual([
				'ORDER_STATUS_CANCELLED',
				'ORDER_STATUS_REJECTED',
			]);
			// Neither left anything resting.
			sim.helio.setQuote('EURUSD', 1.21, 1.2102);
			expect(orderNow(fokRejected.id).status).toBe('ORDER_STATUS_REJECTED');
		});

		it('an order over 5 lots fills in two parts into one position, a few ms apart', async () => {
			const complete = sim.helio.waitFor('order:filled', (f) => f.complete);
			const order = place(body('BUY', 'MARKET', { volume: 7 }));
			expect(order).toMatchObject({ status: 'ORDER_STATUS_PARTIALLY_FILLED', filled_volume: 3.5 });
			const { deal, position } = await complete;
			expect(deal.volume).toBe(3.5);
			expect(position).toMatchObject({ volume: 7, open_price: 1.1002 });
			expect(executions[order.id]).toEqual(['ACCEPTED', 'PARTIALLY_FILLED', 'FILLED']);
			const deals = sim.helio.market.dealHistory(ACCOUNT, {});
			expect(deals.map((d) => [d.order_id, d.position_id, d.volume])).toEqual([
				[order.id, position.id, 3.5],
				[order.id, position.id, 3.5],
			]);
			// 5 lots exactly is one fill.
			expect(place(body('BUY', 'MARKET', { volume: 5 })).status).toBe('ORDER_STATUS_FILLED');
		});

		it('a partly filled order can be cancelled before its second part', () => {
			const order = place(body('BUY', 'MARKET', { volume: 6 }));
			const cancelled = sim.helio.market.cancelOrder(ACCOUNT, order.id);
			expect(cancelled).toMatchObject({ status: 'ORDER_STATUS_CANCELLED', filled_volume: 3 });
			expect(executions[order.id]).toEqual(['ACCEPTED', 'PARTIALLY_FILLED', 'CANCELLED']);
			expect(sim.helio.openPositions(ACCOUNT)[0].volume).toBe(3);
		});

		it('a stop loss on the position closes it when the bid crosses it, at the bid', () => {
			place(body('BUY', 'MARKET', { stop_loss_price: 1.099, take_profit_price: 1.102 }));
			const [position] = sim.helio.openPositions(ACCOUNT);
			expect(position).toMatchObject({ stop_loss_price: 1.099, take_profit_price: 1.102 });
			sim.helio.setQuote('EURUSD', 1.0991, 1.0993);
			expect(sim.helio.openPositions(ACCOUNT)).toHaveLength(1);
			sim.helio.setQuote('EURUSD', 1.0989, 1.0991);
			expect(sim.helio.openPositions(ACCOUNT)).toEqual([]);
			const closed = seen.find((e) => e.name === 'position:closed')?.payload;
			expect(closed).toMatchObject({ reason: 'stop_loss', deal: { price: 1.0989, side: 'TRADE_SIDE_SELL', order_id: null } });
			expect(closed.position).toMatchObject({ id: position.id, pnl: -130, closed_at: expect.any(String) });
			expect(sim.helio.metrics(ACCOUNT).balance).toBe(9870);
		});

		it('take profit in points closes a sell position when the ask falls to it', () => {
			place(body('SELL', 'MARKET', { take_profit_points: 50, stop_loss_points: 100 }));
			const [position] = sim.helio.openPositions(ACCOUNT);
			expect(position).toMatchObject({ open_price: 1.1, take_profit_price: 1.0995, stop_loss_price: 1.101 });
			sim.helio.setQuote('EURUSD', 1.0993, 1.0995);
			expect(seen.find((e) => e.name === 'position:closed')?.payload).toMatchObject({ reason: 'take_profit', deal: { price: 1.0995 } });
			expect(sim.helio.metrics(ACCOUNT)).toMatchObject({ balance: 10_050, equity: 10_050, margin: 0, marginLevel: null });
		});

		it('P&L of a USDJPY position is converted to USD', () => {
			sim.helio.setQuote('USDJPY', 150, 150.02);
			place(body('BUY', 'MARKET', { symbol_id: 'USDJPY' }));
			sim.helio.setQuote('USDJPY', 150.32, 150.34);
			// 0.3 JPY × 100000 = 30000 JPY, at ~150.33.
			expect(sim.helio.openPositions(ACCOUNT)[0].pnl).toBeCloseTo(30_000 / 150.33, 1);
			expect(sim.helio.metrics(ACCOUNT).margin).toBeCloseTo((100_000 * 150.02) / 150.33 / 100, 1);
		});

		it('setQuote refuses an unknown symbol and a crossed quote', () => {
			expect(() => sim.helio.setQuote('DOGEUSD', 1, 2)).toThrow();
			expect(() => sim.helio.setQuote('EURUSD', 1.2, 1.1)).toThrow(/bid <= ask/);
			expect(sim.helio.quote('EURUSD')).toMatchObject({ bid: 1.1, ask: 1.1002 });
		});

		it('startMarket() moves every symbol by a random walk until stopMarket()', async () => {
			await sim.close();
			sim = await startSimulator({ helio: { seed: 5, quoteIntervalMs: 5 } });
			const before = sim.helio.symbols.map((symbol) => sim.helio.quote(symbol));
			const moved = new Set<string>();
			const allMoved = new Promise<void>((resolve) =>
				sim.helio.events.on('ws:event', ({ type, payload }) => {
					if (type !== 'quoteEvent') return;
					moved.add((payload as { symbol: string }).symbol);
					if (moved.size === sim.helio.symbols.length) resolve();
				}),
			);
			sim.helio.startMarket();
			expect(sim.helio.marketRunning).toBe(true);
			await allMoved;
			sim.helio.stopMarket();
			expect(sim.helio.marketRunning).toBe(false);
			const after = sim.helio.symbols.map((symbol) => sim.helio.quote(symbol));
			after.forEach((quote, i) => {
				expect(quote.ask).toBeGreaterThanOrEqual(quote.bid);
				// Every step is small: far less than 1 % from the start here.
				expect(Math.abs(quote.bid - before[i].bid) / before[i].bid).toBeLessThan(0.01);
			});
			expect(after.some((quote, i) => quote.bid !== before[i].bid)).toBe(true);
		});
	});

	describe('on a manual clock', () => {
		let clock: ManualClock;

		beforeEach(async () => {
			clock = new ManualClock();
			sim = await startSimulator({ helio: { clock, pingIntervalMs: 3_600_000, tokenTtlSeconds: 86_400 * 2 } });
			record();
			sim.helio.setQuote('EURUSD', 1.1, 1.1002);
		});

		it('a GTD order expires at good_till_date', () => {
			const goodTill = new Date(clock.now() + 60_000).toISOString();
			const order = place(body('BUY', 'LIMIT', { limit_price: 1.09, time_in_force: 'TIF_GTD', good_till_date: goodTill }));
			expect(order.good_till_date).toBe(goodTill);
			clock.advance(59_999);
			expect(orderNow(order.id).status).toBe('ORDER_STATUS_NEW');
			clock.advance(1);
			expect(orderNow(order.id).status).toBe('ORDER_STATUS_EXPIRED');
			expect(seen.at(-1)).toMatchObject({ name: 'order:ended', payload: { order: { id: order.id, status: 'ORDER_STATUS_EXPIRED' } } });
		});

		it('good_till_date may be given in unix seconds', () => {
			const order = place(body('BUY', 'LIMIT', { limit_price: 1.09, time_in_force: 'TIF_GTD', good_till_date: clock.now() / 1000 + 30 }));
			clock.advance(30_000);
			expect(orderNow(order.id).status).toBe('ORDER_STATUS_EXPIRED');
		});

		it('a DAY order expires at the next UTC midnight; a GTC one does not', () => {
			// The manual clock starts at 12:00 UTC.
			const day = place(body('BUY', 'LIMIT', { limit_price: 1.09, time_in_force: 'TIF_DAY' }));
			const gtc = place(body('BUY', 'LIMIT', { limit_price: 1.09 }));
			clock.advance(12 * 3_600_000 - 1);
			expect(orderNow(day.id).status).toBe('ORDER_STATUS_NEW');
			clock.advance(1);
			expect(orderNow(day.id).status).toBe('ORDER_STATUS_EXPIRED');
			clock.advance(86_400_000);
			expect(orderNow(gtc.id).status).toBe('ORDER_STATUS_NEW');
		});

		it('amending an order to GTD reschedules its expiry; a filled GTD order never expires', () => {
			const order = place(body('BUY', 'LIMIT', { limit_price: 1.09 }));
			sim.helio.market.amendOrder(ACCOUNT, order.id, { time_in_force: 'TIF_GTD', good_till_date: clock.now() + 1000 });
			clock.advance(1000);
			expect(orderNow(order.id).status).toBe('ORDER_STATUS_EXPIRED');

			const filled = place(body('BUY', 'LIMIT', { limit_price: 1.09, time_in_force: 'TIF_GTD', good_till_date: clock.now() + 1000 }));
			sim.helio.setQuote('EURUSD', 1.0898, 1.09);
			clock.advance(5000);
			expect(orderNow(filled.id).status).toBe('ORDER_STATUS_FILLED');
		});

		it('the second part of a big order fills partialFillDelayMs later, at the quote of that moment', () => {
			const order = place(body('BUY', 'MARKET', { volume: 8 }));
			sim.helio.setQuote('EURUSD', 1.1004, 1.1006);
			clock.advance(4);
			expect(orderNow(order.id).filled_volume).toBe(4);
			clock.advance(1);
			expect(orderNow(order.id)).toMatchObject({ status: 'ORDER_STATUS_FILLED', filled_volume: 8, price: 1.1004 });
			expect(sim.helio.openPositions(ACCOUNT)[0]).toMatchObject({ volume: 8, open_price: 1.1004 });
		});
	});
});
