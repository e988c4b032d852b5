/** One line per notable agg.market event, for the CLI (book deltas and heartbeats are too chatty). */
import type { AggSimulator } from './simulator';

export function logAggEvents(sim: AggSimulator, print: (line: string) => void): () => void {
	const { events } = sim;
	const offs = [
		events.on('ws:connection', ({ connectionId, userId }) => print(`ws#${connectionId} connected${userId ? ` as ${userId}` : ''}`)),
		events.on('ws:authenticated', ({ connectionId, userId }) => print(`ws#${connectionId} authenticated as ${userId}`)),
		events.on('ws:subscribe', ({ connectionId, outcomeIds }) => print(`ws#${connectionId} subscribed ${outcomeIds.join(',')}`)),
		events.on('ws:resnapshot', ({ connectionId, outcomeIds }) => print(`ws#${connectionId} asked a resnapshot of ${outcomeIds.join(',')}`)),
		events.on('ws:close', ({ connectionId, code, reason }) => print(`ws#${connectionId} closed (${code}${reason ? ` ${reason}` : ''})`)),
		// Tokens and bodies are never printed.
		events.on('rest:request', ({ method, path, status }) => print(`REST ${method} ${path} → ${status}`)),
		events.on('token:refreshed', ({ userId }) => print(`tokens refreshed for ${userId}`)),
		events.on('market:resolved', ({ outcomeId }) => print(`${outcomeId} resolved`)),
		events.on('user:event', ({ userId, message }) => {
			if (message.type === 'order_event' && !['filled', 'partial_fill', 'failed'].includes(String(message.event))) return;
			const what = message.type === 'order_event' ? `${message.event}` : message.type;
			print(`${userId} ${what} ${message.orderId ?? message.venue}`);
		}),
	];
	return () => offs.forEach((off) => off());
}
