import type { Frame } from './protocol';
import type { RawFrame } from './transport';

/**
 * The first step for every frame: refuse oversized ones before parsing them, then parse JSON.
 * An empty text (an SSE event without data) decodes to null. A refused frame comes back as the
 * reason, a string: the frame itself is the only object made per frame.
 */
export function decodeFrame(raw: RawFrame, maxFrameBytes: number): Frame | string {
	if (raw.bytes > maxFrameBytes) return `frame of ${raw.bytes} bytes exceeds the ${maxFrameBytes}-byte limit`;
	if (raw.text === '') return { value: null, raw };
	try {
		return { value: JSON.parse(raw.text) as unknown, raw };
	} catch (error) {
		return `not JSON: ${(error as Error).message}`;
	}
}

/** A short, single-line excerpt of a bad frame for logs (the caller redacts it). */
export function frameExcerpt(raw: RawFrame, limit = 160): string {
	const text = raw.text.length > limit ? `${raw.text.slice(0, limit)}…` : raw.text;
	return text.replace(/\s+/g, ' ');
}

/** A venue message: a JSON object with a non-empty string `type`, the shape every venue here uses. */
export type TypedMessage = Record<string, unknown> & { type: string };

/** The frame as a typed message, or undefined (checked by hand: it runs per frame). */
export function typedMessage<T extends { type: string } = TypedMessage>(frame: Frame): T | undefined {
	const value = frame.value as T | null;
	if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
	return typeof value.type === 'string' && value.type !== '' ? value : undefined;
}
