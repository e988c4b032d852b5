/** One line per notable OpenMarkets event, for the CLI (liquidity moves are too chatty). */
import { scoreOf } from './dialect';
import type { OpenMarketsSimulator } from './simulator';

export function logOpenMarketsEvents(sim: OpenMarketsSimulator, print: (line: string) => void): () => void {
	const { events } = sim;
	const offs = [
		events.on('ws:connection', ({ connectionId }) => print(`ws#${connectionId} connected`)),
		events.on('ws:rejected', ({ status, reason }) => print(`upgrade refused ${status} (${reason})`)),
		events.on('ws:subscribe', ({ connectionId, channel, contestIds, unknown }) =>
			print(`ws#${connectionId} ${channel}: ${contestIds.length} contests${unknown.length ? `, ${unknown.length} unknown` : ''}`),
		),
		events.on('ws:error', ({ connectionId, code }) => print(`ws#${connectionId} error ${code}`)),
		events.on('ws:ping-timeout', ({ connectionId }) => print(`ws#${connectionId} missed a ping: dropped`)),
		events.on('ws:closed', ({ connectionId, code, reason }) => print(`ws#${connectionId} closed (${code}${reason ? ` ${reason}` : ''})`)),
		// The key and bodies are never printed.
		events.on('rest:request', ({ method, path, status }) => print(`REST ${method} ${path} → ${status}`)),
		events.on('contest:state', ({ contestId, message }) => {
			const { home, away } = scoreOf(message.state);
			print(`${contestId} ${message.state.status} ${home ?? '-'}:${away ?? '-'}`);
		}),
		events.on('liquidity:update', ({ contestId, message }) => {
			if (message.refresh_required) print(`${contestId} refresh_required`);
		}),
	];
	return () => offs.forEach((off) => off());
}
