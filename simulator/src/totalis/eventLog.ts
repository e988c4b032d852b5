/** One line per notable Totalis event, for the CLI. */
import type { TotalisSimulator } from './simulator';

const short = (id: string): string => (id.length > 8 ? `${id.slice(0, 8)}…` : id);

/** Subscribes `print` to the simulator's events; returns the unsubscribe function. */
export function logTotalisEvents(sim: TotalisSimulator, print: (line: string) => void): () => void {
	const { events } = sim;
	const offs = [
		events.on('ws:connection', ({ connectionId, remoteAddress }) => print(`ws#${connectionId} connected from ${remoteAddress ?? '?'}`)),
		events.on('ws:auth', ({ connectionId, ok, userId, reason }) =>
			print(ok ? `ws#${connectionId} authenticated as ${userId}` : `ws#${connectionId} auth refused (${reason ?? 'invalid key'})`),
		),
		events.on('ws:subscribe', ({ connectionId, channel }) => print(`ws#${connectionId} subscribed to ${channel}`)),
		events.on('ws:close', ({ connectionId, code }) => print(`ws#${connectionId} closed (${code})`)),
		events.on('sse:connection', ({ streamId, mmId }) => print(`sse#${streamId} quote-request stream opened by ${mmId}`)),
		events.on('sse:close', ({ streamId }) => print(`sse#${streamId} closed`)),
		events.on('sse:event', ({ event, data }) => {
			const request = data as { id: string; version?: number; legs?: unknown[]; bet_amount?: number; reason?: string };
			if (event === 'quote_request') {
				print(`request ${short(request.id)} new: ${request.legs?.length ?? '?'} legs, bet ${request.bet_amount}`);
			} else if (event === 'quote_request:updated') print(`request ${short(request.id)} now version ${request.version}`);
			else if (event === 'quote_request:removed') print(`request ${short(request.id)} removed (${request.reason})`);
		}),
		events.on('rest:request', ({ method, path, status }) => print(`REST ${method} ${path} → ${status}`)),
		events.on('quote:submitted', ({ requestId, mmId, quote, replaced }) =>
			print(`quote ${short(quote.id)} from ${mmId} on ${short(requestId)}: odds ${quote.payout_odds}${replaced ? ' (replaces)' : ''}`),
		),
		events.on('quote:accepted', ({ quoteId, marketMakerId, confirmationDeadline }) =>
			print(`taker accepted ${short(quoteId)} of ${marketMakerId}; confirm before ${confirmationDeadline}`),
		),
		events.on('quote:confirmed', ({ quoteId, latencyMs }) => print(`quote ${short(quoteId)} confirmed ${latencyMs} ms after acceptance`)),
		events.on('ws:event', ({ type, data, recipients }) => {
			const event = data as { quote_id?: string; rfq_id?: string; outcome?: string; reason?: string };
			const subject = event.quote_id ? `quote ${short(event.quote_id)}` : `rfq ${short(event.rfq_id ?? '?')}`;
			if (type === 'quote:expired') print(`${subject} expired unconfirmed`);
			else if (type === 'quote:rejected') print(`${subject} rejected (${event.reason})`);
			else if (type === 'quote:withdrawn') print(`${subject} withdrawn`);
			else if (type === 'position:created') print(`${subject} position created`);
			else if (type === 'position:settled') print(`${subject} settled: ${event.outcome}`);
			else if (type === 'position:cancelled') print(`${subject} position cancelled (${event.reason})`);
			else if (type === 'position:error') print(`${subject} position error`);
			else return;
			if (recipients === 0) print('  (no socket subscribed to that channel)');
		}),
	];
	return () => offs.forEach((off) => off());
}
