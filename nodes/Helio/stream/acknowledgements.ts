/**
 * The subscriptions a Helio handshake still waits for, and what acknowledges each. Helio
 * documents a `subscribed` reply but not its payload, and a venue may acknowledge depth and
 * metrics only by sending their first event (docs/venues/helio.md#undocumented-details-and-what-the-nodes-accept):
 * both count.
 */
import { accountIdOf } from './schemas';

interface Waiting {
	/** Named in warnings and errors: "depth of EURUSD". */
	label: string;
	/** Depth and metrics: the stream may go on without their acknowledgement, with a warning. */
	optional: boolean;
}

const EVENTS_KEY = 'events';

export class PendingAcknowledgements {
	private readonly waiting = new Map<string, Waiting>();

	events(symbols: string[], events: string[]): void {
		this.waiting.set(EVENTS_KEY, { label: `${events.join(', ')} of ${symbols.join(', ')}`, optional: false });
	}

	depth(symbol: string): void {
		this.waiting.set(`depth:${symbol}`, { label: `depth of ${symbol}`, optional: true });
	}

	metrics(accountId: string): void {
		this.waiting.set(`metrics:${accountId}`, { label: `metrics of account ${accountId}`, optional: true });
	}

	get size(): number {
		return this.waiting.size;
	}

	/** Whether anything still missing must be acknowledged for the stream to be of use. */
	get requiredMissing(): boolean {
		return [...this.waiting.values()].some((waiting) => !waiting.optional);
	}

	/** "depth of EURUSD, metrics of account acc-1001": what is still missing. */
	describe(): string {
		return [...this.waiting.values()].map((waiting) => waiting.label).join('; ');
	}

	/** Takes what a message acknowledges off the list: a `subscribed` by its channel, or a subscription's first event. */
	acknowledge(type: string, payload: Record<string, unknown>): void {
		if (type === 'subscribed') {
			const key = ackKey(payload);
			// A reply that names no channel acknowledges the oldest subscription still waiting (Helio answers in order).
			if (key === undefined) this.waiting.delete(this.waiting.keys().next().value ?? '');
			else this.waiting.delete(key);
			return;
		}
		const key = eventKey(type, payload);
		if (key !== undefined) this.waiting.delete(key);
	}
}

function ackKey(payload: Record<string, unknown>): string | undefined {
	switch (payload.channel) {
		case 'depth':
			return `depth:${String(payload.symbol)}`;
		case 'metrics':
			return `metrics:${String(accountIdOf(payload))}`;
		case 'events':
			return EVENTS_KEY;
		default:
			return undefined;
	}
}

/** The subscription whose first event this is. */
function eventKey(type: string, payload: Record<string, unknown>): string | undefined {
	switch (type) {
		case 'quoteEvent':
		case 'executionEvent':
		case 'portfolioEvent':
			return EVENTS_KEY;
		case 'depthEvent':
			return typeof payload.symbol === 'string' ? `depth:${payload.symbol}` : undefined;
		case 'metricsEvent': {
			const accountId = accountIdOf(payload);
			return accountId === undefined ? undefined : `metrics:${String(accountId)}`;
		}
		default:
			return undefined;
	}
}
