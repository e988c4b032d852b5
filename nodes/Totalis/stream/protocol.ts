import { StreamFailure } from '../../shared/engine/errors';
import { typedMessage } from '../../shared/engine/frames';
import type { Decoded, DecodedEvent, Frame, HandshakeSession, LiveConnection, VenueProtocol } from '../../shared/engine/protocol';
import type { Validator } from '../../shared/engine/validation';
import { websocketEventValidators } from './schemas';
import type { TradeFollower } from './tradeFollower';

export interface TotalisChannels {
	/** Subscribe to the market maker's quote lifecycle (`mm:quotes:<id>`). */
	marketMakerQuotes: boolean;
	/** Overrides the market-maker id; by default the `user_id` from `auth:success`. */
	marketMakerId?: string;
	/** Trades to follow (`rfq:<id>`). */
	rfqIds: string[];
}

interface DocumentedEvent {
	name: string;
	validate: Validator;
}

/**
 * Each documented event's name and payload check, by the name's length. A frame's `type` is a
 * fresh string that nothing looks up again: a `Map` hashed it for every frame (about 90 ns),
 * where comparing it with the one to four names of its length costs about 20.
 */
const DOCUMENTED_BY_LENGTH: DocumentedEvent[][] = [];
for (const [name, validate] of websocketEventValidators) (DOCUMENTED_BY_LENGTH[name.length] ??= []).push({ name, validate });

function documentedEvent(type: string): DocumentedEvent | undefined {
	const sameLength = DOCUMENTED_BY_LENGTH[type.length];
	if (sameLength === undefined) return undefined;
	for (let index = 0; index < sameLength.length; index++) {
		if (sameLength[index].name === type) return sameLength[index];
	}
	return undefined;
}

/** Frames that only steer the connection. */
const CONTROL_TYPES = new Set(['auth:success', 'pong', 'subscribed', 'unsubscribed']);

type Envelope = { type: string; data?: unknown; [field: string]: unknown };

/** The payload of a frame: its `data` object, or the frame's other fields for frames without one. */
function payloadOf(envelope: Envelope): Record<string, unknown> {
	if (envelope.data && typeof envelope.data === 'object' && !Array.isArray(envelope.data)) {
		return envelope.data as Record<string, unknown>;
	}
	const { type: _type, ...rest } = envelope;
	return rest;
}

/**
 * The Totalis WebSocket (docs/venues/totalis.md#stream): `auth` first, then `subscribe` per channel, app-level
 * `ping`/`pong`. Totalis does not document subscription acks, so the handshake ends with a
 * ping: its pong proves every earlier subscribe was processed, and an `error` before it means a
 * subscription was refused.
 */
export class TotalisWebSocketProtocol implements VenueProtocol {
	readonly venue = 'totalis';
	readonly source = 'websocket';
	readonly heartbeat = { kind: 'message' as const, message: () => ({ type: 'ping' }) };
	/** What decode returns for an event, filled in anew for each frame (VenueProtocol.decode). */
	private readonly decoded: DecodedEvent = { kind: 'event', event: '', data: {}, key: undefined, deduplicatedByKey: undefined };

	/**
	 * `apiKey` as a function gives every connection the key read last (a trigger reads it again
	 * before reconnecting). `follower` subscribes to the trades of accepted quotes (Follow My Trades).
	 */
	constructor(
		private readonly apiKey: string | (() => string),
		private readonly channels: TotalisChannels,
		private readonly follower?: TradeFollower,
	) {}

	/** Followed trades are subscribed to on the live connection, after the handshake: a refusal of one must not fail the connection. */
	streaming(live: LiveConnection): (() => void) | void {
		return this.follower?.attach(live);
	}

	async handshake(session: HandshakeSession): Promise<Record<string, unknown>> {
		session.send({ type: 'auth', api_key: typeof this.apiKey === 'function' ? this.apiKey() : this.apiKey });
		const userId = await session.next((frame) => {
			const envelope = typedMessage<Envelope>(frame);
			if (envelope?.type === 'auth:success') return String(envelope.user_id ?? '');
			if (envelope?.type === 'auth:error') {
				throw new StreamFailure('auth', `Totalis rejected the API key: ${String(envelope.message ?? 'auth:error')}`);
			}
			return undefined;
		});

		const subscribed: string[] = [];
		if (this.channels.marketMakerQuotes) {
			const mmId = this.channels.marketMakerId || userId;
			if (!mmId) throw new StreamFailure('rejected', 'auth:success carried no user_id; set Market Maker ID');
			subscribed.push(`mm:quotes:${mmId}`);
		}
		for (const rfqId of this.channels.rfqIds) subscribed.push(`rfq:${rfqId}`);
		for (const channel of subscribed) session.send({ type: 'subscribe', channel });

		session.send({ type: 'ping' });
		await session.next((frame) => {
			const envelope = typedMessage<Envelope>(frame);
			if (envelope?.type === 'pong') return true;
			if (envelope?.type === 'error' || envelope?.type === 'subscribe:error') {
				const said = String(envelope.message ?? payloadOf(envelope).message ?? 'error');
				throw new StreamFailure('rejected', `Totalis refused a subscription (${subscribed.join(', ')}): ${said}`);
			}
			return undefined;
		});
		return { userId, channels: subscribed };
	}

	decode(frame: Frame): Decoded {
		const envelope = typedMessage<Envelope>(frame);
		if (!envelope) return { kind: 'invalid', reason: 'not a Totalis frame (expected an object with a "type")' };
		const documented = documentedEvent(envelope.type);
		// The documented name, not the frame's copy of it: every later lookup and comparison of the
		// event name (copy check, merge, filter) then meets the same constant string.
		const type = documented?.name ?? envelope.type;
		if (!documented) {
			if (CONTROL_TYPES.has(type)) return { kind: 'control' };
			if (type === 'auth:error') {
				return { kind: 'fatal', reason: `Totalis revoked the session: ${String(envelope.message ?? 'auth:error')}` };
			}
		}
		const data = payloadOf(envelope);
		const problem = documented?.validate(data);
		if (problem) return { kind: 'invalid', reason: `${type}: ${problem}` };
		this.follower?.observe(type, data);
		const subject = (data.quote_id ?? data.rfq_id) as string | undefined;
		// One object for every frame's event: the engine copies its fields out before the next decode.
		const decoded = this.decoded;
		decoded.event = type;
		decoded.data = data;
		decoded.key = subject;
		// `totalis:<event>:<subject>`, made only where a delivery mode reads it.
		decoded.deduplicatedByKey = subject ? true : undefined;
		return decoded;
	}
}
