/** State → the JSON the REST API answers (docs/venues/helio.md#records field names). */
import { roundTo } from './instruments';
import { iso, type DealState, type DealView, type OrderState, type OrderView, type PositionState, type PositionView } from './types';

export function orderView(order: OrderState): OrderView {
	return {
		id: order.id,
		account_id: order.accountId,
		client_order_id: order.clientOrderId,
		symbol_id: order.symbol,
		side: order.side,
		type: order.type,
		time_in_force: order.timeInForce,
		volume: order.volume,
		filled_volume: order.filledVolume,
		price: order.averagePrice === null ? null : roundTo(order.averagePrice, 8),
		limit_price: order.limitPrice,
		stop_price: order.stopPrice,
		stop_loss_price: order.stopLossPrice,
		take_profit_price: order.takeProfitPrice,
		good_till_date: order.goodTillDate === null ? null : iso(order.goodTillDate),
		status: order.status,
		created_at: iso(order.createdAt),
		updated_at: iso(order.updatedAt),
	};
}

/** `pnl`: unrealised for an open position, realised once closed. */
export function positionView(position: PositionState, pnl: number): PositionView {
	return {
		id: position.id,
		account_id: position.accountId,
		symbol_id: position.symbol,
		side: position.side,
		volume: position.volume,
		open_price: roundTo(position.openPrice, 8),
		stop_loss_price: position.stopLossPrice,
		take_profit_price: position.takeProfitPrice,
		pnl,
		opened_at: iso(position.openedAt),
		...(position.closedAt === null ? {} : { closed_at: iso(position.closedAt) }),
	};
}

export function dealView(deal: DealState): DealView {
	return {
		id: deal.id,
		account_id: deal.accountId,
		order_id: deal.orderId,
		position_id: deal.positionId,
		symbol_id: deal.symbol,
		side: deal.side,
		volume: deal.volume,
		price: deal.price,
		executed_at: iso(deal.executedAt),
	};
}
