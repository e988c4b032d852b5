import { StreamFailure } from '../../shared/engine/errors';
import { typedMessage } from '../../shared/engine/frames';
import type { Decoded, Frame, HandshakeSession, VenueProtocol } from '../../shared/engine/protocol';
import { renewalMargin } from '../../shared/renewal';
import type { HelioStreamLogin } from '../auth';
import { PendingAcknowledgements } from './acknowledgements';
import { accountIdOf, fieldOf, helioPayloadValidators, orderIdOf, type SubscribableEvent } from './schemas';

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

export interface HelioHandshakeOptions {
	/** How long the handshake waits for its acknowledgements (the engine's own deadline comes later, as a backstop). */
	acknowledgeWithinMs: number;
	/** Depth and metrics still unacknowledged after this go on without it, with a warning. */
	optionalWithinMs: number;
	/** Trouble that does not stop the stream (already redacted by the caller's logger). */
	warn(message: string): void;
}

/**
 * The Helio Trader WebSocket (docs/venues/helio.md#stream): the token in the URL, `{type, payload}` envelopes,
 * `subscribe` / `depthSubscribe` / `metricsSubscribe`, protocol pings both ways. The handshake
 * waits for each subscription's acknowledgement: a `subscribed` or its first event, which is
 * then delivered like any other. Depth and metrics may go on unacknowledged after a short wait;
 * an `error` before all acknowledgements means a subscription was refused (an unknown symbol or
 * account), which no retry will fix.
 */
export class HelioProtocol implements VenueProtocol {
	readonly venue = 'helio';
	readonly source = 'websocket';
	readonly heartbeat = { kind: 'protocolPing' as const };

	constructor(
		private readonly login: HelioStreamLogin,
		private readonly subscriptions: HelioSubscriptions,
		private readonly options: HelioHandshakeOptions,
	) {}

	async handshake(session: HandshakeSession): Promise<Record<string, unknown>> {
		const { symbols, events, depthSymbols, depthLevels, metrics } = this.subscriptions;
		const login = this.login.current;
		const accounts = metrics === 'all' ? (login?.accounts ?? []).map((account) => String(account.id)) : metrics === 'none' ? [] : metrics;
		const pending = new PendingAcknowledgements();
		if (symbols.length > 0 && events.length > 0) {
			session.send({ type: 'subscribe', payload: { symbols, events } });
			pending.events(symbols, events);
		}
		for (const symbol of depthSymbols) {
			session.send({ type: 'depthSubscribe', payload: { symbol, depth: depthLevels } });
			pending.depth(symbol);
		}
		for (const accountId of accounts) {
			session.send({ type: 'metricsSubscribe', payload: { accountId } });
			pending.metrics(accountId);
		}
		await this.acknowledged(session, pending);
		const facts: Record<string, unknown> = { accounts };
		if (login) {
			const lifetime = login.expiresAtMs - Date.now();
			facts.rotateAtMs = login.expiresAtMs - renewalMargin(lifetime);
		}
		return facts;
	}

	/**
	 * Resolves once every subscription is acknowledged, or once only depth and metrics are
	 * missing after `optionalWithinMs` (with a warning). The frames seen on the way are left to
	 * the engine, which delivers them after the handshake: a first event that acknowledges its
	 * subscription is an item too.
	 */
	private async acknowledged(session: HandshakeSession, pending: PendingAcknowledgements): Promise<void> {
		if (pending.size === 0) return;
		const all = deferred();
		const required = deferred();
		const fail = (error: Error) => {
			all.reject(error);
			required.reject(error);
		};
		const check = () => {
			if (!pending.requiredMissing) required.resolve();
			if (pending.size === 0) all.resolve();
		};
		check();
		let finished = false;
		// Never picks a frame, so each stays for delivery; the waiter ends with the connection.
		session
			.next<never>((frame) => {
				const envelope = finished ? undefined : typedMessage<Envelope>(frame);
				if (!envelope) return undefined;
				const payload = payloadOf(envelope);
				if (envelope.type === 'error') {
					const { code, message } = payload;
					const awaiting = `the login succeeded; awaiting the acknowledgement of ${pending.describe()}`;
					fail(
						new StreamFailure('rejected', `${String(code ?? 'error')}: ${String(message ?? '')} (${awaiting})`, {
							venueCode: code === undefined ? undefined : String(code),
						}),
					);
				} else {
					pending.acknowledge(envelope.type, payload);
					check();
				}
				return undefined;
			})
			.catch(fail);
		const { optionalWithinMs, acknowledgeWithinMs } = this.options;
		try {
			if (await settlesWithin(all.promise, optionalWithinMs)) return;
			if (!(await settlesWithin(required.promise, acknowledgeWithinMs - optionalWithinMs))) {
				throw new StreamFailure(
					'timeout',
					`Helio did not acknowledge the subscription to ${pending.describe()} within ${acknowledgeWithinMs} ms (the login succeeded)`,
				);
			}
			if (pending.size === 0) return;
			this.options.warn(
				`Helio did not acknowledge the subscription to ${pending.describe()} within ${optionalWithinMs} ms (the login succeeded); ` +
					'the trigger goes on, and their events start the workflow when Helio sends them',
			);
		} finally {
			finished = true;
		}
	}

	decode(frame: Frame): Decoded {
		const envelope = typedMessage<Envelope>(frame);
		if (!envelope) return { kind: 'invalid', reason: 'not a Helio message (expected {type, payload})' };
		const { type } = envelope;
		if (type === 'subscribed' || type === 'unsubscribed') return { kind: 'control' };
		const data = payloadOf(envelope);
		const problem = helioPayloadValidators[type]?.(data);
		if (problem) return { kind: 'invalid', reason: `${type}: ${problem}` };
		return { kind: 'event', event: type, data, key: keyOf(type, data), deduplicationKey: deduplicationKeyOf(type, data) };
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
			return `${type}:${String(accountIdOf(data))}`;
		case 'executionEvent':
			return `${type}:${String(orderIdOf(data))}`;
		default:
			return undefined;
	}
}

/** An execution report is one fact about one order (status and filled volume): run it once. */
function deduplicationKeyOf(type: string, data: Record<string, unknown>): string | undefined {
	if (type !== 'executionEvent') return undefined;
	const filled = fieldOf(data, 'filledVolume', 'filled_volume') ?? '';
	return `helio:execution:${String(orderIdOf(data))}:${String(data.status ?? '')}:${String(filled)}`;
}

/** A promise settled from outside; its rejection counts as handled until someone awaits it. */
function deferred(): { promise: Promise<void>; resolve: () => void; reject: (error: Error) => void } {
	let resolve!: () => void;
	let reject!: (error: Error) => void;
	const promise = new Promise<void>((onResolve, onReject) => {
		resolve = onResolve;
		reject = onReject;
	});
	promise.catch(() => undefined);
	return { promise, resolve, reject };
}

/** Whether `promise` settles within `ms` (a rejection is thrown). */
async function settlesWithin(promise: Promise<void>, ms: number): Promise<boolean> {
	let timer: NodeJS.Timeout | undefined;
	const elapsed = new Promise<false>((resolve) => {
		timer = setTimeout(() => resolve(false), Math.max(0, ms));
	});
	try {
		return await Promise.race([promise.then(() => true as const), elapsed]);
	} finally {
		clearTimeout(timer);
	}
}
