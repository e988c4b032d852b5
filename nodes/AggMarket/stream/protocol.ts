/**
 * The agg.market socket (docs/venues/agg-market.md#stream) for the trigger: the token is sent with the
 * `authenticate` action (never in the URL), renewed in place before it expires, and renewed
 * after a refusal or a 4001 close; order books are kept by OrderBooks, which asks for a
 * resnapshot on a gap or a checksum mismatch and never hands out a book that failed.
 */
import { StreamFailure } from '../../shared/engine/errors';
import { typedMessage, type TypedMessage } from '../../shared/engine/frames';
import type { Decoded, Frame, HandshakeSession, LiveConnection, VenueProtocol } from '../../shared/engine/protocol';
import type { CloseInfo } from '../../shared/engine/transport';
import type { EngineLogger } from '../../shared/engine/StreamEngine';
import { immediateEmission, OrderBooks, resnapshotMessage, type BookEmission, type BookResult } from '../book';
import { renewalMargin } from '../../shared/renewal';
import type { AggTokens } from '../auth';
import { checksumUnverifiableWarning, resnapshotStormWarning } from './bookWarnings';
import { decodeUserEvent, isUserEvent, type UserEventOptions } from './userEvents';

/** agg.market closes a socket whose token expired or was revoked with this code. */
export const TOKEN_EXPIRED_CLOSE = 4001;

/** An unanswered resnapshot is asked for again after this long. */
const RESNAPSHOT_RETRY_MS = 10_000;
/** An in-place renewal not acknowledged within this long replaces the connection. */
const REAUTH_ANSWER_MS = 10_000;

export interface AggStreamPlan {
	/** Authenticate the socket (user events need it; public books do not). */
	authenticate: boolean;
	/** Order-book outcomes to subscribe (empty: none). */
	outcomeIds: string[];
	bookEmission: BookEmission;
	verifyChecksum: boolean;
	userEvents: UserEventOptions;
	/** Which of the trigger's book connections this is, when there are several (on each book item). */
	shard?: number;
}

export class AggMarketProtocol implements VenueProtocol {
	readonly venue = 'agg.market';
	readonly source = 'websocket';
	/** agg.market sends its own heartbeat: that (and every other frame) feeds the watchdog. */
	readonly heartbeat = { kind: 'none' as const };
	private readonly books: OrderBooks;
	private live: LiveConnection | undefined;
	/** An in-place renewal waiting for `authenticated`: its deadline timer. */
	private reauthPending: NodeJS.Timeout | undefined;
	/** When the token is renewed next on the open connection. */
	private renewalTimer: NodeJS.Timeout | undefined;

	constructor(
		private readonly plan: AggStreamPlan,
		private readonly tokens: AggTokens,
		private readonly logger: Pick<EngineLogger, 'info' | 'warn'>,
	) {
		this.books = new OrderBooks({ verifyChecksum: plan.verifyChecksum });
	}

	async handshake(session: HandshakeSession): Promise<Record<string, unknown>> {
		await session.next((frame) => (typedMessage(frame)?.type === 'connected' ? true : undefined));
		const facts: Record<string, unknown> = {};
		if (this.plan.authenticate) facts.userId = await this.authenticate(session);
		if (this.plan.outcomeIds.length > 0) {
			// Books kept over a lost connection are outdated: the new snapshots say so (none on the first).
			this.books.invalidateAll('the connection was replaced');
			session.send({ action: 'subscribe', channel: 'orderbook', outcomeIds: this.plan.outcomeIds });
			await session.next((frame) => {
				const message = typedMessage(frame);
				if (message?.type === 'subscribed' && message.channel === 'orderbook') return true;
				if (message?.type === 'error') {
					throw new StreamFailure('rejected', `agg.market refused the order-book subscription: ${String(message.message ?? '')}`);
				}
				return undefined;
			});
		}
		return facts;
	}

	/** Sends the token; a refusal renews it once and tries again on the same socket. */
	private async authenticate(session: HandshakeSession): Promise<unknown> {
		for (let attempt = 1; ; attempt++) {
			session.send({ action: 'authenticate', token: await this.tokens.current() });
			const answer = await session.next((frame) => {
				const message = typedMessage(frame);
				return message?.type === 'authenticated' || message?.type === 'error' ? message : undefined;
			});
			if (answer.type === 'authenticated') return answer.userId;
			this.tokens.markRefused();
			const said = String(answer.message ?? 'token refused');
			if (attempt === 2 || !this.tokens.canRenew) {
				throw new StreamFailure('auth', `agg.market refused the access token: ${said}`);
			}
			this.logger.info(`agg.market refused the access token (${said}); renewing it`);
		}
	}

	streaming(live: LiveConnection): () => void {
		this.live = live;
		this.planRenewal(live);
		const resnapshotRetry =
			this.plan.outcomeIds.length > 0
				? setInterval(() => {
						const stale = this.books.staleOutcomesDue();
						if (stale.length > 0) live.send(resnapshotMessage(stale));
					}, RESNAPSHOT_RETRY_MS)
				: undefined;
		return () => {
			clearInterval(resnapshotRetry);
			clearTimeout(this.renewalTimer);
			clearTimeout(this.reauthPending);
			this.renewalTimer = undefined;
			this.reauthPending = undefined;
			if (this.live === live) this.live = undefined;
		};
	}

