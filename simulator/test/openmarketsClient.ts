/** Stream and REST clients for the OpenMarkets simulator tests. */
import type WebSocket from 'ws';
import type { VenueSimulator } from '../src';
import { WsClient } from './helpers';

/** Connects to the stream with the sim's key (or `key`; null = none) and waits for the greeting. */
export async function connectStream(
	sim: VenueSimulator,
	key: string | null = sim.openmarkets.apiKey,
	options: WebSocket.ClientOptions = {},
): Promise<WsClient> {
	const url = key === null ? sim.openmarkets.streamUrl : `${sim.openmarkets.streamUrl}?api_key=${encodeURIComponent(key)}`;
	const client = await WsClient.connect(url, options);
	await client.next('connected');
	return client;
}

/** Everything the server sent this socket before it read the barrier is queued once the answer is back (works while pongs are skipped). */
export async function barrier(client: WsClient): Promise<void> {
	client.send({ action: 'barrier' });
	await client.next('error', (m) => m.message === 'Unknown action: barrier');
}

export async function subscribe(client: WsClient, channel: string, contestIds: string[]): Promise<string[]> {
	client.send({ action: 'subscribe', channel, contest_ids: contestIds });
	return (await client.next('subscribed', (m) => m.channel === channel)).contest_ids as string[];
}

// Bodies are whatever the simulator sent: the assertions pin their shape.
export type Json = any;

export async function getJson(
	sim: VenueSimulator,
	path: string,
	key: string | null = sim.openmarkets.apiKey,
): Promise<{ status: number; headers: Headers; body: Json }> {
	const response = await fetch(`${sim.openmarkets.restUrl}${path}`, { headers: key === null ? {} : { 'X-API-Key': key } });
	const text = await response.text();
	return { status: response.status, headers: response.headers, body: text === '' ? undefined : JSON.parse(text) };
}
