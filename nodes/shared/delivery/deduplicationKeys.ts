import { createHash } from 'node:crypto';

import type { Delivered } from '../items';

/** n8n's column for deduplication keys: a longer key is hashed. */
const MAX_KEY_LENGTH = 255;
/** Event names whose key prefix is kept: a venue's documented events are far fewer, and a venue inventing names must not grow it. */
const MAX_PREFIXES = 64;

/**
 * n8n keeps deduplication keys unique across all executions of the instance, so a bare event id
 * would let one workflow's execution suppress another's: the key is scoped to this workflow and
 * node, and hashed when longer than n8n's column (255).
 */
export function scopedDeduplicationKey(scope: string, key: string): string {
	return fitted(`${scope}:${key}`);
}

function fitted(full: string): string {
	return full.length <= MAX_KEY_LENGTH ? full : createHash('sha256').update(full).digest('hex');
}

/**
 * The scoped deduplication keys of one trigger, `<scope>:<venue>:<event>:<key>` for an event
 * whose venue said so (`deduplicatedByKey`, see deduplicationKeyOf in items.ts), otherwise
 * `<scope>:<deduplicationKey>`. Made in one concatenation from a prefix kept per event name: the
 * key is made for every execution of one event, and building it part by part made five strings.
 */
export class ScopedDeduplicationKeys {
	private readonly scopePrefix: string;
	/** `<scope>:<venue>:<event>:` by event name, for `venue`. */
	private readonly prefixes = new Map<string, string>();
	private venue: string | undefined;

	constructor(scope: string) {
		this.scopePrefix = `${scope}:`;
	}

	/** The key n8n is given for this event, or undefined when it has none. */
	of({ deduplicationKey, deduplicatedByKey, item, key }: Delivered): string | undefined {
		if (deduplicationKey !== undefined) return fitted(this.scopePrefix + deduplicationKey);
		if (!deduplicatedByKey || key === undefined) return undefined;
		return fitted(this.prefixOf(item.venue, item.event) + key);
	}

	private prefixOf(venue: string, event: string): string {
		// One trigger streams from one venue: the first one seen is the one whose prefixes are kept.
		this.venue ??= venue;
		const kept = venue === this.venue ? this.prefixes.get(event) : undefined;
		if (kept !== undefined) return kept;
		const prefix = `${this.scopePrefix}${venue}:${event}:`;
		if (venue === this.venue && this.prefixes.size < MAX_PREFIXES) this.prefixes.set(event, prefix);
		return prefix;
	}
}
