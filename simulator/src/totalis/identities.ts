/** API keys the simulated Totalis knows, and the two ids each key's owner goes by. */
import { MM_QUOTES_CHANNEL_PREFIX } from './protocol';

export const MM_QUOTE_SCOPE = 'mm:quote';

export interface TotalisKeyIdentity {
	/** The `user_id` of auth:success (`did:privy:…`). */
	userId: string;
	/** The `mm_id` of the heartbeat answer and the `market_maker_id` of quotes. */
	mmId: string;
	/** Default ['mm:quote']; without that scope the market-maker endpoints answer 403. */
	scopes?: string[];
}

export interface Identity {
	apiKey: string;
	userId: string;
	mmId: string;
	scopes: ReadonlySet<string>;
}

export class IdentityRegistry {
	private readonly byApiKey = new Map<string, Identity>();

	constructor(keys: Record<string, TotalisKeyIdentity>) {
		for (const [apiKey, identity] of Object.entries(keys)) this.add(apiKey, identity);
	}

	add(apiKey: string, identity: TotalisKeyIdentity): Identity {
		const entry: Identity = {
			apiKey,
			userId: identity.userId,
			mmId: identity.mmId,
			scopes: new Set(identity.scopes ?? [MM_QUOTE_SCOPE]),
		};
		this.byApiKey.set(apiKey, entry);
		return entry;
	}

	byKey(apiKey: string | undefined): Identity | undefined {
		return apiKey === undefined ? undefined : this.byApiKey.get(apiKey);
	}

	/** The identity that goes by this user_id or mm_id. */
	byAnyId(id: string): Identity | undefined {
		for (const identity of this.byApiKey.values()) {
			if (identity.userId === id || identity.mmId === id) return identity;
		}
		return undefined;
	}

	/**
	 * One name per channel: `mm:quotes:<user_id>` and `mm:quotes:<mm_id>` of one key are the same
	 * channel, because the docs do not settle which id the channel uses [inferred].
	 */
	canonicalChannel(channel: string): string {
		if (!channel.startsWith(MM_QUOTES_CHANNEL_PREFIX)) return channel;
		const identity = this.byAnyId(channel.slice(MM_QUOTES_CHANNEL_PREFIX.length));
		return identity ? `${MM_QUOTES_CHANNEL_PREFIX}${identity.mmId}` : channel;
	}
}