	/** Renews the token on the open connection shortly before it expires, when its expiry is known. */
	private planRenewal(live: LiveConnection): void {
		clearTimeout(this.renewalTimer);
		this.renewalTimer = undefined;
		const expiresAt = this.plan.authenticate ? this.tokens.expiresAtMs : undefined;
		if (expiresAt === undefined || !this.tokens.canRenew) return;
		const renewAt = expiresAt - renewalMargin(expiresAt - Date.now());
		this.renewalTimer = setTimeout(() => void this.renewInPlace(live), Math.min(2 ** 31 - 1, Math.max(0, renewAt - Date.now())));
	}

	/** Renews the token and hands it to the open socket; on any failure the connection is replaced. */
	private async renewInPlace(live: LiveConnection): Promise<void> {
		let token: string;
		try {
			token = await this.tokens.renew();
		} catch (error) {
			live.replace(`renewing the agg.market token failed (${(error as Error).message}); reconnecting`);
			return;
		}
		if (this.live !== live) return;
		this.reauthPending = setTimeout(() => {
			this.reauthPending = undefined;
			live.replace('agg.market did not confirm the renewed token; reconnecting');
		}, REAUTH_ANSWER_MS);
		if (!live.send({ action: 'authenticate', token })) live.replace('could not send the renewed token; reconnecting');
	}

	connectionClosed(info: CloseInfo): void {
		if (info.code === TOKEN_EXPIRED_CLOSE) this.tokens.markRefused();
	}

	decode(frame: Frame): Decoded {
		const message = typedMessage(frame);
		if (!message) return { kind: 'invalid', reason: 'not an agg.market message (expected an object with a "type")' };
		const { type } = message;
		if (isUserEvent(type)) return decodeUserEvent(type, message, this.plan.userEvents);
		switch (type) {
			case 'orderbook_snapshot':
			case 'orderbook_delta':
			case 'market_resolved':
				return this.decodeBook(message);
			case 'authenticated':
				return this.confirmRenewal();
			case 'error':
				return this.decodeError(message);
			default:
				// heartbeat, connected, subscribed, unsubscribed and what agg.market may add.
				return { kind: 'control' };
		}
	}

	private confirmRenewal(): Decoded {
		if (this.reauthPending) {
			clearTimeout(this.reauthPending);
			this.reauthPending = undefined;
			this.logger.info('agg.market accepted the renewed token on the open connection');
			if (this.live) this.planRenewal(this.live);
		}
		return { kind: 'control' };
	}

	private decodeError(message: TypedMessage): Decoded {
		const said = String(message.message ?? '');
		if (this.reauthPending && this.live) {
			clearTimeout(this.reauthPending);
			this.reauthPending = undefined;
			this.tokens.markRefused();
			this.live.replace(`agg.market refused the renewed token (${said}); reconnecting`);
		}
		const { type: _type, ...data } = message;
		return { kind: 'event', event: 'error', data };
	}

	/** A book event, with the connection it came on when the books are spread over several. */
	/** The item a changed book makes, per the trigger's emission choice (control when nothing is emitted). */
	private bookUpdate(result: Extract<BookResult, { kind: 'updated' }>): Decoded {
		if (this.plan.bookEmission === 'throttled') return this.bookEvent('orderbook', { ...result.book }, result.outcomeId);
		const emitted = immediateEmission(result, this.plan.bookEmission);
		if (!emitted) return { kind: 'control' };
		const event = this.plan.bookEmission === 'topOfBook' ? 'top_of_book' : 'orderbook';
		return this.bookEvent(event, { ...emitted }, result.outcomeId);
	}

	private bookEvent(event: string, data: Record<string, unknown>, outcomeId: string, key = outcomeId): Decoded {
		const annotations = this.plan.shard === undefined ? undefined : { shard: this.plan.shard };
		return { kind: 'event', event, data, key, annotations };
	}

	/** A `book_warning` item; its own key, so keeping the latest per key never drops it for a book. */
	private warningEvent(warning: Record<string, unknown>, outcomeId: string): Decoded {
		return this.bookEvent('book_warning', warning, outcomeId, `${outcomeId}:warning`);
	}

	private decodeBook(message: TypedMessage): Decoded {
		const result = this.books.apply(message);
		switch (result.kind) {
			case 'updated': {
				const book = this.bookUpdate(result);
				if (!result.unverifiable) return book;
				// Said once per trigger connection, with the snapshot it happened on.
				const warning = checksumUnverifiableWarning(result.outcomeId, result.unverifiable);
				this.logger.warn(warning.message);
				const notice = this.warningEvent(warning, result.outcomeId);
				const events = [notice, book].flatMap((decoded) => (decoded.kind === 'event' ? [decoded] : []));
				return { kind: 'events', events };
			}
			case 'resnapshot': {
				const { outcomeId, reason } = result;
				if (result.send) {
					this.logger.warn(`agg.market book ${outcomeId}: ${reason.detail}; asking for a fresh snapshot`);
					this.live?.send(resnapshotMessage([outcomeId]));
				}
				if (!result.storm) return { kind: 'control' };
				const warning = resnapshotStormWarning(outcomeId, reason, result.storm);
				this.logger.warn(warning.message);
				return this.warningEvent(warning, outcomeId);
			}
			case 'ended':
				return this.bookEvent('market_resolved', { outcomeId: result.outcomeId }, result.outcomeId);
			case 'dropped':
				return { kind: 'control' };
			case 'invalid':
				return { kind: 'invalid', reason: result.reason };
		}
	}
}
