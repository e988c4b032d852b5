/**
 * One OpenMarkets stream connection (docs/venues/openmarkets.md#stream): the key rides in the URL
 * (refused with a 401 at the upgrade), a `connected` greeting, `subscribe` per channel with the
 * connection's whole contest list (re-subscribing replaces it), `{"action":"ping"}` answered by
 * `pong`. Contests move on and off the live socket without reconnecting. A `liquidity.update`
 * becomes one event per changed entry; `refresh_required` asks the owner for a REST snapshot.
 */
import { StreamFailure } from '../../shared/engine/errors';
import { typedMessage, type TypedMessage } from '../../shared/engine/frames';
import type { Decoded, Frame, HandshakeSession, LiveConnection, VenueEvent, VenueProtocol } from '../../shared/engine/protocol';
import { compileValidator } from '../../shared/engine/validation';
import { contestStateSchema, liquidityUpdateSchema } from './schemas';

export type OpenMarketsChannel = 'liquidity' | 'contest_state';

export const OPENMARKETS_VENUE_ID = 'openmarkets';
export const OPENMARKETS_SOURCE = 'stream';

const validateUpdate = compileValidator(liquidityUpdateSchema);
const validateState = compileValidator(contestStateSchema);

export interface ShardEvents {
	/** The venue said a contest's book changed too much to list: fetch and emit its snapshot. */
	refreshRequired(contestId: string): void;
}

export class OpenMarketsProtocol implements VenueProtocol {
	readonly venue = OPENMARKETS_VENUE_ID;
	readonly source = OPENMARKETS_SOURCE;
	readonly heartbeat = { kind: 'message' as const, message: () => ({ action: 'ping' }) };
	private contests: string[];
	private live: LiveConnection | undefined;

	constructor(
		readonly shard: number,
		contests: readonly string[],
		private readonly channels: readonly OpenMarketsChannel[],
		private readonly events: ShardEvents,
	) {
		this.contests = [...contests];
	}

	get contestIds(): readonly string[] {
		return this.contests;
	}

	async handshake(session: HandshakeSession): Promise<Record<string, unknown>> {
		const greeting = await session.next((frame) => {
			const message = typedMessage(frame);
			return message?.type === 'connected' ? message : undefined;
		});
		if (this.contests.length > 0) {
			for (const channel of this.channels) {
				session.send({ action: 'subscribe', channel, contest_ids: this.contests });
				await session.next((frame) => {
					const message = typedMessage(frame);
					if (message?.type === 'subscribed' && message.channel === channel) return true;
					if (message?.type === 'error' && message.code !== 'unknown_contest') {
						throw new StreamFailure(
							'rejected',
							`OpenMarkets refused the ${channel} subscription: ${String(message.code)}: ${String(message.message ?? '')}`,
							{
								venueCode: String(message.code),
							},
						);
					}
					return undefined;
				});
			}
		}
		return { organizationId: greeting.organization_id, contests: this.contests.length };
	}

	streaming(live: LiveConnection): () => void {
		this.live = live;
		return () => {
			if (this.live === live) this.live = undefined;
		};
	}

	/**
	 * Moves the connection to a new contest list. On a live socket the change is sent at once
	 * (a subscribe replaces the channel's list; an empty list is only reachable by unsubscribing);
	 * otherwise the next handshake subscribes the new list.
	 */
	setContests(next: readonly string[]): void {
		const removed = this.contests.filter((id) => !next.includes(id));
		const added = next.filter((id) => !this.contests.includes(id));
		this.contests = [...next];
		const live = this.live;
		if (!live || (removed.length === 0 && added.length === 0)) return;
		for (const channel of this.channels) {
			if (next.length > 0) live.send({ action: 'subscribe', channel, contest_ids: this.contests });
			else live.send({ action: 'unsubscribe', channel, contest_ids: removed });
		}
	}

	decode(frame: Frame): Decoded {
		const message = typedMessage(frame);
		if (!message) return { kind: 'invalid', reason: 'not an OpenMarkets message (expected an object with a "type")' };
		const { type } = message;
		if (type === 'liquidity.update') return this.decodeLiquidity(message);
		if (type.startsWith('contest_state')) {
			const problem = validateState(message);
			if (problem) return { kind: 'invalid', reason: `${type}: ${problem}` };
			const { type: _type, ...data } = message;
			return { kind: 'event', ...this.event(type, data, `state:${String(data.contest_id)}`) };
		}
		if (type === 'error') {
			const { type: _type, ...data } = message;
			return { kind: 'event', ...this.event('error', data) };
		}
		// connected, subscribed, unsubscribed, pong and what OpenMarkets may add.
		return { kind: 'control' };
	}

	private decodeLiquidity(message: TypedMessage): Decoded {
		const problem = validateUpdate(message);
		if (problem) return { kind: 'invalid', reason: `liquidity.update: ${problem}` };
		const contestId = message.contest_id as string;
		const entries = message.changed_entries as Array<Record<string, unknown>>;
		if (message.refresh_required === true) this.events.refreshRequired(contestId);
		if (entries.length === 0) return { kind: 'control' };
		const timestamp = message.timestamp;
		return {
			kind: 'events',
			events: entries.map((entry) =>
				this.event('liquidity.update', { contest_id: contestId, ...entry, timestamp }, String(entry.liquidity_hash)),
			),
		};
	}

	/** An event of this connection; `shard` tells which of the trigger's connections it came on. */
	event(name: string, data: Record<string, unknown>, key?: string, annotations: Record<string, unknown> = {}): VenueEvent {
		return { event: name, data, key, annotations: { shard: this.shard, ...annotations } };
	}
}
