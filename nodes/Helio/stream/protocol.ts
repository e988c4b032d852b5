import { StreamFailure } from '../../shared/engine/errors';
import { typedMessage } from '../../shared/engine/frames';
import type { Decoded, Frame, HandshakeSession, VenueProtocol } from '../../shared/engine/protocol';
import { renewalMargin } from '../../shared/renewal';
import type { HelioStreamLogin } from '../auth';
import { helioPayloadValidators, type SubscribableEvent } from './schemas';

export interface HelioSubscriptions {
	symbols: string[];
	events: SubscribableEvent[];
	depthSymbols: string[];
	depthLevels: number;
	/** Accounts whose metrics to follow: every account of the login, none, or these. */
	metrics: 'all' | 'none' | string[];
}

type Envelope = { type: string; payload?: unknown; [field: string]: unknown };

function payloadOf(envelope: Envelope): Record<string, unknown> {
	const payload = envelope.payload;
	return payload && typeof payload === 'object' && !Array.isArray(payload) ? (payload as Record<string, unknown>) : {};
}

/** Which acknowledgement a subscription waits for: `subscribed` with its channel and subject. */
function ackKey(payload: Record<string, unknown>): string {
	switch (payload.channel) {
		case 'depth':
			return `depth:${String(payload.symbol)}`;
		case 'metrics':
			return `metrics:${String(payload.accountId)}`;
		default:
			return 'events';
	}
}

/**
 * The Helio Trader WebSocket (docs/venues/helio.md#stream): the token in the URL, `{type, payload}` envelopes,
 * `subscribe` / `depthSubscribe` / `metricsSubscribe` acknowledged by `subscribed`, protocol
 * pings both ways. The handshake waits for every acknowledgement; an `error` before them means
 * a subscription was refused (an unknown symbol or account), which no retry will fix.
 */
export class HelioProtocol implements VenueProtocol {
	readonly venue = 'helio';
	readonly source = 'websocket';
	readonly heartbeat = { kind: 'protocolPing' as const };

	constructor(
		private readonly login: HelioStreamLogin,
		private readonly subscriptions: HelioSubscriptions,
	) {}

	async handshake(session: HandshakeSession): Promise<Record<string, unknown>> {
		const { symbols, events, depthSymbols, depthLevels, metrics } = this.subscriptions;
		const login = this.login.current;
		const accounts = metrics === 'all' ? (login?.accounts ?? []).map((account) => String(account.id)) : metrics === 'none' ? [] : metrics;
		const waiting = new Set<string>();
		if (symbols.length > 0 && events.length > 0) {
			session.send({ type: 'subscribe', payload: { symbols, events } });
			waiting.add('events');
		}
		for (const symbol of depthSymbols) {
			session.send({ type: 'depthSubscribe', payload: { symbol, depth: depthLevels } });
			waiting.add(`depth:${symbol}`);
		}
		for (const accountId of accounts) {
			session.send({ type: 'metricsSubscribe', payload: { accountId } });
			waiting.add(`metrics:${accountId}`);
		}
		while (waiting.size > 0) {
			await session.next((frame) => {
				const envelope = typedMessage<Envelope>(frame);
				if (envelope?.type === 'subscribed') return waiting.delete(ackKey(payloadOf(envelope))) || undefined;
				if (envelope?.type === 'error') {
					const { code, message } = payloadOf(envelope);
					throw new StreamFailure('rejected', `Helio refused a subscription: ${String(code ?? 'error')}: ${String(message ?? '')}`, {
						venueCode: code === undefined ? undefined : String(code),
					});
				}
				return undefined;
			});
		}
		const facts: Record<string, unknown> = { accounts };
		if (login) {
			const lifetime = login.expiresAtMs - Date.now();
			facts.rotateAtMs = login.expiresAtMs - renewalMargin(lifetime);
		}
		return facts;
	}

	decode(frame: Frame): Decoded {
		const envelope = typedMessage<Envelope>(frame);
		if (!envelope) return { kind: 'invalid', reason: 'not a Helio message (expected {type, payload})' };
		const { type } = envelope;
		if (type === 'subscribed' || type === 'unsubscribed') return { kind: 'control' };
		const data = payloadOf(envelope);
		const problem = helioPayloadValidators[type]?.(data);
		if (problem) return { kind: 'invalid', reason: `${type}: ${problem}` };
		return { kind: 'event', event: { event: type, data, key: keyOf(type, data), deduplicationKey: deduplicationKeyOf(type, data) } };
	}
}

/** What keep-latest groups by: the symbol for market data, the account or the order otherwise. */
function keyOf(type: string, data: Record<string, unknown>): string | undefined {
	switch (type) {
		case 'quoteEvent':
		case 'depthEvent':
			return `${type}:${String(data.symbol)}`;
		case 'metricsEvent':
		case 'portfolioEvent':
			return `${type}:${String(data.accountId)}`;
		case 'executionEvent':
			return `${type}:${String(data.orderId)}`;
		default:
			return undefined;
	}
}

/** An execution report is one fact about one order (status and filled volume): run it once. */
function deduplicationKeyOf(type: string, data: Record<string, unknown>): string | undefined {
	if (type !== 'executionEvent') return undefined;
	return `helio:execution:${String(data.orderId)}:${String(data.status ?? '')}:${String(data.filledVolume ?? '')}`;
}
