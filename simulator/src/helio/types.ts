/**
 * Helio's vocabulary (docs/venues/helio.md#records): the enums of the REST API, the simulator's state of orders,
 * positions and deals, and the wire shapes the REST API and the WebSocket send.
 */
export const SIDES = ['TRADE_SIDE_BUY', 'TRADE_SIDE_SELL'] as const;
export type Side = (typeof SIDES)[number];

export const ORDER_TYPES = [
	'ORDER_TYPE_MARKET',
	'ORDER_TYPE_LIMIT',
	'ORDER_TYPE_STOP',
	'ORDER_TYPE_STOP_LIMIT',
	'ORDER_TYPE_TRAILING_STOP',
] as const;
export type OrderType = (typeof ORDER_TYPES)[number];

export const TIMES_IN_FORCE = ['TIF_GTC', 'TIF_DAY', 'TIF_IOC', 'TIF_FOK', 'TIF_GTD'] as const;
export type TimeInForce = (typeof TIMES_IN_FORCE)[number];

export type OrderStatus =
	| 'ORDER_STATUS_NEW'
	| 'ORDER_STATUS_PARTIALLY_FILLED'
	| 'ORDER_STATUS_FILLED'
	| 'ORDER_STATUS_CANCELLED'
	| 'ORDER_STATUS_REJECTED'
	| 'ORDER_STATUS_EXPIRED';

/** executionEvent `status`. */
export type ExecutionStatus = 'ACCEPTED' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELLED' | 'REJECTED' | 'EXPIRED';

/** Why a position (or part of it) was closed. */
export type CloseReason = 'request' | 'stop_loss' | 'take_profit';

export interface OrderState {
	id: string;
	accountId: string;
	clientOrderId: string | null;
	symbol: string;
	side: Side;
	type: OrderType;
	timeInForce: TimeInForce;
	volume: number;
	filledVolume: number;
	/** Volume-weighted fill price; null until something fills. */
	averagePrice: number | null;
	limitPrice: number | null;
	/** For a trailing stop: where the stop is now. */
	stopPrice: number | null;
	stopLossPrice: number | null;
	takeProfitPrice: number | null;
	stopLossPoints: number | null;
	takeProfitPoints: number | null;
	/** Trailing distance in price units (stop_loss_points × point). */
	trailDistance: number | null;
	goodTillDate: number | null;
	expireTime: number | null;
	status: OrderStatus;
	/** A stop-limit whose stop was touched now rests as a limit. */
	triggered: boolean;
	/** The position its fills went into. */
	positionId: string | null;
	createdAt: number;
	updatedAt: number;
}

export interface PositionState {
	id: string;
	accountId: string;
	symbol: string;
	side: Side;
	volume: number;
	openPrice: number;
	stopLossPrice: number | null;
	takeProfitPrice: number | null;
	/** P&L already booked by partial closes (USD). */
	realizedPnl: number;
	openedAt: number;
	closedAt: number | null;
}

export interface DealState {
	id: string;
	accountId: string;
	/** null for a position closed by request, stop loss or take profit. */
	orderId: string | null;
	positionId: string;
	symbol: string;
	side: Side;
	volume: number;
	price: number;
	executedAt: number;
}

// ---- REST wire shapes ----

export interface OrderView {
	id: string;
	account_id: string;
	client_order_id: string | null;
	symbol_id: string;
	side: Side;
	type: OrderType;
	time_in_force: TimeInForce;
	volume: number;
	filled_volume: number;
	price: number | null;
	limit_price: number | null;
	stop_price: number | null;
	stop_loss_price: number | null;
	take_profit_price: number | null;
	good_till_date: string | null;
	status: OrderStatus;
	created_at: string;
	updated_at: string;
}

export interface PositionView {
	id: string;
	account_id: string;
	symbol_id: string;
	side: Side;
	volume: number;
	open_price: number;
	stop_loss_price: number | null;
	take_profit_price: number | null;
	pnl: number;
	opened_at: string;
	closed_at?: string;
}

export interface DealView {
	id: string;
	account_id: string;
	order_id: string | null;
	position_id: string;
	symbol_id: string;
	side: Side;
	volume: number;
	price: number;
	executed_at: string;
}

// ---- WebSocket payloads ----

export const EVENT_KINDS = ['quoteEvent', 'executionEvent', 'portfolioEvent'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export interface QuoteEventPayload {
	symbol: string;
	bid: number;
	ask: number;
	ts: string;
}

export interface ExecutionEventPayload {
	accountId: string;
	orderId: string;
	clientOrderId: string | null;
	symbol: string;
	side: Side;
	type: OrderType;
	status: ExecutionStatus;
	volume: number;
	filledVolume: number;
	remainingVolume: number;
	/** A fill's price on fill events; otherwise the order's limit or stop price (null for a market order). */
	price: number | null;
	ts: string;
}

export interface PortfolioEventPayload {
	accountId: string;
	balance: number;
	positions: Array<{ id: string; symbol: string; side: Side; volume: number; openPrice: number; pnl: number }>;
	ts: string;
}

export interface DepthEventPayload {
	symbol: string;
	bids: Array<[number, number]>;
	asks: Array<[number, number]>;
	ts: string;
}

export interface MetricsEventPayload {
	accountId: string;
	equity: number;
	balance: number;
	margin: number;
	freeMargin: number;
	/** equity / margin × 100; null without margin in use. */
	marginLevel: number | null;
	pnl: number;
	ts: string;
}

export interface ErrorEventPayload {
	code: string;
	message: string;
}

export const isBuy = (side: Side): boolean => side === 'TRADE_SIDE_BUY';

export const iso = (ms: number): string => new Date(ms).toISOString();
