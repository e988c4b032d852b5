import type { Delivered, StreamItem } from '../items';
import type { Frame } from './protocol';

/**
 * A frame as the engine holds it and, once its event is known, the Delivered record that event
 * travels in: most frames carry one event, and one object then serves for both (a frame and a
 * record made one after the other were two objects per frame). The record lets go of the frame's
 * text and parsed value, which delivery does not need.
 */
export class FrameRecord implements Frame, Delivered {
	// Filled in by `deliveredAs`: declared here so that every record has one shape from the start.
	item!: StreamItem;
	key: string | undefined = undefined;
	deduplicationKey: string | undefined = undefined;
	deduplicatedByKey: boolean | undefined = undefined;

	constructor(
		public value: unknown,
		public text: string,
		public bytes: number,
		public eventName: string | undefined,
	) {}

	/** This frame's one event, as the record delivery receives (the frame's size is its `bytes`). */
	deliveredAs(
		item: StreamItem,
		key: string | undefined,
		deduplicationKey: string | undefined,
		deduplicatedByKey: boolean | undefined,
	): Delivered {
		this.item = item;
		this.key = key;
		this.deduplicationKey = deduplicationKey;
		this.deduplicatedByKey = deduplicatedByKey;
		this.value = undefined;
		this.text = '';
		return this;
	}
}

/**
 * The first step for every frame: refuse oversized ones before parsing them, then parse JSON.
 * An empty text (an SSE event without data) decodes to null. A refused frame comes back as the
 * reason, a string: the frame itself is the only object made per frame.
 */
export function decodeFrame(text: string, bytes: number, eventName: string | undefined, maxFrameBytes: number): FrameRecord | string {
	if (bytes > maxFrameBytes) return `frame of ${bytes} bytes exceeds the ${maxFrameBytes}-byte limit`;
	if (text === '') return new FrameRecord(null, text, bytes, eventName);
	try {
		return new FrameRecord(JSON.parse(text) as unknown, text, bytes, eventName);
	} catch (error) {
		return `not JSON: ${(error as Error).message}`;
	}
}

/** A short, single-line excerpt of a bad frame for logs (the caller redacts it). */
export function frameExcerpt(text: string, limit = 160): string {
	const excerpt = text.length > limit ? `${text.slice(0, limit)}…` : text;
	return excerpt.replace(/\s+/g, ' ');
}

/** A venue message: a JSON object with a non-empty string `type`, the shape every venue here uses. */
export type TypedMessage = Record<string, unknown> & { type: string };

/** The frame as a typed message, or undefined (checked by hand: it runs per frame). */
export function typedMessage<T extends { type: string } = TypedMessage>(frame: Frame): T | undefined {
	const value = frame.value as T | null;
	if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
	return typeof value.type === 'string' && value.type !== '' ? value : undefined;
}
