/**
 * When a resting order fills and when a position's stop loss or take profit is hit: pure
 * functions of an order or position and the current quote.
 */
import { roundPrice, type Instrument } from './instruments';
import type { Quote } from './quotes';
import { isBuy, type CloseReason, type OrderState, type PositionState } from './types';

/** Moves a trailing stop after the market, and marks a stop-limit triggered once its stop is touched. */
export function advanceTriggers(order: OrderState, quote: Quote, instrument: Instrument): void {
	if (order.type === 'ORDER_TYPE_TRAILING_STOP' && order.trailDistance !== null) {
		// A buy stop trails above the ask and only moves down; a sell stop trails below the bid and only moves up.
		const trailed = isBuy(order.side) ? quote.ask + order.trailDistance : quote.bid - order.trailDistance;
		const next = roundPrice(instrument, trailed);
		if (order.stopPrice === null) order.stopPrice = next;
		else order.stopPrice = isBuy(order.side) ? Math.min(order.stopPrice, next) : Math.max(order.stopPrice, next);
	}
	if (order.type === 'ORDER_TYPE_STOP_LIMIT' && !order.triggered && stopTouched(order, quote)) order.triggered = true;
}

/** Whether the order would fill at the current quote. */
export function isExecutable(order: OrderState, quote: Quote): boolean {
	switch (order.type) {
		case 'ORDER_TYPE_MARKET':
			return true;
		case 'ORDER_TYPE_LIMIT':
			return limitReached(order, quote);
		case 'ORDER_TYPE_STOP':
		case 'ORDER_TYPE_TRAILING_STOP':
			return stopTouched(order, quote);
		case 'ORDER_TYPE_STOP_LIMIT':
			return order.triggered && limitReached(order, quote);
	}
}

/** Buys fill at the ask, sells at the bid; an order with a limit never fills worse than it. */
export function fillPrice(order: OrderState, quote: Quote): number {
	const market = isBuy(order.side) ? quote.ask : quote.bid;
	const limited = order.type === 'ORDER_TYPE_LIMIT' || order.type === 'ORDER_TYPE_STOP_LIMIT';
	if (!limited || order.limitPrice === null) return market;
	return isBuy(order.side) ? Math.min(market, order.limitPrice) : Math.max(market, order.limitPrice);
}

/** A buy position closes at the bid, a sell at the ask; which protection that price crosses, if any. */
export function protectionHit(position: PositionState, quote: Quote): CloseReason | undefined {
	if (isBuy(position.side)) {
		if (position.stopLossPrice !== null && quote.bid <= position.stopLossPrice) return 'stop_loss';
		if (position.takeProfitPrice !== null && quote.bid >= position.takeProfitPrice) return 'take_profit';
	} else {
		if (position.stopLossPrice !== null && quote.ask >= position.stopLossPrice) return 'stop_loss';
		if (position.takeProfitPrice !== null && quote.ask <= position.takeProfitPrice) return 'take_profit';
	}
	return undefined;
}

function stopTouched(order: OrderState, quote: Quote): boolean {
	if (order.stopPrice === null) return false;
	return isBuy(order.side) ? quote.ask >= order.stopPrice : quote.bid <= order.stopPrice;
}

function limitReached(order: OrderState, quote: Quote): boolean {
	if (order.limitPrice === null) return false;
	return isBuy(order.side) ? quote.ask <= order.limitPrice : quote.bid >= order.limitPrice;
}
