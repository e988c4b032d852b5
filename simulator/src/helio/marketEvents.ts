/** What the Helio market reports; the simulator turns these into WebSocket frames and test events. */
import type { Quote } from './quotes';
import type { CloseReason, DealView, ExecutionEventPayload, OrderView, PositionView } from './types';

export interface HelioMarketEvents {
	/** A symbol's quote moved. */
	quote: { quote: Quote };
	/** For the account's executionEvent subscribers of `symbol`. */
	execution: { accountId: string; symbol: string; payload: ExecutionEventPayload };
	/** The account's positions changed (open, add, close, amend) in `symbol`. */
	portfolio: { accountId: string; symbol: string };
	/** The account's equity may have changed: send it a metricsEvent. */
	equity: { accountId: string };
	'order:created': { accountId: string; order: OrderView };
	/** One per fill; `complete` once the whole volume is filled. */
	'order:filled': { accountId: string; order: OrderView; deal: DealView; position: PositionView; complete: boolean };
	/** Cancelled, expired or rejected. */
	'order:ended': { accountId: string; order: OrderView };
	/** All or part (`position.closed_at` absent) of a position closed. */
	'position:closed': { accountId: string; position: PositionView; deal: DealView; reason: CloseReason };
}
