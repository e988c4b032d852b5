import type { Frame } from './protocol';

/**
 * The first step for every frame: refuse oversized ones before parsing them, then parse JSON.
 * An empty text (an SSE event without data) decodes to null. A refused frame comes back as the
 * reason, a string: the frame itself is the only object made per frame.
 */
export function decodeFrame(text: string, bytes: number, eventName: string | undefined, maxFrameBytes: number): Frame | string {
	if (bytes > maxFrameBytes) return `frame of ${bytes} bytes exceeds the ${maxFrameBytes}-byte limit`;
	if (text === '') return { value: null, text, bytes, eventName };
	try {
		return { value: JSON.parse(text) as unknown, text, bytes, eventName };
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
