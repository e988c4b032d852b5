/** One line per notable Helio event, for the CLI (quotes and depth are too chatty to print). */
import type { HelioSimulator } from './simulator';

/** 'TRADE_SIDE_BUY' → 'BUY', 'ORDER_TYPE_STOP_LIMIT' → 'STOP_LIMIT', 'TIF_GTC' → 'GTC'. */
const short = (value: string): string => value.replace(/^(TRADE_SIDE|ORDER_TYPE|ORDER_STATUS|TIF)_/, '');

/** Subscribes `print` to the simulator's events; returns the unsubscribe function. */
export function logHelioEvents(sim: HelioSimulator, print: (line: string) => void): () => void {
	const { events } = sim;
	const offs = [
		events.on('login', ({ ok, email, reason }) => print(ok ? `login ${email}` : `login refused for ${email} (${reason})`)),
		events.on('ws:connection', ({ connectionId, remoteAddress, ok, email }) =>
			print(ok ? `ws#${connectionId} connected as ${email} from ${remoteAddress ?? '?'}` : `ws#${connectionId} refused: invalid token`),
		),
		events.on('ws:subscribe', ({ connectionId, channel, symbols, events: kinds, symbol, depth, accountId }) => {
			if (channel === 'events') print(`ws#${connectionId} subscribed ${symbols?.join(',')} for ${kinds?.join(',')}`);
			else if (channel === 'depth') print(`ws#${connectionId} subscribed depth ${symbol} (${depth} levels)`);
			else print(`ws#${connectionId} subscribed metrics of ${accountId}`);
		}),
		events.on('ws:ping-timeout', ({ connectionId }) => print(`ws#${connectionId} did not answer the ping: dropped`)),
		events.on('ws:close', ({ connectionId, code, reason }) => print(`ws#${connectionId} closed (${code}${reason ? ` ${reason}` : ''})`)),
		events.on('rest:request', ({ method, path, status }) => {
			// Login bodies are not logged, and neither is anything else that could carry a secret.
			print(`REST ${method} ${path} → ${status}`);
		}),
		events.on('order:created', ({ accountId, order }) => {
			const what = `${short(order.side)} ${order.volume} ${order.symbol_id} ${short(order.type)} ${short(order.time_in_force)}`;
			print(`${accountId} order ${order.id}: ${what}`);
		}),
		events.on('order:filled', ({ accountId, order, deal, complete }) => {
			const fill = `${deal.volume} @ ${deal.price} into ${deal.position_id}`;
			print(`${accountId} order ${order.id} ${complete ? 'filled' : 'partly filled'}: ${fill}`);
		}),
		events.on('order:ended', ({ accountId, order }) => print(`${accountId} order ${order.id} ${short(order.status).toLowerCase()}`)),
		events.on('position:closed', ({ accountId, position, deal, reason }) => {
			const how = `${position.closed_at ? 'closed' : 'partly closed'} (${reason})`;
			print(`${accountId} ${position.id} ${how}: ${deal.volume} @ ${deal.price}, P&L ${position.pnl}`);
		}),
	];
	return () => offs.forEach((off) => off());
}
